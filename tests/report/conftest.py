"""The report rendered from the session's demo warehouse (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from pipeline_support import run_module
from report_support import digest

from hubcarbon_settings import Paths


@pytest.fixture(scope="session")
def warehouse_digest(demo_warehouse: Paths) -> str:
    """The warehouse's bytes before the report reads it."""
    return digest(demo_warehouse.warehouse)


@pytest.fixture(scope="session")
def report_page(demo_warehouse: Paths, warehouse_digest: str) -> Path:
    # Rendered while another process (this one, as a BI tool would) holds the warehouse open.
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True):
        done = run_module("hubcarbon.report", demo_warehouse.data_dir)
    assert done.returncode == 0, done.stderr
    page = demo_warehouse.report_dir / "index.html"
    assert str(page) in done.stdout
    return page
