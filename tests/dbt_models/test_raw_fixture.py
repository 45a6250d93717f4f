"""The hand-written raw tables the dbt tests build on have exactly the columns the sources file
describes (which tests/test_raw_schema.py holds to dlt's schema)."""

from __future__ import annotations

import duckdb
from raw_tables import columns_of, described


def test_the_fixture_raw_tables_are_the_described_ones(warehouse) -> None:
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        fixture = columns_of(con)
    assert {t: c for t, c in fixture.items() if t in described()} == described()
