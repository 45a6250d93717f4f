"""`make bench-build`: time `python -m hubcarbon.warehouse build` on the load benchmark's data.

Run `make bench-load` first: it leaves 1,000,000 loaded models in DATA_DIR/bench/raw.duckdb.
Prints figures only; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import duckdb

from hubcarbon_settings import REPO_ROOT, Paths
from pipelines.bench import bench_dir


def main() -> int:
    paths = Paths(bench_dir())
    if not paths.raw_db.exists():
        print(f"error: no {paths.raw_db}; run `make bench-load` first.", file=sys.stderr)
        return 2
    with duckdb.connect(str(paths.raw_db), read_only=True) as con:
        (models,) = con.execute("select count(*) from raw_hub.models").fetchone()
        (reporters,) = con.execute("select count(*) from raw_hub.emission_reporters").fetchone()
    env = {**os.environ, "DATA_DIR": str(paths.data_dir)}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "hubcarbon.warehouse", "build"], cwd=REPO_ROOT, env=env
    )
    # wait4: this child's own resources (ru_maxrss in KiB covers the build and dbt in-process).
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if code := os.waitstatus_to_exitcode(status):
        print(f"error: the build failed with exit code {code}", file=sys.stderr)
        return code
    print(f"\nhubcarbon build benchmark: {models:,} models, {reporters:,} reporters")
    print(f"  dbt build (python -m hubcarbon.warehouse build): {seconds:.1f}s")
    print(f"  peak RSS of the build process: {usage.ru_maxrss / 1024:,.0f} MiB")
    print(f"  warehouse: {paths.warehouse} ({paths.warehouse.stat().st_size / 2**20:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
