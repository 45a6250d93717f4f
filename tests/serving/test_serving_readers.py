"""What BI tools see: descriptions as comments, SQLAlchemy access, Parquet exports, dbt docs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import sqlalchemy as sa
from serving_support import COLUMN_DESCRIPTIONS, MART, MART_DESCRIPTION, MODELS_V1, hold

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import Paths


def test_descriptions_are_database_comments(built: Paths) -> None:
    with duckdb.connect(str(built.warehouse), read_only=True) as con:
        (table_comment,) = con.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' and table_name = ?",
            [MART],
        ).fetchone()
        column_comments = dict(
            con.execute(
                "select column_name, comment from duckdb_columns()"
                " where schema_name = 'marts' and table_name = ?",
                [MART],
            ).fetchall()
        )
    assert table_comment == MART_DESCRIPTION
    assert column_comments == COLUMN_DESCRIPTIONS


def test_sqlalchemy_reads_the_marts_read_only(built: Paths) -> None:
    engine = sa.create_engine(f"duckdb:///{built.warehouse}", connect_args={"read_only": True})
    try:
        assert MART in sa.inspect(engine).get_table_names(schema="marts")
        with engine.connect() as con:
            rows = con.execute(
                sa.text(f"select model_id, downloads from marts.{MART} order by model_id")
            ).all()
    finally:
        engine.dispose()
    assert [tuple(row) for row in rows] == [(m["id"], m["downloads"]) for m in MODELS_V1]


def test_parquet_exports_round_trip(clone: Paths) -> None:
    stale = clone.exports_dir / "dropped_mart.parquet"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left over from an older export")
    with hold(clone.warehouse):  # exporting reads only: an open BI reader is no obstacle
        written = warehouse.export(clone)

    assert sorted(p.name for p in clone.exports_dir.iterdir()) == [f"{MART}.parquet"]
    assert written == [clone.exports_dir / f"{MART}.parquet"]
    exported = pq.read_table(written[0])  # an independent Parquet reader
    with duckdb.connect(str(clone.warehouse), read_only=True) as con:
        mart = con.sql(f"from marts.{MART}").to_arrow_table()
        differing = con.execute(
            "select count(*) from ("
            f"  (from exported except all from marts.{MART})"
            f"  union all (from marts.{MART} except all from exported))"
        ).fetchone()
    assert exported.num_rows == mart.num_rows == len(MODELS_V1)
    assert exported.schema.names == mart.schema.names
    assert differing == (0,)


def test_docs_generate_while_a_reader_is_connected(built: Paths, project: Path) -> None:
    with hold(built.warehouse):  # dbt opens read-write; the copy keeps it off the live file
        page = warehouse.docs(built, project_dir=project)
    target = Path(os.environ["DBT_TARGET_PATH"])
    assert page == target / "static_index.html"
    assert page.stat().st_size > 0
    catalog = json.loads((target / "catalog.json").read_text())
    node = catalog["nodes"][f"model.hubcarbon.{MART}"]
    assert node["metadata"]["comment"] == MART_DESCRIPTION
    assert set(node["columns"]) == set(COLUMN_DESCRIPTIONS)
    assert not list(built.data_dir.glob(".docs-*")), "the snapshot is removed"
