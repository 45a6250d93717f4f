"""The raw layer in an open format: every table of ``raw.duckdb``'s raw schemas as Parquet.

    python -m hubcarbon.lake   # run by `make build ENGINE=spark` when older than raw.duckdb

Writes ``DATA_DIR/lake/<schema>/<table>/data.parquet`` for every table the loader wrote in
``raw_hub`` (dlt's ``_dlt_*`` journal included) and every table the builds recorded in
``raw_builds`` (hubcarbon.label_history), so a table added to either reaches Spark with no change
here. Each schema's new directory is written beside the old one and renamed over it: a reader sees
the previous load or this one, never a mix within a schema. Spark reads it through the external
tables of macro ``attach_raw_lake``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import duckdb

from hubcarbon import label_history
from hubcarbon.steps import RAW_SCHEMA, WarehouseError
from hubcarbon_settings import Paths, fail

# The loader's raw tables, then what each build recorded (which a build reads back).
SCHEMAS = (RAW_SCHEMA, label_history.DATASET)


class LakeError(WarehouseError):
    """A failure the user can act on; the message says how."""


def is_stale(paths: Paths) -> bool:
    """True when the lake is missing or older than raw.duckdb (a load, or a build's record)."""
    if not paths.raw_db.exists():
        raise LakeError(paths.missing(paths.raw_db, "build ENGINE=spark", "load"))
    marker = paths.lake_dir / RAW_SCHEMA
    return not marker.exists() or marker.stat().st_mtime < paths.raw_db.stat().st_mtime


def export(paths: Paths) -> list[str]:
    """Write every table of the raw schemas as Parquet under ``DATA_DIR/lake/<schema>``; returns
    them as ``schema.table``."""
    if not paths.raw_db.exists():
        raise LakeError(paths.missing(paths.raw_db, "build ENGINE=spark", "load"))
    started = time.monotonic()
    try:
        con = duckdb.connect(str(paths.raw_db), read_only=True)
    except duckdb.IOException as exc:
        raise LakeError(
            f"cannot read {paths.raw_db} ({exc}): a running make load? Let it finish, then retry."
        ) from None
    written = []
    with con:
        for schema in SCHEMAS:
            tables = [
                name
                for (name,) in con.execute(
                    "select table_name from duckdb_tables()"
                    " where database_name = current_database() and schema_name = ? order by 1",
                    [schema],
                ).fetchall()
            ]
            if schema == RAW_SCHEMA and not tables:
                raise LakeError(f"{paths.raw_db} has no {RAW_SCHEMA} tables: run make load first.")
            _write_schema(con, paths.lake_dir, schema, tables)
            written += [f"{schema}.{table}" for table in tables]
    print(
        f"lake: {len(written)} raw tables ({', '.join(SCHEMAS)}) written as Parquet to"
        f" {paths.lake_dir} in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    return written


def _write_schema(
    con: duckdb.DuckDBPyConnection, lake_dir: Path, schema: str, tables: list[str]
) -> None:
    final = lake_dir / schema
    new = lake_dir / f".{schema}.new"
    old = lake_dir / f".{schema}.old"
    for leftover in (new, old):
        shutil.rmtree(leftover, ignore_errors=True)
    new.mkdir(parents=True)
    for table in tables:
        (new / table).mkdir()
        target = str(new / table / "data.parquet").replace("'", "''")
        con.execute(f"copy {schema}.\"{table}\" to '{target}' (format parquet, compression zstd)")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def main() -> None:
    paths = Paths.writable_from_env("lake")
    try:
        export(paths)
    except LakeError as exc:
        fail(f"lake: {exc}")


if __name__ == "__main__":
    main()
