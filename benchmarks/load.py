"""`make bench-load`: load a generated 1,000,000-model Hub from the local imitation; print figures.

    python -m pipelines.bench [--models N] [--changed-share 0.01] [--reruns 5]

Runs the real loader (`python -m pipelines.load`, a child process, so its peak RSS is its own)
against `HubReplay(Corpus.generated(...))` served from this process: a full first load, then
incremental reruns, each after changing the emission claim of another random share of the models
(a new value, or a first one). A rerun lasts a few seconds, so the ratio to the full load uses
their median. After each load it prints the raw history's growth (rows of
`model_claim_observations`, which a load adds only for changed claims) and the size of
raw.duckdb. The loaded data stays in DATA_DIR/bench/ for `make bench-build`. Prints figures
only; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import REPO_ROOT, Paths

# The per-run backfill of non-reporters (cards, first commits) is a fixed cost of every run, not
# a function of the population or of what changed: left out so the figures measure the listing
# and the reporters' details.
BUDGETS = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}


def bench_dir() -> Path:
    """Where the benchmark's data lives (read by `hubcarbon.bench_build`)."""
    return Paths.from_env().data_dir / "bench"


@dataclass
class Run:
    name: str
    seconds: float  # the whole command, interpreter start-up included: what a user waits
    in_loader: float  # `run_load` alone, as the loader reports it
    peak_rss_bytes: int
    requests: Counter[str]
    models: int
    raw: RawSize

    def line(self) -> str:
        listing = self.requests["listing"]
        details = sum(self.requests.values()) - listing
        return (
            f"{self.name:<22}{self.seconds:>9.1f}s{self.in_loader:>10.1f}s"
            f"{self.models / self.seconds:>12,.0f}"
            f"{listing:>10,}{details:>10,}{self.peak_rss_bytes / 2**20:>11,.0f}"
        )


@dataclass(frozen=True)
class RawSize:
    """raw.duckdb after a load: rows of the history and of the models listing, file size."""

    history_rows: int
    model_rows: int
    file_bytes: int

    @classmethod
    def of(cls, raw_db: Path) -> RawSize:
        with duckdb.connect(str(raw_db), read_only=True) as con:
            (history,), (models,) = (
                con.execute(f"select count(*) from raw_hub.{table}").fetchone()
                for table in ("model_claim_observations", "models")
            )
        return cls(history, models, raw_db.stat().st_size)


def _kind(entry: dict) -> str:
    return "listing" if entry["path"].rstrip("/") == "/api/models" else "details"


def load(name: str, hub: HubReplay, data_dir: Path, models: int) -> Run:
    """One `python -m pipelines.load`; its stderr (progress) goes to ours."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "HF_ENDPOINT": hub.url, **BUDGETS}
    env.pop("HF_TOKEN", None)
    before = len(hub.requests)
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "pipelines.load"], cwd=REPO_ROOT, env=env, stdout=out
        )
        # wait4 gives this child's own resource usage: ru_maxrss is its peak RSS in KiB.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        summary = out.read()
    if child.returncode:
        raise SystemExit(f"{name}: the loader failed with exit code {child.returncode}")
    print(summary, file=sys.stderr)
    requests = Counter(_kind(e) for e in hub.requests[before:])
    in_loader = float(re.search(r"load finished in ([\d.]+)s", summary).group(1))
    raw = RawSize.of(Paths(data_dir).raw_db)
    return Run(name, seconds, in_loader, usage.ru_maxrss * 1024, requests, models, raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.bench", description=__doc__)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--reporter-share", type=float, default=0.005)
    parser.add_argument("--changed-share", type=float, default=0.01)
    parser.add_argument("--reruns", type=int, default=5)
    args = parser.parse_args(argv)

    data_dir = bench_dir()
    shutil.rmtree(data_dir, ignore_errors=True)
    corpus = Corpus.generated(models=args.models, reporter_share=args.reporter_share)
    with HubReplay(corpus) as hub:
        full = load("full load", hub, data_dir, args.models)
        changed = int(args.models * args.changed_share)
        population = hub.corpus.population
        reruns = []
        for seed in range(args.reruns):
            for row in random.Random(seed).sample(range(args.models), changed):
                model_id = population.model_id(population.row(row))
                card = hub.corpus.model(model_id).api.get("cardData") or {}
                claim = {"co2_eq_emissions": {"emissions": 10.0 + seed}}
                hub.corpus.set_card_data(model_id, {**card, **claim})
            reruns.append(load(f"rerun {seed + 1}, {changed:,} changed", hub, data_dir, changed))

    print(f"\nhubcarbon load benchmark: {args.models:,} generated models, ")
    print(f"{args.reporter_share:.1%} reporters, {os.cpu_count()} cores, backfill budgets 0\n")
    print(
        f"{'':<22}{'time':>10}{'in loader':>11}{'models/s':>12}"
        f"{'listing':>10}{'details':>10}{'peak MiB':>11}"
    )
    print(full.line())
    for rerun in reruns:
        print(rerun.line())
    if reruns:
        whole = statistics.median(r.seconds for r in reruns)
        in_loader = statistics.median(r.in_loader for r in reruns)
        print(
            f"\nmedian rerun / full load time: {whole / full.seconds:.1%} "
            f"(in loader: {in_loader / full.in_loader:.1%})"
        )
    _print_history(full, reruns, args.models)
    print(f"loaded data kept in {data_dir} (make bench-build)")
    return 0


def _print_history(full: Run, reruns: list[Run], population: int) -> None:
    """The raw history's growth: rows added per load against the models changed."""
    print(f"\nraw history (model_claim_observations) and raw.duckdb, {population:,} models")
    print(f"{'':<22}{'added':>10}{'history':>11}{'models':>11}{'raw MiB':>10}")
    before = 0
    for run in (full, *reruns):
        raw = run.raw
        print(
            f"{run.name:<22}{raw.history_rows - before:>10,}{raw.history_rows:>11,}"
            f"{raw.model_rows:>11,}{raw.file_bytes / 2**20:>10,.1f}"
        )
        before = raw.history_rows
    if reruns:
        grown = reruns[-1].raw.history_rows - full.raw.history_rows
        size = reruns[-1].raw.file_bytes - full.raw.file_bytes
        print(
            f"{len(reruns)} reruns grew the history by {grown:,} rows = {grown / population:.1%}"
            f" of the population (a row per change; a copy per load would be"
            f" {len(reruns) * population:,}), raw.duckdb by {size / 2**20:,.1f} MiB"
        )


if __name__ == "__main__":
    sys.exit(main())
