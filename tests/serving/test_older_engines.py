"""The warehouse opens read-only in the oldest DuckDB the project promises (see docs/bi.md)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from older_engines import (
    OLDEST_CLI,
    OLDEST_PYTHON,
    _uv,
    mart_sizes_with_cli,
    marts,
    read_marts,
    row_counts,
    row_counts_with_python,
    side_env,
)

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import Paths


def test_oldest_python_client_reads_every_mart(built: Paths) -> None:
    queries = read_marts(built.warehouse)
    version, rows = row_counts_with_python(side_env(*OLDEST_PYTHON), built.warehouse, queries)
    assert version == "1.4.0"
    assert rows == row_counts(built.warehouse, queries)


def test_duckdb_cli_from_pypi_reads_every_mart(built: Paths) -> None:
    names = marts(built.warehouse)
    version, rows = mart_sizes_with_cli(side_env(*OLDEST_CLI), built.warehouse, names)
    assert version.startswith("v1.4.")
    assert rows == row_counts(built.warehouse, [f"select * from marts.{n}" for n in names])


def test_duckdb_before_1_4_refuses_the_warehouse_as_the_readme_says(built: Paths) -> None:
    python = side_env("duckdb==1.3.2", "pytz") / "python"
    opened = subprocess.run(
        [str(python), "-c", "import sys, duckdb; duckdb.connect(sys.argv[1], read_only=True)",
         str(built.warehouse)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert opened.returncode != 0
    assert "The database file was created with an newer version of DuckDB" in opened.stderr


def test_duckdb_1_0_reads_the_parquet_exports_as_the_readme_says(
    built: Paths, tmp_path: Path
) -> None:
    copy = Paths(tmp_path)
    shutil.copyfile(built.warehouse, copy.warehouse)
    exported = {path.stem: path for path in warehouse.export(copy)}
    python = side_env("duckdb==1.0.0", "pytz") / "python"
    script = (
        "import json, sys, duckdb;"
        " print(json.dumps([duckdb.__version__, *(len(duckdb.sql(f\"from '{p}'\").fetchall())"
        " for p in sys.argv[1:])]))"
    )
    read = subprocess.run(
        [str(python), "-c", script, *map(str, exported.values())],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    version, *rows = json.loads(read.stdout)
    assert version == "1.0.0"
    assert rows == row_counts(built.warehouse, [f"select * from marts.{n}" for n in exported])


@pytest.fixture
def unreachable_registry(monkeypatch: pytest.MonkeyPatch) -> tuple[str, ...]:
    """uv's arguments of an install from an index nobody listens on (no retries, no cache)."""
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    index = ("--index-url", "http://127.0.0.1:9/simple", "--no-cache")
    return ("pip", "install", "--dry-run", "--python", sys.executable, *index, "duckdb==1.0.0")


def test_an_unreachable_registry_fails_in_ci(unreachable_registry, monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    # A skip caught too: a skip escaping would report this test skipped, not failed.
    with pytest.raises((pytest.fail.Exception, pytest.skip.Exception)) as stopped:
        _uv(*unreachable_registry)
    assert stopped.type is pytest.fail.Exception, stopped.value
    assert "CI=true: the older-engine tests must run" in str(stopped.value)


def test_an_unreachable_registry_skips_locally_with_the_reason(
    unreachable_registry, monkeypatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="PyPI is unreachable"):
        _uv(*unreachable_registry)
