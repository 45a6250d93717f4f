"""Helpers: run the real loader (a subprocess, as `make load` does) and read what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from hub_replay import Corpus, Query
from hubcarbon_settings import REPO_ROOT

RAW_TABLES = (
    "models",
    "emission_reporters",
    "model_cards",
    "model_sizes",
    "dataset_sizes",
    "model_first_commits",
    "model_deletions",
    "model_claim_observations",
)
# Budgets large enough that a first load of the small test corpus scans every model.
SCAN_ALL = {
    "SOURCES__HF_HUB__CARD_BUDGET": "100000",
    "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "100000",
}


def loader_env(data_dir: Path, endpoint: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN" and not k.startswith("SOURCES__")}
    env.update(DATA_DIR=str(data_dir), HF_ENDPOINT=endpoint, HF_HUB_DISABLE_TELEMETRY="1")
    env.update(extra)
    return env


def run_load(
    data_dir: Path, endpoint: str, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m pipelines.load` as `make load` runs it; output captured."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.load", *args],
        cwd=REPO_ROOT,
        env=loader_env(data_dir, endpoint, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def load_ok(data_dir: Path, endpoint: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    done = run_load(data_dir, endpoint, *args, **env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def snapshot(raw_db: Path) -> dict[str, list[tuple]]:
    """Every raw table's rows (sorted), without dlt bookkeeping, fetch times and load ids."""
    out: dict[str, list[tuple]] = {}
    with duckdb.connect(str(raw_db), read_only=True) as con:
        existing = {r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'raw_hub'"
        ).fetchall()}  # fmt: skip
        for table in RAW_TABLES:
            if table not in existing:
                continue
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'raw_hub' and table_name = ? order by column_name",
                    [table],
                ).fetchall()
                if not name.startswith("_dlt")
                and name not in ("fetched_at", "deleted_at", "load_id")
            ]
            rows = con.execute(f"select {', '.join(columns)} from raw_hub.{table}").fetchall()
            out[table] = sorted(rows, key=repr)
    return out


def query(raw_db: Path, sql: str, *params) -> list[tuple]:
    with duckdb.connect(str(raw_db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def route(entry: dict) -> tuple[str, str]:
    """(kind, repo) of a logged request: list, card, model, commits or dataset."""
    path = entry["path"]
    if path.rstrip("/") == "/api/models":
        return "list", ",".join(entry["params"].get("filter", []))
    if "/resolve/" in path:
        return "card", path.split("/resolve/")[0].lstrip("/")
    if path.startswith("/api/datasets/"):
        return "dataset", path.removeprefix("/api/datasets/")
    if "/commits/" in path:
        return "commits", path.removeprefix("/api/models/").split("/commits/")[0]
    return "model", path.removeprefix("/api/models/")


def routes(entries: list[dict]) -> Counter:
    return Counter(route(e) for e in entries)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120) -> None:
    """Poll until `condition()` holds. A hang guard, not a speed claim: it fails the test, naming
    what never happened, only after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"hang guard: {what} did not happen within {timeout:.0f}s")
        time.sleep(0.01)


def dict_reporters(corpus: Corpus) -> list[str]:
    """The imitation's reporters whose card metadata is a dict with a positive numeric
    `emissions`, by id: the models a test can change the value of (set_emissions)."""
    records, _ = corpus.page(Query(filters=("co2_eq_emissions",), sort="id"), None, 1000)
    return [
        r.id
        for r in records
        if isinstance(co2 := (r.api.get("cardData") or {}).get("co2_eq_emissions"), dict)
        and isinstance(co2.get("emissions"), int | float)
        and co2["emissions"] > 0
    ]
