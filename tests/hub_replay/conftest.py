"""Shared fixtures: one read-only hub per session, fresh hubs for tests that mutate or throttle."""

from __future__ import annotations

import pytest
from huggingface_hub import HfApi

from hub_replay import Corpus, HubReplay

POPULATION = 3_000


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """Bundled snapshot + a small generated population; never mutated."""
    return Corpus.bundled(population=POPULATION, seed=7)


@pytest.fixture(scope="session")
def hub(corpus):
    with HubReplay(corpus, page_size=200) as server:
        yield server


@pytest.fixture(scope="session")
def api(hub) -> HfApi:
    return HfApi(endpoint=hub.url, token=False)


@pytest.fixture
def fresh_corpus() -> Corpus:
    """A corpus a test may mutate."""
    return Corpus.bundled(population=500, seed=3)
