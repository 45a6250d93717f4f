"""docs/bi.md's Superset URI, through duckdb-engine as Superset opens it (a fresh connection per
query): it reads while another process holds the file, and the query after a rebuild sees the new
build with no reconnect. Without `access_mode=read_only`, the same query fails."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from serving_support import MART, MODELS_V1, MODELS_V2, hold, load_raw

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import REPO_ROOT, Paths

PLACEHOLDER = "/absolute/path/to/data/warehouse.duckdb"
URI = re.search(
    rf"```text\n(duckdb:///{re.escape(PLACEHOLDER)}\?\S+)\n```",
    (REPO_ROOT / "docs" / "bi.md").read_text(encoding="utf-8"),
)


def count(path: Path, uri: str) -> int:
    engine = sa.create_engine(uri.replace(PLACEHOLDER, str(path)), poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as con:
            return con.execute(sa.text(f"select count(*) from marts.{MART}")).scalar_one()
    finally:
        engine.dispose()


def test_readme_uri_reads_beside_a_reader_and_sees_the_next_build(
    clone: Paths, project: Path
) -> None:
    assert URI, "docs/bi.md gives the Superset URI in a ```text block"
    load_raw(clone, MODELS_V2)
    with hold(clone.warehouse):  # a notebook, `make report` or another tool
        assert count(clone.warehouse, URI[1]) == len(MODELS_V1)
        warehouse.build_project(clone, project)
        assert count(clone.warehouse, URI[1]) == len(MODELS_V2)


def test_without_read_only_the_uri_fails_while_another_process_reads(clone: Paths) -> None:
    read_write = URI[1].split("?")[0]
    with hold(clone.warehouse), pytest.raises(sa.exc.DBAPIError, match="Could not set lock"):
        count(clone.warehouse, read_write)
