"""The DuckDB engine (the default): a warehouse file built beside the live one, then swapped in.

A DuckDB file held open by one process locks every writer out, and a writer locks everyone out. So
``build`` never writes the live ``warehouse.duckdb``: it creates ``.build/warehouse.duckdb``, copies
the loader's ``raw_hub`` tables into it, runs ``dbt build`` there and renames it over the live file.
Connected readers keep reading the old complete file until they reconnect; nobody ever sees a
half-built warehouse, and a failed build leaves the live one untouched. dbt's target/ (compiled
SQL, run results) of a build is ``.build/dbt-target`` unless ``DBT_TARGET_PATH`` says otherwise.
That machinery is ``build_project``, for any dbt project; ``build`` adds this project's own steps
(its raw tables checked before dbt, its labels recorded in raw before the swap).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb

from hubcarbon import label_history
from hubcarbon.steps import (
    MARTS_SCHEMA,
    RAW_SCHEMA,
    Rows,
    WarehouseError,
    described_raw_tables,
    export_metadata,
    lock_holder,
    naming_the_raw_writer,
    run_dbt,
    write_exports,
)
from hubcarbon_settings import DBT_PROJECT_DIR, EXIT_DATA_SAYS_NO, WAREHOUSE_STORAGE_VERSION, Paths


def dbt_environment(location: Path) -> dict[str, str]:
    """The profile's duckdb target reads the file it builds from ``HUBCARBON_WAREHOUSE``."""
    return {"HUBCARBON_WAREHOUSE": str(location)}


@contextmanager
def reader(location: Path) -> Iterator[Rows]:
    with _read_only(location) as con:

        def rows(sql: str) -> list[dict]:
            cursor = con.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

        yield rows


def scratch(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    location = directory / f"{name}.duckdb"
    _remove_database(location)
    return location


def build(paths: Paths, dbt_args: Sequence[str] = ()) -> Path:
    """`make build`: the steps of `build_project` on this project, and its own around dbt.
    Before: the tables where builds record their labels exist (empty for the first build), and the
    snapshot of raw holds every table the sources file describes. After a passing dbt build, before
    the swap: this build's labels are recorded in raw (hubcarbon.label_history)."""
    with _building(paths) as new:
        with naming_the_raw_writer(paths.raw_db):
            label_history.ensure_tables(paths)
        _snapshot_raw(paths.raw_db, new)
        _require_described_tables(paths.raw_db, new)
        _dbt_build(paths, new, dbt_args, DBT_PROJECT_DIR)
        with (
            naming_the_raw_writer(paths.raw_db, RECORD_LOCKED.format(live=paths.warehouse)),
            reader(new) as rows,
        ):
            label_history.record(paths, rows)
    return paths.warehouse


def build_project(paths: Paths, project_dir: Path, dbt_args: Sequence[str] = ()) -> Path:
    """Build a new warehouse of the dbt project `project_dir` from ``raw.duckdb`` and swap it in;
    returns the live path. The build machinery alone (`build` is this project's)."""
    with _building(paths) as new:
        _snapshot_raw(paths.raw_db, new)
        _dbt_build(paths, new, dbt_args, project_dir)
    return paths.warehouse


# A raw.duckdb locked when a build records its labels: what that means for the build.
RECORD_LOCKED = (
    ", so this build could not record its labels in raw (raw_builds) and was not swapped in; the"
    " live warehouse {live} is untouched, and the next build records them (and builds what that"
    " process loaded)"
)


@contextmanager
def _building(paths: Paths) -> Iterator[Path]:
    """One build of the data directory (its build lock held): yields the path of the new file,
    empty, and swaps it in when the block ends without error.

    Every build starts from an empty file, so a dbt selection among the build's arguments must
    include the parents of what it selects (``--select +fct_model_emissions``).
    """
    started = time.monotonic()
    if not paths.raw_db.exists():
        raise WarehouseError(paths.missing(paths.raw_db, "build", "load"))
    paths.build_dir.mkdir(parents=True, exist_ok=True)
    new = paths.build_dir / paths.warehouse.name
    with _exclusive(paths.build_dir / "build.lock"):
        _refuse_writer(paths.warehouse)  # fail before the build rather than after it
        _remove_database(new)
        yield new
        _swap(new, paths.warehouse)
    size_mb = paths.warehouse.stat().st_size / 1e6
    print(
        f"build: warehouse ready at {paths.warehouse} ({size_mb:,.1f} MB)"
        f" in {time.monotonic() - started:.1f}s; connected readers see it after reconnecting.",
        flush=True,
    )


def _dbt_build(paths: Paths, new: Path, dbt_args: Sequence[str], project_dir: Path) -> None:
    # dbt's target/ beside the build it describes: builds of other data directories running
    # at the same time do not share (and garble) one partial-parse state and run results.
    target = os.environ.get("DBT_TARGET_PATH") or str(paths.build_dir / "dbt-target")
    code = run_dbt(["build", *dbt_args], dbt_environment(new), paths.data_dir, project_dir, target)
    if code != 0:
        raise WarehouseError(
            f"dbt build failed (exit {code}); the live warehouse {paths.warehouse} is"
            f" untouched. The failed build is kept for inspection at {new}, dbt's"
            f" compiled SQL and run results under {target}.",
            EXIT_DATA_SAYS_NO,  # a data test failed (or a model did): this data makes no warehouse
        )


def export(paths: Paths) -> list[Path]:
    """Write every table of ``marts`` to ``exports/<mart>.parquet``, each replaced atomically."""
    _require_warehouse(paths, "export")
    started = time.monotonic()
    with _read_only(paths.warehouse) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables()"
                " where database_name = current_database() and schema_name = ? order by 1",
                [MARTS_SCHEMA],
            ).fetchall()
        ]

        info = (
            con.execute(f"from {MARTS_SCHEMA}.build_info").fetchdf().to_dict("records")[0]
            if "build_info" in marts
            else None
        )
        pairs = [f"{_literal(k)}: {_literal(v)}" for k, v in export_metadata(info).items()]
        metadata = f", kv_metadata {{{', '.join(pairs)}}}" if pairs else ""

        def write(mart: str, partial: Path) -> None:
            con.execute(
                f"copy (from {MARTS_SCHEMA}.{_ident(mart)}) to {_literal(partial)}"
                f" (format parquet, compression zstd{metadata})"
            )

        written = write_exports(paths, marts, write)
    print(
        f"export: {len(written)} marts written to {paths.exports_dir}"
        f" in {time.monotonic() - started:.1f}s"
    )
    return written


def docs(paths: Paths, dbt_args: Sequence[str] = (), project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """``dbt docs generate`` for the live warehouse into ``DATA_DIR/docs`` (``DBT_TARGET_PATH``
    if set); returns the self-contained HTML page.

    dbt-duckdb always opens its database read-write, which one connected BI reader would block. The
    live file is never modified in place (builds replace it), so a plain copy is a consistent
    snapshot, and dbt reads that instead.
    """
    _require_warehouse(paths, "docs")
    target = Path(os.environ.get("DBT_TARGET_PATH") or paths.docs_dir)
    with tempfile.TemporaryDirectory(prefix=".docs-", dir=paths.data_dir) as scratch:
        snapshot = Path(scratch) / paths.warehouse.name  # same basename: dbt's database name
        shutil.copyfile(paths.warehouse, snapshot)
        command = ["docs", "generate", "--static", *dbt_args]
        code = run_dbt(command, dbt_environment(snapshot), paths.data_dir, project_dir, str(target))
    if code != 0:
        raise WarehouseError(f"dbt docs generate failed (exit {code}); see dbt's output above.")
    page = target / "static_index.html"
    print(
        f"docs: written to {target}. Open {page} in a browser (self-contained), or serve the"
        f" site with: {sys.executable} -m http.server --directory {target} 8080"
    )
    return page


def _snapshot_raw(raw_db: Path, new: Path) -> None:
    """Copy every table of ``raw_hub`` and ``raw_builds`` (dlt's ``_dlt_*`` bookkeeping included)
    into the fresh file `new`."""
    with naming_the_raw_writer(raw_db), duckdb.connect() as con:
        con.execute(f"attach {_literal(raw_db)} as raw (read_only)")
        # Older engines (the BI drivers') can only open files written in their storage format.
        con.execute(
            f"attach {_literal(new)} as wh (storage_version {_literal(WAREHOUSE_STORAGE_VERSION)})"
        )
        tables = con.execute(
            "select schema_name, table_name from duckdb_tables()"
            " where database_name = 'raw' and schema_name in (?, ?) order by all",
            [RAW_SCHEMA, label_history.DATASET],
        ).fetchall()
        if not any(schema == RAW_SCHEMA for schema, _ in tables):
            raise WarehouseError(f"{raw_db} has no {RAW_SCHEMA} tables: run make load first.")
        for schema in {schema for schema, _ in tables}:
            con.execute(f"create schema wh.{schema}")
        for schema, table in tables:
            name = f"{schema}.{_ident(table)}"
            con.execute(f"create table wh.{name} as from raw.{name}")
    print(f"build: copied {len(tables)} raw tables into {new}", flush=True)


def _require_described_tables(raw_db: Path, new: Path) -> None:
    """Fail, naming the command, when the snapshot of raw lacks a table the sources file
    describes (dbt would fail later with "table not found")."""
    with duckdb.connect(str(new), read_only=True) as con:
        loaded = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [RAW_SCHEMA]
            ).fetchall()
        }
    if missing := sorted(set(described_raw_tables()) - loaded):
        raise WarehouseError(
            f"{raw_db} lacks {', '.join(f'{RAW_SCHEMA}.{t}' for t in missing)}, which this"
            " version's loader writes: an earlier version loaded it. Run make load (with the"
            " same DATA_DIR; it brings the file forward, fetching only what the new tables"
            " need, and lists every model once to start the history), then make build."
            " For the demo's data, run make demo."
        )


def _swap(new: Path, live: Path) -> None:
    wal = _wal(new)
    if wal.exists():  # dbt exited without a final checkpoint: fold the log into the file first
        duckdb.connect(str(new)).execute("checkpoint").close()
    _refuse_writer(live)
    # A log left by a crashed writer of the old file would be replayed into the new one.
    _wal(live).unlink(missing_ok=True)
    os.replace(new, live)
    directory = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # make the rename itself durable
    finally:
        os.close(directory)


def _refuse_writer(live: Path) -> None:
    """Fail if a process holds the live warehouse read-write (readers are fine)."""
    if not live.exists():
        return
    try:
        duckdb.connect(str(live), read_only=True).close()
    except duckdb.IOException as exc:
        if holder := lock_holder(exc):
            raise WarehouseError(
                f"{live} is open read-write by {holder}; BI tools must connect read-only"
                " (docs/bi.md). Close that connection, then run"
                " make build again."
            ) from None
        # Anything else (say, a damaged file) is about to be replaced anyway.


@contextmanager
def _read_only(live: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    try:
        con = duckdb.connect(str(live), read_only=True)
    except duckdb.IOException as exc:
        if holder := lock_holder(exc):
            raise WarehouseError(f"{live} is open read-write by {holder}; close it.") from None
        raise
    with con:
        yield con


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    """One build per data directory: a second one would delete the first one's file under it."""
    with lock_file.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise WarehouseError(
                f"another build (PID {handle.read().strip() or '?'}) is running in"
                f" {lock_file.parent}; wait for it to finish."
            ) from None
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        yield


def _require_warehouse(paths: Paths, command: str) -> None:
    if not paths.warehouse.exists():
        raise WarehouseError(paths.missing(paths.warehouse, command, "build"))


def _remove_database(path: Path) -> None:
    path.unlink(missing_ok=True)
    _wal(path).unlink(missing_ok=True)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
