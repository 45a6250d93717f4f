"""The raw tables as dbt's sources file describes them: the one description of dlt's schema."""

from __future__ import annotations

from hubcarbon.steps import SOURCES_FILE
from hubcarbon.steps import described_raw_tables as described

__all__ = ["SOURCES_FILE", "columns_of", "described"]


def columns_of(con, schema: str = "raw_hub") -> dict[str, set[str]]:
    """Each table of `schema` in a DuckDB connection and its column names."""
    tables: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?",
        [schema],
    ).fetchall():
        tables.setdefault(table, set()).add(column)
    return tables
