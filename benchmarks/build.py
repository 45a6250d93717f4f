"""`make bench-build`: time `python -m hubcarbon.warehouse build` on a fixed, stated population.

    python -m benchmarks.build [--models 1000000]

The population is always the same, so figures compare across commits: the load benchmark's
generated Hub (`--models`, 0.5 % reporters, seed 0) loaded by this tree's loader, then its
realistic and stress refreshes: what `make bench-load` leaves in DATA_DIR/bench/ (loaded here
unless it is there). `make bench-build ENGINE=spark` builds it on DuckDB, then on
Spark, and prints both figures side by side. Prints the population, each build's time and peak
RSS, and every mart's rows; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass

import duckdb

from benchmarks.load import REFRESHES, bench_dir, benchmark, population
from benchmarks.rusage import measured
from hubcarbon.warehouse import engine
from hubcarbon_settings import REPO_ROOT, Paths

REPORTER_SHARE = 0.005


@dataclass(frozen=True)
class Build:
    engine: str
    seconds: float
    peak_rss_mib: float


def timed_build(paths: Paths, on: str) -> Build:
    env = {**os.environ, "DATA_DIR": str(paths.data_dir), "HUBCARBON_ENGINE": on}
    started = time.perf_counter()
    # The build process's own peak RSS covers dbt, which runs in it; Spark's JVM, dbt's child,
    # has its heap capped by HUBCARBON_SPARK_DRIVER_MEMORY.
    command = [sys.executable, "-m", "hubcarbon.warehouse", "build"]
    usage = measured(command, REPO_ROOT, env, sys.stdout)
    seconds = time.perf_counter() - started
    if usage.exit_code:
        raise SystemExit(f"error: the {on} build failed with exit code {usage.exit_code}")
    return Build(on, seconds, usage.peak_rss_bytes / 2**20)


def loaded(models: int) -> Paths:
    """The load benchmark's data directory, holding the fixed population (loaded unless it
    already does)."""
    paths = Paths(bench_dir())
    stated = population(models, REPORTER_SHARE, list(REFRESHES))
    stamp = paths.data_dir / "population.json"
    if not stamp.exists() or json.loads(stamp.read_text()) != stated:
        benchmark(REPO_ROOT, paths.data_dir, models, REPORTER_SHARE, list(REFRESHES))
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.build", description=__doc__)
    parser.add_argument("--models", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    paths = loaded(args.models)
    with duckdb.connect(str(paths.raw_db), read_only=True) as con:
        (models,) = con.execute("select count(*) from raw_hub.models").fetchone()
        (reporters,) = con.execute("select count(*) from raw_hub.emission_reporters").fetchone()
    engines = ["duckdb", "spark"] if engine() == "spark" else ["duckdb"]
    load_average = os.getloadavg()[0]
    builds = [timed_build(paths, on) for on in engines]
    print(f"\nhubcarbon build benchmark: {models:,} models, {reporters:,} reporters")
    print(
        f"  (generated, {REPORTER_SHARE:.1%} reporters, seed 0, then the realistic and stress"
        f" refreshes of make bench-load; load average {load_average:.1f})"
    )
    for build in builds:
        print(
            f"  dbt build on {build.engine:<6} (python -m hubcarbon.warehouse build):"
            f" {build.seconds:.1f}s, peak RSS of the build process {build.peak_rss_mib:,.0f} MiB"
        )
    print(f"  warehouse: {paths.warehouse} ({paths.warehouse.stat().st_size / 2**20:,.0f} MiB)")
    if len(builds) == 2:
        print(f"  Spark / DuckDB: {builds[1].seconds / builds[0].seconds:.1f}x the time")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'marts' order by table_name"
            ).fetchall()
        ]
        print("  rows per mart:")
        for mart in marts:
            (rows,) = con.execute(f'select count(*) from marts."{mart}"').fetchone()
            print(f"    {mart:<34}{rows:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
