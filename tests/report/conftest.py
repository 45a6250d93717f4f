"""A demo-like warehouse built by the real pipeline, and the report rendered from it.

The local Hub imitation serves the bundled snapshot (real CO2 reporters) plus a small generated
population; the real loader (``python -m pipelines.load``) mines it with huggingface_hub and the
real build (``python -m hubcarbon.warehouse build``) runs dbt. Built once per session.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from report_support import digest, run_module

from hubcarbon.settings import Paths
from pipelines.hub_replay import Corpus, HubReplay

POPULATION = 1_000  # generated non-reporters beside the snapshot: enough for monthly shares


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> Paths:
    paths = Paths(tmp_path_factory.mktemp("report") / "data")
    with HubReplay(Corpus.bundled(population=POPULATION)) as hub:
        for module in ("pipelines.load", "hubcarbon.warehouse build"):
            done = run_module(module, paths.data_dir, HF_ENDPOINT=hub.url)
            output = done.stdout[-4000:] + done.stderr[-4000:]
            assert done.returncode == 0, f"{module} failed:\n{output}"
    return paths


@pytest.fixture(scope="session")
def warehouse_digest(demo_paths: Paths) -> str:
    """The warehouse's bytes before the report reads it."""
    return digest(demo_paths.warehouse)


@pytest.fixture(scope="session")
def report_page(demo_paths: Paths, warehouse_digest: str) -> Path:
    # Rendered while another process (this one, as a BI tool would) holds the warehouse open.
    with duckdb.connect(str(demo_paths.warehouse), read_only=True):
        done = run_module("hubcarbon.report", demo_paths.data_dir)
    assert done.returncode == 0, done.stderr
    page = demo_paths.report_dir / "index.html"
    assert str(page) in done.stdout
    return page
