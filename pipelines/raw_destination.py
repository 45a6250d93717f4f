"""raw.duckdb as a dlt destination: dlt's DuckDB destination, with a merge that deduplicates the
staged rows through their keys alone.

dlt's merge (delete-insert) keeps one staged row per primary key, which it must: a load job that a
kill -9 left committed but not recorded is run again by the next load, and stages its rows twice.
dlt numbers the rows of each key with a window (`ROW_NUMBER() OVER (PARTITION BY key)`), which
sorts every staged column: a full listing's 4M rows, JSON included, spill to disk on the way
(25 s of 35 s at 4M models in a synthetic merge). The rows a rerun doubles are identical, so any
one row per key will do: here the first by DuckDB's `rowid`, found by an aggregate over the keys
and row ids only, then read by row id (the merge costs what it costs without deduplication).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dlt.common.destination.client import PreparedTableSchema
from dlt.common.schema.typing import TSortOrder
from dlt.destinations import duckdb
from dlt.destinations.impl.duckdb.duck import DuckDbClient
from dlt.destinations.job_client_impl import FollowupJobRequest
from dlt.destinations.sql_jobs import SqlMergeFollowupJob


class _KeyDedupMergeJob(SqlMergeFollowupJob):
    @classmethod
    def gen_select_from_dedup_sql(
        cls,
        table_name: str,
        primary_keys: Sequence[str],
        columns: Sequence[str],
        dedup_sort: tuple[str, TSortOrder] | None = None,
        condition: str | None = None,
        condition_columns: Sequence[str] | None = None,
        skip_dedup: bool = False,
    ) -> str:
        if skip_dedup or dedup_sort is not None:  # an order to keep: dlt's window
            return super().gen_select_from_dedup_sql(
                table_name,
                primary_keys,
                columns,
                dedup_sort,
                condition,
                condition_columns,
                skip_dedup,
            )
        first = f"SELECT min(rowid) FROM {table_name} GROUP BY {', '.join(primary_keys)}"
        return (
            f"SELECT {', '.join(columns)} FROM {table_name}"
            f" WHERE rowid IN ({first}) AND ({condition or '1 = 1'})"
        )


class _RawClient(DuckDbClient):
    def _create_merge_followup_jobs(
        self, table_chain: Sequence[PreparedTableSchema]
    ) -> list[FollowupJobRequest]:
        return [_KeyDedupMergeJob.from_table_chain(table_chain, self.sql_client)]


class raw_duckdb(duckdb):  # lower case, as dlt names its destination factories
    """dlt's `duckdb` destination whose merges deduplicate staged rows by key, not by window."""

    @property
    def client_class(self) -> type[Any]:
        return _RawClient
