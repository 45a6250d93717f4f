"""What every engine shares: running dbt on a project, writing the exports, naming the process
that holds a DuckDB lock, and the raw tables the project's sources describe.

Nothing here knows an engine: each engine (hubcarbon.engines) gives ``run_dbt`` the variables that
point dbt's profile at it, and ``write_exports`` the function that writes one mart.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import yaml

from hubcarbon_settings import DBT_PROJECT_DIR, EXIT_USAGE, Paths

RAW_SCHEMA = "raw_hub"
MARTS_SCHEMA = "marts"
Rows = Callable[[str], list[dict[str, Any]]]  # a query's rows on an engine, as dicts by column
DBT = Path(sys.executable).with_name("dbt")  # the dbt installed beside this interpreter
# The one description of the raw tables (dlt's schema, tests/test_raw_schema.py holds them equal).
SOURCES_FILE = DBT_PROJECT_DIR / "models" / "staging" / "hf_hub" / "_hf_hub__sources.yml"


class WarehouseError(Exception):
    """A failure the user can act on; the message says how, ``code`` is the exit status."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def described_raw_tables(sources_file: Path = SOURCES_FILE) -> dict[str, set[str]]:
    """Each table of the one source in `sources_file` and the names of its described columns."""
    (source,) = yaml.safe_load(sources_file.read_text())["sources"]
    return {t["name"]: {c["name"] for c in t.get("columns", [])} for t in source["tables"]}


def run_dbt(
    command: Sequence[str],
    engine_env: Mapping[str, str],
    data_dir: Path,
    project_dir: Path,
    target: str | None = None,
) -> int:
    """Run ``dbt <command>`` on the engine that `engine_env` points the profile at (an engine's
    ``dbt_environment``); returns dbt's exit code.

    dbt's output streams to ours. The profile of ``project_dir`` is used whatever the user's
    environment says, with ``DATA_DIR`` set to ``data_dir``. ``target`` is dbt's target path
    (compiled SQL, run results, partial-parse state): concurrent runs of one project need one each.
    """
    env = {
        # No colour codes in piped or CI output (a terminal keeps them; the user's setting wins).
        **({} if sys.stdout.isatty() else {"DBT_USE_COLORS": "false"}),
        **os.environ,
        **({"DBT_TARGET_PATH": target} if target else {}),
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_PROFILES_DIR": str(project_dir),  # the project's profile, whatever the user's env says
        "DATA_DIR": str(data_dir),
        **engine_env,
    }
    # A subprocess, not dbtRunner: dbt keeps process-global state, and the profile reads our env.
    return subprocess.run([str(DBT), *command], cwd=project_dir, env=env, check=False).returncode


# The marts.build_info columns every export carries as Parquet key-value metadata, under
# "hubcarbon.<column>": a file shared alone still says where its figures come from.
EXPORT_METADATA = ("data_origin", "endpoint_kind", "endpoint", "load_id", "loaded_at")


def export_metadata(build_info: Mapping[str, object] | None) -> dict[str, str]:
    """The Parquet key-value metadata of every export, from the row of marts.build_info (None: a
    warehouse of another dbt project, e.g. a test's, which has no build_info, and no metadata)."""
    if build_info is None:
        return {}
    return {
        f"hubcarbon.{column}": "" if build_info[column] is None else str(build_info[column])
        for column in EXPORT_METADATA
    }


def write_exports(
    paths: Paths, marts: Sequence[str], write: Callable[[str, Path], None]
) -> list[Path]:
    """``exports/<mart>.parquet`` for each mart, each written by `write(mart, partial path)` and
    renamed into place (same directory: atomic); exports of marts no longer built are removed."""
    paths.exports_dir.mkdir(parents=True, exist_ok=True)
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


@contextmanager
def naming_the_raw_writer(raw_db: Path, consequence: str = "") -> Iterator[None]:
    """DuckDB's lock error on raw.duckdb (also under the exceptions dlt raises while handling it),
    as the process to wait for and the `consequence` for this build."""
    try:
        yield
    except Exception as exc:
        if holder := lock_holder(exc):
            raise WarehouseError(
                f"{raw_db} is locked by {holder} (a running make load?){consequence}: let it"
                " finish, then run make build again."
            ) from None
        raise


def lock_holder(exc: BaseException) -> str | None:
    """'PID 1234' when DuckDB reports a conflicting file lock (its message names the holder), as
    `exc` or as what `exc` was raised from or while handling (dlt wraps DuckDB's errors)."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, duckdb.IOException):
        cause = cause.__cause__ or cause.__context__
    if cause is None or "Could not set lock" not in str(cause):
        return None
    match = re.search(r"\(PID (\d+)\)", str(cause))
    return f"PID {match[1]}" if match else "another process"
