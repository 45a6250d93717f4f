"""A local imitation of the Hugging Face Hub HTTP API, for tests, demos and benchmarks.

``Corpus`` holds the repositories (the bundled snapshot of real co2 reporters and/or a generated
population); ``HubReplay`` serves a corpus on 127.0.0.1 to the real ``huggingface_hub`` client.
"""

from hub_replay.corpus import DEFAULT_POPULATION, Corpus, Query
from hub_replay.records import DatasetRecord, ModelRecord
from hub_replay.server import Faults, HubReplay, RateLimit

__all__ = [
    "DEFAULT_POPULATION",
    "Corpus",
    "DatasetRecord",
    "Faults",
    "HubReplay",
    "ModelRecord",
    "Query",
    "RateLimit",
]
