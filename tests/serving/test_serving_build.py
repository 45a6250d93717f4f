"""`build`: a new file swapped in atomically, safe beside open readers, harmless when it fails."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from serving_support import (
    MART,
    MODELS_BROKEN,
    MODELS_V1,
    MODELS_V2,
    fingerprint,
    hold,
    load_raw,
)

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import REPO_ROOT, WAREHOUSE_STORAGE_VERSION, Paths

COUNT = f"select count(*) from marts.{MART}"


def test_build_snapshots_raw_and_tags_the_storage_version(built: Paths) -> None:
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        tables = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'raw_hub'"
            ).fetchall()
        }
        (tags,) = con.execute(
            "select tags from duckdb_databases() where database_name = current_database()"
        ).fetchone()
        assert con.execute(COUNT).fetchone() == (len(MODELS_V1),)
    assert {"models", "_dlt_loads", "_dlt_version", "_dlt_pipeline_state"} <= tables
    assert tags["storage_version"].startswith(WAREHOUSE_STORAGE_VERSION)
    assert not list(built.build_dir.glob("*.duckdb*")), "the built file was moved, not copied"
    assert not Path(f"{built.warehouse}.wal").exists()


def test_open_reader_keeps_old_data_until_it_reconnects(clone: Paths, project: Path) -> None:
    load_raw(clone, MODELS_V2)
    with hold(clone.warehouse) as reader:
        assert reader.rows(COUNT) == [[len(MODELS_V1)]]
        warehouse.build_project(clone, project)
        assert reader.rows(COUNT) == [[len(MODELS_V1)]]  # still the old, complete file
        assert reader.ask("reconnect") == "ok"
        assert reader.rows(COUNT) == [[len(MODELS_V2)]]


def test_failed_build_keeps_the_live_warehouse(clone: Paths, project: Path) -> None:
    before = fingerprint(clone.warehouse)
    load_raw(clone, MODELS_BROKEN)
    with pytest.raises(warehouse.WarehouseError, match=r"dbt build failed.*untouched"):
        warehouse.build_project(clone, project)
    assert fingerprint(clone.warehouse) == before
    failed = clone.build_dir / clone.warehouse.name
    with duckdb.connect(str(failed), read_only=True) as con:  # kept for inspection
        assert con.execute(COUNT).fetchone() == (len(MODELS_BROKEN),)

    # Arguments after `build` reach dbt: without the failing test, the same data builds.
    warehouse.build_project(clone, project, ["--exclude", "test_type:data"])
    with duckdb.connect(str(clone.warehouse), read_only=True) as con:
        assert con.execute(COUNT).fetchone() == (len(MODELS_BROKEN),)


@pytest.mark.parametrize("locked", ["raw_db", "warehouse"])
def test_a_writer_holding_a_file_fails_the_build_naming_its_pid(
    clone: Paths, project: Path, locked: str
) -> None:
    before = fingerprint(clone.warehouse)
    with (
        hold(getattr(clone, locked), "read_write") as writer,
        pytest.raises(warehouse.WarehouseError, match=rf"PID {writer.pid}\b"),
    ):
        warehouse.build_project(clone, project)
    assert fingerprint(clone.warehouse) == before


def test_one_build_at_a_time_per_data_directory(clone: Paths, project: Path) -> None:
    with (clone.build_dir / "build.lock").open("w") as other:  # as a running build holds it
        fcntl.flock(other, fcntl.LOCK_EX)
        other.write("4242")
        other.flush()
        with pytest.raises(warehouse.WarehouseError, match=r"another build \(PID 4242\)"):
            warehouse.build_project(clone, project)


def test_cli_without_raw_data_says_what_to_run(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hubcarbon.warehouse", "build"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "does not exist: run make load, then make build" in result.stderr
