"""The warehouse opens read-only in the oldest DuckDB the project promises (see docs/bi.md)."""

from __future__ import annotations

from older_engines import (
    OLDEST_CLI,
    OLDEST_PYTHON,
    mart_rows,
    read_with_cli,
    read_with_python,
    side_env,
)

from hubcarbon.settings import Paths


def test_oldest_python_client_reads_every_mart(built: Paths) -> None:
    version, rows = read_with_python(side_env(OLDEST_PYTHON, "pytz"), built.warehouse)
    assert version == OLDEST_PYTHON.split("==")[1]
    assert rows == mart_rows(built.warehouse)


def test_duckdb_cli_from_pypi_reads_every_mart(built: Paths) -> None:
    expected = mart_rows(built.warehouse)
    assert read_with_cli(side_env(OLDEST_CLI), built.warehouse, list(expected)) == expected
