"""The report rendered from the session's demo warehouse (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pipeline_support import copy_of_warehouse, run_module
from report_support import digest

from hubcarbon_settings import Paths


@pytest.fixture(scope="session")
def reported(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """A copy of the demo's warehouse, where the report writes (the session's demo is read only)."""
    return copy_of_warehouse(demo_warehouse, tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="session")
def warehouse_digest(reported: Paths) -> str:
    """The warehouse's bytes before the report reads it."""
    return digest(reported.warehouse)


@pytest.fixture(scope="session")
def report_page(reported: Paths, warehouse_digest: str) -> Path:
    # Rendered while another process (this one, as a BI tool would) holds the warehouse open.
    with duckdb.connect(str(reported.warehouse), read_only=True):
        done = run_module("hubcarbon.report", reported.data_dir)
    assert done.returncode == 0, done.stderr
    page = reported.report_dir / "index.html"
    assert str(page) in done.stdout
    return page
