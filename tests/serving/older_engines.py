"""Older DuckDB engines, installed from PyPI into cached side environments, reading a warehouse.

BI drivers bundle their own, often older, DuckDB. The warehouse is written in storage format
``WAREHOUSE_STORAGE_VERSION`` so that they can open it; these helpers prove it with the real thing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from browser import in_ci

from hubcarbon_settings import REPO_ROOT

# The oldest Python client that opens storage v1.4.0, and the oldest CLI on PyPI (1.4.4). pytz:
# what DuckDB's Python client before 1.5 needs to return timestamps with time zone.
OLDEST_PYTHON = ("duckdb==1.4.0", "pytz")
OLDEST_CLI = ("duckdb-cli==1.4.*",)

# Run by the old engine: every query's rows fetched into Python (every value decoded), counted.
COUNT_ROWS = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("set enable_progress_bar = false")  # a long query would print one into the answer
rows = [len(con.execute(query).fetchall()) for query in json.load(sys.stdin)]
print(json.dumps({"version": duckdb.__version__, "rows": rows}))
"""


def side_env(*requirements: str) -> Path:
    """A venv with ``requirements`` under the user cache, created once; returns its bin/."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hubcarbon"
    root = cache / ("venv-" + "-".join(r.replace("=", "").replace("*", "x") for r in requirements))
    cache.mkdir(parents=True, exist_ok=True)
    with (cache / f"{root.name}.lock").open("w") as lock:  # concurrent test runs share the cache
        fcntl.flock(lock, fcntl.LOCK_EX)
        ready = root / ".complete"
        if not ready.exists():
            shutil.rmtree(root, ignore_errors=True)
            _uv("venv", "--quiet", "--python", sys.executable, str(root))
            python = str(root / "bin" / "python")
            _uv("pip", "install", "--quiet", "--python", python, *requirements)
            ready.touch()
    return root / "bin"


def _uv(*args: str) -> None:
    uv = shutil.which("uv") or str(REPO_ROOT / ".uv" / "bin" / "uv")  # `make install` bootstraps it
    result = subprocess.run([uv, *args], capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    if "error sending request" in result.stderr or "network was disabled" in result.stderr:
        reason = f"PyPI is unreachable, cannot install an older DuckDB: {result.stderr.strip()}"
        if in_ci():  # as the browser and Spark gates: a broken network is no green run in CI
            pytest.fail(f"{reason}\nCI=true: the older-engine tests must run in CI", pytrace=False)
        pytest.skip(reason)
    raise RuntimeError(f"uv {' '.join(args)} failed:\n{result.stderr}")


def marts(warehouse: Path) -> list[str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
            ).fetchall()
        ]


def read_marts(warehouse: Path) -> list[str]:
    """One query reading each mart in full."""
    return [f'select * from marts."{name}"' for name in marts(warehouse)]


def row_counts(warehouse: Path, queries: list[str]) -> list[int]:
    """Rows each query returns, as the current engine runs it."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [len(con.execute(query).fetchall()) for query in queries]


def row_counts_with_python(
    bin_dir: Path, warehouse: Path, queries: list[str]
) -> tuple[str, list[int]]:
    """(engine version, rows each query returns) as an older Python client runs them."""
    result = subprocess.run(
        [str(bin_dir / "python"), "-c", COUNT_ROWS, str(warehouse)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout)
    return answer["version"], answer["rows"]


def mart_sizes_with_cli(bin_dir: Path, warehouse: Path, names: list[str]) -> tuple[str, list[int]]:
    """(engine version, rows of each mart) as the `duckdb` command-line shell reads them."""
    counts = ", ".join(f'(select count(*) from marts."{name}") as "{name}"' for name in names)
    query = f"select version() as version, {counts}"
    result = subprocess.run(
        [str(bin_dir / "duckdb"), "-readonly", "-json", str(warehouse), "-c", query],
        capture_output=True,
        text=True,
        check=True,
    )
    (answer,) = json.loads(result.stdout)
    return answer["version"], [answer[name] for name in names]
