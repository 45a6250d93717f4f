"""The raw tables as dbt's sources file describes them: the one description of dlt's schema."""

from __future__ import annotations

import yaml

from hubcarbon_settings import DBT_PROJECT_DIR

SOURCES_FILE = DBT_PROJECT_DIR / "models" / "staging" / "hf_hub" / "_hf_hub__sources.yml"


def described() -> dict[str, set[str]]:
    """Each table of source `hf_hub` and the names of its described columns."""
    (source,) = yaml.safe_load(SOURCES_FILE.read_text())["sources"]
    return {t["name"]: {c["name"] for c in t.get("columns", [])} for t in source["tables"]}


def columns_of(con, schema: str = "raw_hub") -> dict[str, set[str]]:
    """Each table of `schema` in a DuckDB connection and its column names."""
    tables: dict[str, set[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = ?",
        [schema],
    ).fetchall():
        tables.setdefault(table, set()).add(column)
    return tables
