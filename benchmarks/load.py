"""`make bench-load`: load a generated Hub from the local imitation; print figures.

    python -m benchmarks.load [--models 1000000] [--reporter-share 0.005] [--compare REF]
                              [--repeat N]

Runs the real loader (`python -m pipelines.load`, started by `benchmarks/rusage.py` so that its
peak RSS is its own, not that of the imitation this process holds) against
`HubReplay(Corpus.generated(...))` served from this process: a full first load, then two
incremental refreshes:

- realistic: the Hub's usual churn, mostly commits that change no claim: 1 % of the models
  touched (a new sha and lastModified), 0.05 % of them with a new emission claim;
- stress: 1 % of the models with a new emission claim (a new value, or a first one), so 1 % of
  the population's details are fetched again.

Each row gives the time (the whole command, interpreter start-up included), the loader's CPU time
(user + system: a busy machine inflates the time, hardly the CPU), models listed per
second, the loader's peak RSS, raw.duckdb's size, the requests (listing pages, details) and what
raw holds: history rows, listed models, and the lineage-related counts of the listing (models
with a `base_model:` tag, and with each lineage JSON column the listing has).

`--compare REF` (repeatable) runs the same benchmark (same population, same imitation, this
harness) with the loader of git ref REF, from a temporary worktree with its own environment
(`uv sync --frozen`), then prints each table and the ratios of this tree to it. The loaded data
of this tree stays in DATA_DIR/bench/. `--repeat N` runs N rounds, every tree in turn in each,
and shows each row's run of median time with the N times: a shared machine's timings vary by up
to 20 % between identical runs. Prints figures only; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from benchmarks.rusage import measured
from hub_replay import Corpus, HubReplay
from hubcarbon_settings import REPO_ROOT, Paths

# The per-run backfill of non-reporters (cards, first commits) is a fixed cost of every run, not
# a function of the population or of what changed: left out so the figures measure the listing
# and the reporters' details.
BUDGETS = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}

# The refreshes, as shares of the population: (touched without a claim change, claims changed).
REFRESHES = {"realistic": (0.01, 0.0005), "stress": (0.0, 0.01)}

# Lineage-related JSON columns of the listing, counted where raw.duckdb has them.
LINEAGE_COLUMNS = ("safetensors", "gguf")


def bench_dir() -> Path:
    """Where the load benchmark's data lives."""
    return Paths.from_env().data_dir / "bench"


@dataclass(frozen=True)
class RawSize:
    """What raw.duckdb holds after a load."""

    history_rows: int
    model_rows: int
    file_bytes: int
    lineage: dict[str, int]  # listed models with a `base_model:` tag / with each lineage column

    @classmethod
    def of(cls, raw_db: Path) -> RawSize:
        with duckdb.connect(str(raw_db), read_only=True) as con:
            columns = {
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'raw_hub' and table_name = 'models'"
                ).fetchall()
            }
            counts = ["count(*)", """count(case when tags like '%"base_model:%' then 1 end)"""]
            lineage = [c for c in LINEAGE_COLUMNS if c in columns]
            counts += [f"count({c})" for c in lineage]
            models, base_model, *present = con.execute(
                f"select {', '.join(counts)} from raw_hub.models"
            ).fetchone()
            tables = {
                name
                for (name,) in con.execute(
                    "select table_name from information_schema.tables"
                    " where table_schema = 'raw_hub'"
                ).fetchall()
            }
            # A loader from before the history (a --compare REF) has no such table.
            history = 0
            if "model_claim_observations" in tables:
                (history,) = con.execute(
                    "select count(*) from raw_hub.model_claim_observations"
                ).fetchone()
        lineage_counts = {"base_model": base_model, **dict(zip(lineage, present, strict=True))}
        return cls(history, models, raw_db.stat().st_size, lineage_counts)


@dataclass(frozen=True)
class Run:
    name: str
    seconds: float  # the whole command, interpreter start-up included: what a user waits
    cpu_seconds: float  # the loader's user + system time: what a busy machine does not inflate
    peak_rss_bytes: int
    requests: Counter[str]
    listed: int  # models the load listed
    raw: RawSize

    @property
    def listing(self) -> int:
        return self.requests["listing"]

    @property
    def details(self) -> int:
        return sum(self.requests.values()) - self.listing

    def line(self) -> str:
        lineage = " ".join(f"{n:,}" for n in self.raw.lineage.values())
        return (
            f"{self.name:<20}{self.seconds:>9.1f}s{self.cpu_seconds:>8.1f}s"
            f"{self.listed / self.seconds:>10,.0f}"
            f"{self.peak_rss_bytes / 2**20:>10,.0f}{self.raw.file_bytes / 2**20:>9,.1f}"
            f"{self.listing:>9,}{self.details:>9,}{self.raw.history_rows:>10,}"
            f"{self.raw.model_rows:>11,}  {lineage}"
        )


def header(runs: list[Run]) -> str:
    lineage = "/".join(runs[0].raw.lineage) if runs else ""
    return (
        f"{'':<20}{'time':>10}{'CPU':>9}{'models/s':>10}{'peak MiB':>10}{'raw MiB':>9}"
        f"{'listing':>9}{'details':>9}{'history':>10}{'models':>11}  {lineage}"
    )


def _kind(entry: dict) -> str:
    return "listing" if entry["path"].rstrip("/") == "/api/models" else "details"


def load(name: str, hub: HubReplay, data_dir: Path, listed: int, tree: Path) -> Run:
    """One `python -m pipelines.load` of the source tree `tree`; its stderr (progress) goes to
    ours."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "HF_ENDPOINT": hub.url, **BUDGETS}
    env.pop("HF_TOKEN", None)
    before = len(hub.requests)
    python = tree / ".venv" / "bin" / "python"
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        usage = measured([python, "-m", "pipelines.load"], tree, env, out)
        seconds = time.perf_counter() - started
        out.seek(0)
        summary = out.read()
    if usage.exit_code:
        raise SystemExit(f"{name}: the loader failed with exit code {usage.exit_code}")
    print(summary, file=sys.stderr)
    requests = Counter(_kind(e) for e in hub.requests[before:])
    raw = RawSize.of(data_dir / "raw.duckdb")
    return Run(name, seconds, usage.cpu_seconds, usage.peak_rss_bytes, requests, listed, raw)


def _refresh(hub: HubReplay, models: int, kind: str, seed: int) -> int:
    """Change the imitation as a refresh `kind` does; returns how many models changed."""
    touched_share, claimed_share = REFRESHES[kind]
    population = hub.corpus.population
    rows = random.Random(seed).sample(range(models), int(models * (touched_share + claimed_share)))
    claimed = int(models * claimed_share)
    for n, row in enumerate(rows):
        model_id = population.model_id(population.row(row))
        if n < claimed:
            card = hub.corpus.model(model_id).api.get("cardData") or {}
            claim = {"co2_eq_emissions": {"emissions": 10.0 + seed}}
            hub.corpus.set_card_data(model_id, {**card, **claim})
        else:
            hub.corpus.touch(model_id)
    return len(rows)


def population(models: int, reporter_share: float, refreshes: list[str]) -> dict[str, Any]:
    """The population a benchmark leaves in its data directory (its `population.json`)."""
    return {"models": models, "reporter_share": reporter_share, "refreshes": refreshes}


def benchmark(
    tree: Path, data_dir: Path, models: int, reporter_share: float, refreshes: list[str]
) -> list[Run]:
    """The full load then each refresh, by the loader of `tree`, into `data_dir`."""
    shutil.rmtree(data_dir, ignore_errors=True)
    corpus = Corpus.generated(models=models, reporter_share=reporter_share)
    with HubReplay(corpus) as hub:
        runs = [load("full load", hub, data_dir, models, tree)]
        for kind in refreshes:
            changed = _refresh(hub, models, kind, seed=list(REFRESHES).index(kind) + 1)
            runs.append(load(f"{kind} refresh", hub, data_dir, changed, tree))
    stated = population(models, reporter_share, refreshes)
    (data_dir / "population.json").write_text(json.dumps(stated))
    return runs


def _uv() -> str:
    local = REPO_ROOT / ".uv" / "bin" / "uv"  # bootstrapped by `make install` when uv is absent
    return str(local) if local.exists() else shutil.which("uv") or "uv"


@contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """A temporary git worktree of `ref` with its own environment, removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="hubcarbon-bench-"))
    tree = root / "tree"
    git = ["git", "-C", str(REPO_ROOT)]
    subprocess.run([*git, "worktree", "add", "--detach", str(tree), ref], check=True)
    try:
        subprocess.run([_uv(), "sync", "--frozen", "--compile-bytecode"], cwd=tree, check=True)
        yield tree
    finally:
        subprocess.run([*git, "worktree", "remove", "--force", str(tree)], check=False)
        shutil.rmtree(root, ignore_errors=True)


def _print(title: str, runs: list[Run]) -> None:
    print(f"\n{title}")
    print(header(runs))
    for run in runs:
        print(run.line())
    full, *refreshes = runs
    for run in refreshes:
        print(f"{run.name} / full load time: {run.seconds / full.seconds:.1%}")


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def _ratios(ours: list[Run], theirs: list[Run], ref: str) -> None:
    print(f"\nthis tree / {ref}")
    print(f"{'':<20}{'time':>10}{'CPU':>9}{'peak RSS':>10}{'raw size':>10}{'requests':>10}")
    for a, b in zip(ours, theirs, strict=True):
        print(
            f"{a.name:<20}{ratio(a.seconds, b.seconds):>10}{ratio(a.cpu_seconds, b.cpu_seconds):>9}"
            f"{ratio(a.peak_rss_bytes, b.peak_rss_bytes):>10}"
            f"{ratio(a.raw.file_bytes, b.raw.file_bytes):>10}"
            f"{ratio(a.listing + a.details, b.listing + b.details):>10}"
        )


def median(rounds: list[list[Run]]) -> list[Run]:
    """Per row (full load, each refresh), the run of median time over the rounds."""
    return [
        sorted(row, key=lambda run: run.seconds)[len(row) // 2] for row in zip(*rounds, strict=True)
    ]


def _rounds(rounds: list[list[Run]]) -> None:
    if len(rounds) > 1:
        for row in zip(*rounds, strict=True):
            times = " / ".join(f"{run.seconds:.1f}" for run in row)
            print(f"{row[0].name} in the {len(rounds)} rounds: {times} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--reporter-share", type=float, default=0.005)
    parser.add_argument(
        "--refresh",
        choices=list(REFRESHES),
        action="append",
        help="the refreshes after the full load (repeatable; default: all, in this order)",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        action="append",
        default=[],
        help="also run the loader of git ref REF (repeatable)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="N rounds, each tree in turn in every round; the tables show the median run",
    )
    args = parser.parse_args(argv)
    refreshes = args.refresh or list(REFRESHES)

    load_average = os.getloadavg()
    with ExitStack() as stack:
        trees = {"this tree": (REPO_ROOT, bench_dir())}
        for ref in args.compare:
            tree = stack.enter_context(worktree(ref))
            trees[ref] = (tree, tree / "data" / "bench")
        # Interleaved, so that a slow spell of a shared machine falls on every tree alike.
        rounds: dict[str, list[list[Run]]] = {name: [] for name in trees}
        for _ in range(args.repeat):
            for name, (tree, data_dir) in trees.items():
                runs = benchmark(tree, data_dir, args.models, args.reporter_share, refreshes)
                rounds[name].append(runs)

    print(f"\nhubcarbon load benchmark: {args.models:,} generated models,")
    print(
        f"{args.reporter_share:.1%} reporters, {os.cpu_count()} cores, backfill budgets 0,"
        f" load average at the start {load_average[0]:.1f}, at the end {os.getloadavg()[0]:.1f}"
    )
    print("refreshes (share of the models): " + ", ".join(
        f"{k} {REFRESHES[k][0]:.2%} touched + {REFRESHES[k][1]:.2%} claims changed"
        for k in refreshes
    ))  # fmt: skip
    if args.repeat > 1:
        print(f"{args.repeat} rounds: each row is the run of median time")
    ours = median(rounds["this tree"])
    for name, tree_rounds in rounds.items():
        _print(name, median(tree_rounds))
        _rounds(tree_rounds)
        if name != "this tree":
            _ratios(ours, median(tree_rounds), name)
    print(f"\nloaded data kept in {bench_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
