"""The raw layer in an open format: every ``raw_hub`` table of ``raw.duckdb`` as Parquet.

    python -m hubcarbon.lake   # run by `make build ENGINE=spark` when older than the load

Writes ``DATA_DIR/lake/raw_hub/<table>/data.parquet`` for every table the loader wrote (dlt's
``_dlt_*`` journal included), so a table added to the loader reaches Spark with no change here. The
new lake is written beside the old one and renamed over it: a reader sees the previous load or this
one, never a mix. Spark reads it through the external tables of macro ``attach_raw_lake``.
"""

from __future__ import annotations

import shutil
import time

import duckdb

from hubcarbon_settings import Paths

RAW_SCHEMA = "raw_hub"


class LakeError(Exception):
    """A failure the user can act on; the message says how."""


def is_stale(paths: Paths) -> bool:
    """True when the lake is missing or older than the last load."""
    if not paths.raw_db.exists():
        raise LakeError(paths.missing(paths.raw_db, "build ENGINE=spark", "load"))
    marker = paths.lake_dir / RAW_SCHEMA
    return not marker.exists() or marker.stat().st_mtime < paths.raw_db.stat().st_mtime


def export(paths: Paths) -> list[str]:
    """Write every ``raw_hub`` table as Parquet under ``DATA_DIR/lake/raw_hub``; returns them."""
    if not paths.raw_db.exists():
        raise LakeError(paths.missing(paths.raw_db, "build ENGINE=spark", "load"))
    started = time.monotonic()
    final = paths.lake_dir / RAW_SCHEMA
    new = paths.lake_dir / f".{RAW_SCHEMA}.new"
    old = paths.lake_dir / f".{RAW_SCHEMA}.old"
    for leftover in (new, old):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        con = duckdb.connect(str(paths.raw_db), read_only=True)
    except duckdb.IOException as exc:
        raise LakeError(
            f"cannot read {paths.raw_db} ({exc}): a running make load? Let it finish, then retry."
        ) from None
    with con:
        tables = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables()"
                " where database_name = current_database() and schema_name = ? order by 1",
                [RAW_SCHEMA],
            ).fetchall()
        ]
        if not tables:
            raise LakeError(f"{paths.raw_db} has no {RAW_SCHEMA} tables: run make load first.")
        for table in tables:
            (new / table).mkdir(parents=True)
            target = str(new / table / "data.parquet").replace("'", "''")
            con.execute(
                f"copy {RAW_SCHEMA}.\"{table}\" to '{target}' (format parquet, compression zstd)"
            )
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    print(
        f"lake: {len(tables)} {RAW_SCHEMA} tables written as Parquet to {final}"
        f" in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    return tables


def main() -> None:
    paths = Paths.writable_from_env("lake")
    try:
        export(paths)
    except LakeError as exc:
        raise SystemExit(f"lake: {exc}") from None


if __name__ == "__main__":
    main()
