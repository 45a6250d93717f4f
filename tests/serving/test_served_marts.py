"""The project's own marts, built by the real pipeline, as BI tools see them: described, answering
the SQL of docs/bi.md, and read alike by the oldest supported DuckDB."""

from __future__ import annotations

import re

import duckdb
import pytest
from older_engines import OLDEST_PYTHON, read_marts, row_counts, row_counts_with_python, side_env

from hubcarbon_settings import REPO_ROOT, Paths

# The five questions' SQL, and the history's examples (the demo loads twice around changes).
FIVE_QUESTIONS = (REPO_ROOT / "docs" / "bi.md").read_text().split("## Five questions")[1]
BI_QUERIES = re.findall(r"```sql\n(.*?)```", FIVE_QUESTIONS, re.S)
HISTORY_QUERIES = re.findall(
    r"```sql\n(.*?)```", (REPO_ROOT / "docs" / "history.md").read_text(), re.S
)


def test_docs_ask_the_five_questions() -> None:
    assert len(BI_QUERIES) == 5


@pytest.mark.parametrize("query", BI_QUERIES, ids=range(1, len(BI_QUERIES) + 1))
def test_bi_query_answers(demo_warehouse: Paths, query: str) -> None:
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True) as con:
        assert con.execute(query).fetchall(), "the demo data has an answer to every question"


@pytest.mark.parametrize("query", HISTORY_QUERIES, ids=range(1, len(HISTORY_QUERIES) + 1))
def test_history_query_answers_on_the_demo(demo_warehouse: Paths, query: str) -> None:
    assert len(HISTORY_QUERIES) == 2
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True) as con:
        assert con.execute(query).fetchall(), "the demo observes a change of every kind shown"


def test_oldest_engine_reads_the_marts_and_runs_the_queries(demo_warehouse: Paths) -> None:
    queries = read_marts(demo_warehouse.warehouse) + BI_QUERIES
    bin_dir = side_env(*OLDEST_PYTHON)
    version, rows = row_counts_with_python(bin_dir, demo_warehouse.warehouse, queries)
    assert version == "1.4.0"
    assert rows == row_counts(demo_warehouse.warehouse, queries)


def test_every_mart_and_column_is_described(demo_warehouse: Paths) -> None:
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True) as con:
        undescribed = con.execute(
            "select table_name from duckdb_tables()"
            " where schema_name = 'marts' and coalesce(comment, '') = ''"
            " union all select table_name || '.' || column_name from duckdb_columns()"
            " where schema_name = 'marts' and coalesce(comment, '') = ''"
        ).fetchall()
    assert undescribed == [], "persist_docs writes dbt descriptions as comments BI tools show"
