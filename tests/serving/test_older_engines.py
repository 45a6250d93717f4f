"""The warehouse opens read-only in the oldest DuckDB the project promises (see the README)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from older_engines import (
    OLDEST_CLI,
    OLDEST_PYTHON,
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
