"""Fixtures shared by every suite.

``demo_warehouse`` is the whole real pipeline, run once per session exactly as users run it: the
local Hub imitation serves the bundled snapshot (the study's real CO2 reporters) plus generated
non-reporters, ``python -m pipelines.load`` mines it through huggingface_hub, and
``python -m hubcarbon.warehouse build`` runs dbt. Suites that only read the result share it; suites
that mutate the Hub or the warehouse build their own.
"""

from __future__ import annotations

import pytest
from pipeline_support import run_module

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import Paths

# Generated non-reporters beside the snapshot: enough for monthly shares, small enough to be quick.
DEMO_POPULATION = 1_000


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A data directory loaded and built by the real pipeline. Read it; never modify it."""
    paths = Paths(tmp_path_factory.mktemp("demo") / "data")
    dbt_scratch = tmp_path_factory.mktemp("demo-dbt")
    with HubReplay(Corpus.bundled(population=DEMO_POPULATION)) as hub:
        for module in ("pipelines.load", "hubcarbon.warehouse build"):
            done = run_module(
                module,
                paths.data_dir,
                HF_ENDPOINT=hub.url,
                DBT_TARGET_PATH=str(dbt_scratch / "target"),
                DBT_LOG_PATH=str(dbt_scratch / "logs"),
            )
            assert done.returncode == 0, (
                f"{module} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
            )
    return paths
