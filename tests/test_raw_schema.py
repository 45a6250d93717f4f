"""dlt's schema is the one definition of the raw tables: dbt's sources file describes exactly its
tables and columns, and the loader creates every one of them, empty or not, on the first load."""

from __future__ import annotations

import dlt
import duckdb
from raw_tables import SOURCES_FILE, columns_of, described

from hubcarbon_settings import Paths


def test_the_sources_file_describes_dlts_schema(demo_warehouse: Paths) -> None:
    schema = dlt.attach("hf_hub", pipelines_dir=str(demo_warehouse.pipelines_dir)).default_schema
    tables = {table["name"]: set(table["columns"]) for table in schema.data_tables()}
    tables["_dlt_loads"] = set(schema.tables["_dlt_loads"]["columns"])
    assert described() == tables, f"{SOURCES_FILE} and dlt's schema disagree"


def test_the_first_load_creates_every_described_table(demo_warehouse: Paths) -> None:
    """model_deletions (written by a full reconciliation only) included: no stand-ins needed."""
    with duckdb.connect(str(demo_warehouse.raw_db), read_only=True) as con:
        created = columns_of(con)
    assert {t: c for t, c in created.items() if t in described()} == described()
