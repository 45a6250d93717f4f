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

from hubcarbon.settings import REPO_ROOT

# The oldest Python client that opens storage v1.4.0, and the oldest CLI on PyPI (1.4.4).
OLDEST_PYTHON = "duckdb==1.4.0"
OLDEST_CLI = "duckdb-cli==1.4.*"

# Run by the old engine: every mart, every value fetched into Python.
READ_MARTS = """
import json, sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
marts = con.execute(
    "select table_name from duckdb_tables() where schema_name = 'marts' order by 1").fetchall()
print(json.dumps({"version": duckdb.__version__, "marts": {
    name: len(con.execute(f'select * from marts."{name}"').fetchall()) for (name,) in marts}}))
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
            _uv("pip", "install", "--quiet", "--python", str(root / "bin" / "python"), *requirements)
            ready.touch()
    return root / "bin"


def _uv(*args: str) -> None:
    uv = shutil.which("uv") or str(REPO_ROOT / ".uv" / "bin" / "uv")  # `make install` bootstraps it
    result = subprocess.run([uv, *args], capture_output=True, text=True, check=False)
    if result.returncode == 0:
        return
    if "error sending request" in result.stderr or "network was disabled" in result.stderr:
        pytest.skip(f"PyPI is unreachable, cannot install an older DuckDB: {result.stderr.strip()}")
    raise RuntimeError(f"uv {' '.join(args)} failed:\n{result.stderr}")


def mart_rows(warehouse: Path) -> dict[str, int]:
    """Rows per mart, as the current engine reads them."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
        return {
            name: con.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for (name,) in marts
        }


def read_with_python(bin_dir: Path, warehouse: Path) -> tuple[str, dict[str, int]]:
    """(engine version, rows per mart) as an older Python client reads them."""
    result = subprocess.run(
        [str(bin_dir / "python"), "-c", READ_MARTS, str(warehouse)],
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(result.stdout)
    return answer["version"], answer["marts"]


def read_with_cli(bin_dir: Path, warehouse: Path, marts: list[str]) -> dict[str, int]:
    """Rows per mart as the `duckdb` command-line shell reads them, read-only."""
    sql = " union all ".join(
        f"select '{name}' as mart, count(*) as n from marts.\"{name}\"" for name in marts
    )
    result = subprocess.run(
        [str(bin_dir / "duckdb"), "-readonly", "-json", str(warehouse), "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return {row["mart"]: row["n"] for row in json.loads(result.stdout)}
