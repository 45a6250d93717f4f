"""The raw layer as Parquet for Spark: every raw_hub table, whatever the loader adds, and what the
builds recorded in raw_builds; only when raw.duckdb is newer than the lake."""

from __future__ import annotations

import os

import duckdb
import pytest

from hubcarbon import lake
from hubcarbon_settings import Paths


@pytest.fixture
def paths(tmp_path) -> Paths:
    paths = Paths(tmp_path)
    with duckdb.connect(str(paths.raw_db)) as con:
        con.execute("create schema raw_hub")
        con.execute("create table raw_hub.models as select 'a/b' as id, json '[\"x\"]' as tags")
        # A table another change adds to the loader flows through with no change to the export.
        con.execute("create table raw_hub.model_history as select 1 as version")
        con.execute("create table raw_hub._dlt_loads as select '1.5' as load_id")
        con.execute("create table main.not_raw as select 1 as x")
        con.execute("create schema raw_builds")
        con.execute("create table raw_builds.efficiency_labels as select '1.5' as load_id")
    return paths


def test_every_raw_table_becomes_a_parquet_directory(paths) -> None:
    assert lake.export(paths) == [
        "raw_hub._dlt_loads",
        "raw_hub.model_history",
        "raw_hub.models",
        "raw_builds.efficiency_labels",
    ]
    lake_dir = paths.lake_dir / "raw_hub"
    assert sorted(p.name for p in lake_dir.iterdir()) == ["_dlt_loads", "model_history", "models"]
    rows = duckdb.sql(f"from '{lake_dir}/models/*.parquet'").fetchall()
    assert rows == [("a/b", '["x"]')]
    recorded = paths.lake_dir / "raw_builds" / "efficiency_labels"
    assert duckdb.sql(f"from '{recorded}/*.parquet'").fetchall() == [("1.5",)]


def test_the_lake_is_rewritten_only_when_the_load_is_newer(paths) -> None:
    assert lake.is_stale(paths)
    lake.export(paths)
    assert not lake.is_stale(paths)
    later = (paths.lake_dir / "raw_hub").stat().st_mtime + 10
    os.utime(paths.raw_db, (later, later))  # a new load
    assert lake.is_stale(paths)


def test_no_load_says_what_to_run(tmp_path) -> None:
    with pytest.raises(lake.LakeError, match="run make load"):
        lake.export(Paths(tmp_path))
