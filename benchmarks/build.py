"""`make bench-build`: time `python -m hubcarbon.warehouse build` on the load benchmark's data.

Run `make bench-load` first: it leaves 1,000,000 loaded models in DATA_DIR/bench/raw.duckdb.
`make bench-build ENGINE=spark` builds the same load on DuckDB, then on Spark, and prints both
figures side by side. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

import duckdb

from hubcarbon.warehouse import engine
from hubcarbon_settings import REPO_ROOT, Paths
from pipelines.bench import bench_dir


@dataclass(frozen=True)
class Build:
    engine: str
    seconds: float
    peak_rss_mib: float


def timed_build(paths: Paths, on: str) -> Build:
    env = {**os.environ, "DATA_DIR": str(paths.data_dir), "HUBCARBON_ENGINE": on}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "hubcarbon.warehouse", "build"], cwd=REPO_ROOT, env=env
    )
    # wait4: this child's own resources (ru_maxrss in KiB covers the build and dbt in-process;
    # Spark's JVM, dbt's child, has its heap capped by HUBCARBON_SPARK_DRIVER_MEMORY).
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if code := os.waitstatus_to_exitcode(status):
        raise SystemExit(f"error: the {on} build failed with exit code {code}")
    return Build(on, seconds, usage.ru_maxrss / 1024)


def main() -> int:
    paths = Paths(bench_dir())
    if not paths.raw_db.exists():
        print(f"error: no {paths.raw_db}; run `make bench-load` first.", file=sys.stderr)
        return 2
    with duckdb.connect(str(paths.raw_db), read_only=True) as con:
        (models,) = con.execute("select count(*) from raw_hub.models").fetchone()
        (reporters,) = con.execute("select count(*) from raw_hub.emission_reporters").fetchone()
    engines = ["duckdb", "spark"] if engine() == "spark" else ["duckdb"]
    builds = [timed_build(paths, on) for on in engines]
    print(f"\nhubcarbon build benchmark: {models:,} models, {reporters:,} reporters")
    for build in builds:
        print(
            f"  dbt build on {build.engine:<6} (python -m hubcarbon.warehouse build):"
            f" {build.seconds:.1f}s, peak RSS of the build process {build.peak_rss_mib:,.0f} MiB"
        )
    print(f"  warehouse: {paths.warehouse} ({paths.warehouse.stat().st_size / 2**20:,.0f} MiB)")
    if len(builds) == 2:
        print(f"  Spark / DuckDB: {builds[1].seconds / builds[0].seconds:.1f}x the time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
