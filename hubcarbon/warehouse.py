"""The warehouse BI tools read: built beside the live file, then swapped in; exports; dbt docs.

    python -m hubcarbon.warehouse build [dbt args]   # make build [DBT_ARGS=...]
    python -m hubcarbon.warehouse export             # make export
    python -m hubcarbon.warehouse docs [dbt args]    # make docs

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
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import duckdb
import yaml

from hubcarbon import label_history
from hubcarbon_settings import (
    DBT_PROJECT_DIR,
    EXIT_DATA_SAYS_NO,
    EXIT_USAGE,
    WAREHOUSE_STORAGE_VERSION,
    Paths,
    fail,
)

RAW_SCHEMA = "raw_hub"
MARTS_SCHEMA = "marts"
DBT = Path(sys.executable).with_name("dbt")  # the dbt installed beside this interpreter
# The one description of the raw tables (dlt's schema, tests/test_raw_schema.py holds them equal).
SOURCES_FILE = DBT_PROJECT_DIR / "models" / "staging" / "hf_hub" / "_hf_hub__sources.yml"


def described_raw_tables() -> dict[str, set[str]]:
    """Each table of the project's source `hf_hub` and the names of its described columns."""
    (source,) = yaml.safe_load(SOURCES_FILE.read_text())["sources"]
    return {t["name"]: {c["name"] for c in t.get("columns", [])} for t in source["tables"]}


class WarehouseError(Exception):
    """A failure the user can act on; the message says how, ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


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
        with naming_the_raw_writer(paths.raw_db, RECORD_LOCKED.format(live=paths.warehouse)):
            label_history.record(paths, new)
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
    code = run_dbt(["build", *dbt_args], new, paths.data_dir, project_dir, target=target)
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
    paths.exports_dir.mkdir(parents=True, exist_ok=True)
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

        def write(mart: str, partial: Path) -> None:
            con.execute(
                f"copy (from {MARTS_SCHEMA}.{_ident(mart)}) to {_literal(partial)}"
                " (format parquet, compression zstd)"
            )

        written = write_exports(paths, marts, write)
    print(
        f"export: {len(written)} marts written to {paths.exports_dir}"
        f" in {time.monotonic() - started:.1f}s"
    )
    return written


def write_exports(
    paths: Paths, marts: Sequence[str], write: Callable[[str, Path], None]
) -> list[Path]:
    """``exports/<mart>.parquet`` for each mart, each written by `write(mart, partial path)` and
    renamed into place (same directory: atomic); exports of marts no longer built are removed."""
    written = []
    for mart in marts:
        final = paths.exports_dir / f"{mart}.parquet"
        partial = final.with_name(f".{final.name}.partial")
        try:
            write(mart, partial)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        written.append(final)
    # A mart dropped from the project must not live on as a stale file BI tools keep reading.
    for stale in sorted(set(paths.exports_dir.glob("*.parquet")) - set(written)):
        stale.unlink()
        print(f"export: removed {stale.name} (no such mart any more)")
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
        code = run_dbt(command, snapshot, paths.data_dir, project_dir, target=str(target))
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


@contextmanager
def naming_the_raw_writer(raw_db: Path, consequence: str = "") -> Iterator[None]:
    """DuckDB's lock error on raw.duckdb (also under the exceptions dlt raises while handling it),
    as the process to wait for and the `consequence` for this build."""
    try:
        yield
    except Exception as exc:
        if holder := _lock_holder(exc):
            raise WarehouseError(
                f"{raw_db} is locked by {holder} (a running make load?){consequence}: let it"
                " finish, then run make build again."
            ) from None
        raise


def run_dbt(
    command: Sequence[str],
    warehouse: Path | None,
    data_dir: Path,
    project_dir: Path,
    target: str | None = None,
    spark_dir: Path | None = None,
) -> int:
    """Run ``dbt <command>`` on the DuckDB file ``warehouse``, or on Spark when ``warehouse`` is
    None (metastore and tables under ``spark_dir``, default ``DATA_DIR/spark``); returns dbt's
    exit code.

    dbt's output streams to ours. The profile of ``project_dir`` is used whatever the user's
    environment says, pointed at ``warehouse`` (``HUBCARBON_WAREHOUSE``) with ``DATA_DIR`` set to
    ``data_dir``. ``target`` is dbt's target path (compiled SQL, run results, partial-parse
    state): concurrent runs of one project need one each.
    """
    if warehouse is None:
        from hubcarbon import spark

        engine = {
            "DBT_TARGET": spark.TARGET,
            **spark.environment(spark_dir or Paths(data_dir).spark_dir),
        }
    else:
        engine = {"HUBCARBON_WAREHOUSE": str(warehouse)}
    env = {
        # No colour codes in piped or CI output (a terminal keeps them; the user's setting wins).
        **({} if sys.stdout.isatty() else {"DBT_USE_COLORS": "false"}),
        **os.environ,
        **({"DBT_TARGET_PATH": target} if target else {}),
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_PROFILES_DIR": str(project_dir),  # the project's profile, whatever the user's env says
        "DATA_DIR": str(data_dir),
        **engine,
    }
    # A subprocess, not dbtRunner: dbt keeps process-global state, and the profile reads our env.
    return subprocess.run([str(DBT), *command], cwd=project_dir, env=env, check=False).returncode


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
        if holder := _lock_holder(exc):
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
        if holder := _lock_holder(exc):
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


def _lock_holder(exc: BaseException) -> str | None:
    """'PID 1234' when DuckDB reports a conflicting file lock (its message names the holder), as
    `exc` or as what `exc` was raised from or while handling (dlt wraps DuckDB's errors)."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, duckdb.IOException):
        cause = cause.__cause__ or cause.__context__
    if cause is None or "Could not set lock" not in str(cause):
        return None
    match = re.search(r"\(PID (\d+)\)", str(cause))
    return f"PID {match[1]}" if match else "another process"


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


USAGE = "usage: python -m hubcarbon.warehouse {build [dbt args] | export | docs [dbt args]}"
ENGINES = ("duckdb", "spark")


def engine() -> str:
    """The engine of make's ENGINE (HUBCARBON_ENGINE): duckdb unless told otherwise."""
    name = os.environ.get("HUBCARBON_ENGINE") or "duckdb"
    if name not in ENGINES:
        fail(f"ENGINE={name} is not one of {', '.join(ENGINES)}.")
    return name


def main(argv: Sequence[str] | None = None) -> None:
    command, *args = list(sys.argv[1:] if argv is None else argv) or [""]
    if command not in ("build", "docs", "export"):
        fail(USAGE)
    paths = Paths.writable_from_env(command)
    if engine() == "spark":
        _main_spark(command, args, paths)
        return
    try:
        if command == "build":
            build(paths, args)
        elif command == "docs":
            docs(paths, args)
        elif command == "export" and not args:
            export(paths)
        else:
            fail(USAGE)
    except WarehouseError as exc:
        fail(f"{command}: {exc}", exc.code)


def _main_spark(command: str, args: Sequence[str], paths: Paths) -> None:
    from hubcarbon import lake, spark  # the optional engine's packages only when asked for

    if command == "docs" or (command == "export" and args):
        fail(f"{command}: with ENGINE=spark only build and export run; {USAGE}")
    try:
        spark.build(paths, args) if command == "build" else spark.export(paths)
    except (lake.LakeError, WarehouseError) as exc:  # a SparkError is a WarehouseError
        fail(f"{command}: {exc}", getattr(exc, "code", EXIT_USAGE))


if __name__ == "__main__":
    main()
