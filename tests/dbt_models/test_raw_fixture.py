"""The hand-written raw tables the dbt tests build on have exactly the columns the sources files
describe (which tests/test_raw_schema.py holds to dlt's schema); the tables builds record their
labels in (raw_builds) are the ones hubcarbon.label_history has dlt create, the one definition."""

from __future__ import annotations

from pathlib import Path

import duckdb
from raw_tables import columns_of, described

from hubcarbon import label_history
from hubcarbon.steps import described_raw_tables
from hubcarbon_settings import DBT_PROJECT_DIR, Paths

BUILDS_SOURCES = (
    DBT_PROJECT_DIR / "models" / "staging" / "hubcarbon_builds" / "_hubcarbon_builds__sources.yml"
)


def test_the_fixture_raw_tables_are_the_described_ones(warehouse) -> None:
    with duckdb.connect(str(warehouse.path), read_only=True) as con:
        fixture = columns_of(con)
    assert {t: c for t, c in fixture.items() if t in described()} == described()


def _typed_columns(database: Path) -> dict[str, dict[str, str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name, data_type from information_schema.columns"
            " where table_schema = ? and not starts_with(table_name, '_dlt')",
            [label_history.DATASET],
        ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def test_the_recorded_label_tables_are_described_once(warehouse, tmp_path: Path) -> None:
    """dlt creates raw_builds from label_history's hints: the sources file describes exactly those
    columns, and the fixture's hand-written copy has the same columns and types."""
    paths = Paths(tmp_path)
    duckdb.connect(str(paths.raw_db)).close()
    label_history.ensure_tables(paths)
    created = _typed_columns(paths.raw_db)
    assert set(created) == set(label_history.TABLES)
    assert described_raw_tables(BUILDS_SOURCES) == {t: set(c) for t, c in created.items()}
    assert _typed_columns(warehouse.path) == created
