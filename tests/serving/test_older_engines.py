"""The warehouse opens read-only in the oldest DuckDB the project promises (see the README)."""

from __future__ import annotations

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
