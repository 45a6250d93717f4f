"""`make clean` removes only what a command rebuilds; raw data goes only with `make purge-raw
CONFIRM=1`. Run on a copy of the Makefile in a scratch checkout, so the real .venv stays."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from hubcarbon_settings import REPO_ROOT, Paths

REBUILT = ["warehouse.duckdb", ".build/warehouse.duckdb", "exports/dim_models.parquet",
           "docs/static_index.html", "report/index.html", "labels/index.html",
           "checks/frames/x.parquet", "lake/raw_hub/models/data.parquet", "demo.log"]  # fmt: skip
KEPT = ["dlt/hf_hub/state.json", "dlt/hubcarbon_builds/state.json"]


def make(checkout: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATA_DIR", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=checkout, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A checkout with a venv, dbt's target, and a data directory holding a real load's files."""
    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    for made in (".venv/bin/python", "dbt_project/target/manifest.json", "dbt_project/logs/x"):
        (tmp_path / made).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / made).write_text("rebuilt by make install / dbt")
    paths = Paths(tmp_path / "data")
    for name in REBUILT + KEPT:
        (paths.data_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (paths.data_dir / name).write_text(name)
    with duckdb.connect(str(paths.raw_db)) as con:  # a real DuckDB file, as dlt leaves it
        con.execute("create schema raw_hub; create table raw_hub.models as select 'a/b' as id")
    return tmp_path


def test_clean_removes_what_is_rebuilt_and_leaves_raw_byte_for_byte(checkout: Path) -> None:
    paths = Paths(checkout / "data")
    before = sha(paths.raw_db)
    done = make(checkout, "clean")
    assert done.returncode == 0, done.stderr
    assert sha(paths.raw_db) == before
    for name in KEPT:
        assert (paths.data_dir / name).read_text() == name
    for name in REBUILT:
        assert not (paths.data_dir / name).exists(), name
    assert not (checkout / ".venv").exists()
    assert not (checkout / "dbt_project" / "target").exists()


def test_purge_raw_says_what_it_deletes_and_refuses_without_confirm(checkout: Path) -> None:
    paths = Paths(checkout / "data")
    before = sha(paths.raw_db)
    for confirm in ([], ["CONFIRM=yes"]):
        refused = make(checkout, "purge-raw", *confirm)
        assert refused.returncode == 2
        assert f"purge-raw deletes {paths.raw_db}" in refused.stdout
        assert "make purge-raw CONFIRM=1" in refused.stderr
        assert sha(paths.raw_db) == before
    done = make(checkout, "purge-raw", "CONFIRM=1")
    assert done.returncode == 0, done.stderr
    assert not paths.raw_db.exists() and not paths.pipelines_dir.exists()


def test_help_warns_about_purge_raw() -> None:
    listed = make(REPO_ROOT, "help").stdout
    (line,) = [line for line in listed.splitlines() if "make purge-raw" in line]
    assert "WARNING" in line and "CONFIRM=1" in line
    assert "never raw data" in next(line for line in listed.splitlines() if "make clean" in line)
