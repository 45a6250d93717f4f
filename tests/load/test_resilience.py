"""Rate limits, server faults, kill -9, secrets, hostile card metadata, no network, a lock."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from dlt.common.versioned_state import decompress_state

from hub_replay import Corpus, Faults, HubReplay, RateLimit
from hubcarbon_settings import REPO_ROOT

from .loader import RAW_TABLES, load_ok, loader_env, query, run_load, snapshot, wait_until

# Small enough for a few full loads per test; details limited to the reporters.
MODELS, REPORTER_SHARE, SEED = 400, 0.05, 1
REPORTERS_ONLY = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}


def corpus() -> Corpus:
    return Corpus.generated(MODELS, reporter_share=REPORTER_SHARE, seed=SEED)


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> dict[str, list[tuple]]:
    """The raw tables of an uninterrupted, fault-free load of `corpus()`."""
    data_dir = tmp_path_factory.mktemp("baseline") / "data"
    with HubReplay(corpus()) as hub:
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
    return snapshot(data_dir / "raw.duckdb")


def test_429_storm_and_5xx_faults_end_with_the_same_tables(baseline, data_dir):
    # 20 requests per 1-second window, a burst of 429s, and one request in ten failing with 5xx.
    with HubReplay(corpus(), rate_limit=(20, 1.0), faults=Faults(rate=0.1, seed=3)) as hub:
        hub.fail_next(3, status=429)
        done = load_ok(data_dir, hub.url, **REPORTERS_ONLY)
        statuses = Counter(e["status"] for e in hub.requests)
    assert statuses[429] >= 3 and statuses[502] + statuses[503] + statuses[504] > 0
    assert "rate limited by the Hub" in done.stderr
    assert snapshot(data_dir / "raw.duckdb") == baseline


def test_after_a_429_no_request_comes_before_the_reset_the_hub_gave(baseline, data_dir):
    """One detail worker: the cards (the resolvers bucket) are fetched one at a time, 8 per 3-s
    window, so every request after a 429 is the retry the loader chose to send, and when."""
    limit = RateLimit(quota=10_000, window_s=3, resolvers_quota=8)
    with HubReplay(corpus(), rate_limit=limit) as hub:
        done = load_ok(data_dir, hub.url, SOURCES__HF_HUB__DETAIL_WORKERS="1", **REPORTERS_ONLY)
        cards = [e for e in hub.requests if e["bucket"] == "resolvers"]
    throttled = [i for i, e in enumerate(cards) if e["status"] == 429]
    # The 9th card meets the limit: the 8th's answer (r=0) makes the loader pace, from the next
    # request on. Later windows may end before the pacing lets a 429 happen.
    assert throttled, "20 cards at 8 per window meet the limit"
    assert "rate limited by the Hub" in done.stderr
    for i in throttled:
        reset_in = int(re.fullmatch(r'"resolvers";r=0;t=(\d+)', cards[i]["ratelimit"])[1])
        assert reset_in >= 1 and cards[i]["retry-after"] == str(reset_in)
        early = cards[i + 1]["arrived"] - (cards[i]["arrived"] + reset_in)
        assert early >= 0, f"request {i + 1} came {-early:.2f}s before the reset"
    assert snapshot(data_dir / "raw.duckdb") == baseline


def test_after_a_429_with_only_retry_after_the_retry_waits_that_long(baseline, data_dir):
    """A 429 out of the blue (no RateLimit header to pace by): its retry, the same request,
    comes no sooner than Retry-After says."""
    with HubReplay(corpus()) as hub:
        hub.fail_next(1, status=429, retry_after=3)  # one of the two listings' first page
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
        ((i, throttled),) = [(i, e) for i, e in enumerate(hub.requests) if e["status"] == 429]
        retry = next(e for e in hub.requests[i + 1 :] if e["params"] == throttled["params"])
    assert "ratelimit" not in throttled and throttled["retry-after"] == "3"
    early = retry["arrived"] - (throttled["arrived"] + 3)
    assert early >= 0, f"the retry came {-early:.2f}s before Retry-After"
    assert snapshot(data_dir / "raw.duckdb") == baseline


def _most_at_once(entries: list[dict]) -> int:
    """The most requests the imitation was answering at the same moment."""
    events = sorted([(e["arrived"], 1) for e in entries] + [(e["time"], -1) for e in entries])
    now = most = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def test_the_hub_sees_at_most_detail_workers_requests_at_once(data_dir):
    """Three pages of reporters, four detail tables each: still `detail_workers` requests at a
    time for the whole run, not that many per page and table."""
    reporters = Corpus.generated(2_400, reporter_share=0.9, seed=SEED)
    with HubReplay(reporters, latency_s=0.002) as hub:
        load_ok(data_dir, hub.url, SOURCES__HF_HUB__DETAIL_WORKERS="4", **REPORTERS_ONLY)
        details = [e for e in hub.requests if e["path"].rstrip("/") != "/api/models"]
        listing = [e for e in hub.requests if e["path"].rstrip("/") == "/api/models"]
    assert len([e for e in listing if "filter" in e["params"]]) >= 3, "reporters on 3 pages"
    assert 2 <= _most_at_once(details) <= 4


def test_gives_up_with_a_clear_message_after_the_wait_budget(data_dir):
    with HubReplay(corpus(), faults=Faults(rate=1.0)) as hub:
        done = run_load(data_dir, hub.url, SOURCES__HF_HUB__MAX_WAIT="3")
    assert done.returncode != 0
    assert "Giving up on GET" in done.stderr and "max_wait" in done.stderr
    assert "Traceback" not in done.stderr


# Where a load is killed, each kill leaving the next load something else to complete: a first
# request, details half fetched, an extracted package, dlt's normalize commit window, a package
# half loaded, one fully loaded but not yet recorded. tests/load/paused_load.py holds the loader at
# each point, however briefly a load passes through it.
KILL_POINTS = (
    "request:1",
    "request:40",
    "extracted",
    "normalize-commit",
    "load-job-done",
    "load-complete",
)


def _packages(data_dir: Path, stage: str) -> set[str]:
    """The load packages in one of dlt's stages (e.g. normalize/extracted, load/normalized)."""
    return {p.name for p in (data_dir / "dlt" / "hf_hub" / stage).glob("*") if p.is_dir()}


def _kill_at(point: str, data_dir: Path, url: str, tmp_path: Path) -> None:
    """Start a load, wait until it is held at `point`, kill -9 it; it must die of the kill."""
    marker, output = tmp_path / f"at-{point}", tmp_path / f"stderr-{point}"
    with output.open("w") as stderr:
        loader = subprocess.Popen(
            [sys.executable, "-m", "tests.load.paused_load", point, str(marker)],
            cwd=REPO_ROOT,
            env=loader_env(data_dir, url, **REPORTERS_ONLY),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        wait_until(lambda: marker.exists() or loader.poll() is not None, f"a load at {point}")
    assert marker.exists(), (
        f"the load ended (exit {loader.returncode}) without reaching {point}:\n"
        + output.read_text()[-3000:]
    )
    loader.send_signal(signal.SIGKILL)
    assert loader.wait() == -signal.SIGKILL, point


def test_kill_9_at_every_point_then_rerun_equals_an_uninterrupted_load(baseline, tmp_path):
    data_dir = tmp_path / "data"
    with HubReplay(corpus()) as hub:
        for point in KILL_POINTS:
            _kill_at(point, data_dir, hub.url, tmp_path)
            if point == "normalize-commit":  # inside the window: both copies of the package
                extracted = _packages(data_dir, "normalize/extracted")
                assert extracted and extracted <= _packages(data_dir, "load/normalized")
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
    assert snapshot(data_dir / "raw.duckdb") == baseline


# Tables a load of the reporters writes; model_deletions only a full reconciliation does.
REPORTER_TABLES = [t for t in RAW_TABLES if t != "model_deletions"]


@pytest.mark.parametrize("table", REPORTER_TABLES)
def test_a_load_job_run_again_after_a_kill_writes_its_rows_once(table, baseline, tmp_path):
    """dlt runs a job again when a kill lands after the job's rows were written and before the
    job was recorded done (between DuckDB's commit and dlt's marker). Every raw table must come
    out of the second run as if the first had not happened."""
    data_dir = tmp_path / "data"
    with HubReplay(corpus()) as hub:
        _kill_at(f"job-committed:{table}", data_dir, hub.url, tmp_path)
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
    assert snapshot(data_dir / "raw.duckdb") == baseline


def _token_leaks(data_dir: Path, token: str, *elsewhere: Path) -> list[str]:
    """Everywhere `token` is stored under DATA_DIR and the directories `elsewhere` (the load's
    HOME, ~/.dlt included, and its temp directory): the bytes of every file; every column of
    every table of raw.duckdb cast to text, searched with SQL (DuckDB compresses what it stores,
    so its file's bytes prove nothing); and dlt's state rows, decoded (zlib, then base64)."""
    files = [p for d in (data_dir, *elsewhere) for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "trace.pickle" for p in files)  # this load's trace is there to search
    found = [str(p) for p in files if token.encode() in p.read_bytes()]
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as con:
        text_columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns"
            " where table_catalog = current_database()"
        ).fetchall()
        for schema, table, column in text_columns:
            (hits,) = con.execute(
                f'select count(*) from "{schema}"."{table}" where contains("{column}"::varchar, ?)',
                [token],
            ).fetchone()
            found += [f"{schema}.{table}.{column}"] * bool(hits)
        states = con.execute("select version, state from raw_hub._dlt_pipeline_state").fetchall()
    assert {"card_data", "card_text", "state"} <= {column for *_, column in text_columns}
    decoded = {version: decompress_state(state) for version, state in states}
    assert all(state["sources"]["hf_hub"] for state in decoded.values())  # really decoded
    found += [f"_dlt_pipeline_state v{v} (decoded)" for v, s in decoded.items() if token in repr(s)]
    return found


def test_token_never_leaks(tmp_path, data_dir):
    token = "hf_SECRETtokenNEVERtoBEstored0123456789"
    with HubReplay(corpus(), log_path=tmp_path / "requests.jsonl") as hub:
        # As HF_TOKEN, then as dlt's secret; each load searched before the next can overwrite
        # its trace.
        for how in ({"HF_TOKEN": token}, {"SOURCES__HF_HUB__HF_TOKEN": token}):
            home, temp = (Path(tempfile.mkdtemp(prefix=name, dir=tmp_path)) for name in "ht")
            before = len(hub.requests)
            places = {"HOME": str(home), "TMPDIR": str(temp)}
            done = load_ok(data_dir, hub.url, **places, **how, **REPORTERS_ONLY)
            made = hub.requests[before:]
            assert made and all(e["auth"] for e in made), how  # every request carried it...
            # ... and it is nowhere else: not in DuckDB, dlt's state, schemas, traces, HOME
            # (~/.dlt, caches), temp files or output.
            assert _token_leaks(data_dir, token, home, temp) == [], how
            assert token not in done.stdout + done.stderr
    # The scan sees those directories: a token written there is found.
    (home / ".dlt").mkdir(exist_ok=True)
    (home / ".dlt" / "planted.toml").write_text(f'hf_token = "{token}"')
    assert _token_leaks(data_dir, token, home, temp) == [str(home / ".dlt" / "planted.toml")]


def test_a_bug_of_the_imitation_fails_the_load_at_once(data_dir):
    """The imitation answers its own bugs with a status no client retries."""
    buggy = corpus()
    buggy.page = lambda *_: 1 / 0
    with HubReplay(buggy) as hub:
        done = run_load(data_dir, hub.url, timeout=60)
        asked = [repr(e["params"].get("filter")) for e in hub.requests]
        statuses = {e["status"] for e in hub.requests}
    assert done.returncode == 2 and "HTTP 501" in done.stderr, done.stderr[-3000:]
    assert asked and len(set(asked)) == len(asked) and statuses == {501}  # none retried


def test_card_metadata_of_any_shape_is_kept_verbatim(data_dir):
    hostile = {
        "co2_eq_emissions": [{"emissions": "5 kg"}, None, 3],
        "datasets": {"not": "a list"},
        "huge": "x" * 300_000,
        'weird key: with/slash ü \u00e9 "quotes"': {"deep": [[[{"n": None}]]], "": 0},
        "numbers": [0, -1, 1.5e300, 2**62, 2**70, -(2**90), True],
        "tags": "not-a-list",
    }
    corpus_ = corpus()
    ids = [corpus_.add_model(f"hostile/m{i}", card_data=card).api["id"]
           for i, card in enumerate([hostile, {"co2_eq_emissions": "TBD"}, {"": ""}])]  # fmt: skip
    with HubReplay(corpus_) as hub:
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
    stored = dict(
        query(
            data_dir / "raw.duckdb",
            "select id, card_data from raw_hub.models where id like 'hostile/%'",
        )
    )
    assert json.loads(stored[ids[0]]) == hostile
    assert json.loads(stored[ids[1]]) == {"co2_eq_emissions": "TBD"}
    assert json.loads(stored[ids[2]]) == {"": ""}


def test_offline_endpoint_fails_fast_and_writes_nothing(data_dir):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{s.getsockname()[1]}"
    done = run_load(data_dir, endpoint, timeout=30)
    assert done.returncode == 2
    assert endpoint in done.stderr and "HF_ENDPOINT" in done.stderr and "make demo" in done.stderr
    assert not data_dir.exists()


def test_a_locked_raw_file_fails_fast_naming_the_holder(data_dir):
    data_dir.mkdir(parents=True)
    with HubReplay(corpus()) as hub, duckdb.connect(str(data_dir / "raw.duckdb")):
        done = run_load(data_dir, hub.url, timeout=60)
        assert hub.requests == []
    assert done.returncode == 2
    assert "raw.duckdb is locked" in done.stderr and f"PID {os.getpid()}" in done.stderr


def test_a_reader_locking_raw_mid_load_stops_it_cleanly_and_loses_nothing(baseline, data_dir):
    """A BI tool or the duckdb CLI opening raw.duckdb while the loader fetches: the load stops
    with a message naming the holder, and the next load completes the same tables."""
    with HubReplay(corpus(), latency_s=0.2) as hub:
        child = subprocess.Popen(
            [sys.executable, "-m", "pipelines.load"],
            cwd=REPO_ROOT,
            env=loader_env(data_dir, hub.url, **REPORTERS_ONLY),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The models listing starts once the plan's connection to raw.duckdb is closed.
        wait_until(
            lambda: (
                child.poll() is not None
                or any(
                    e["path"] == "/api/models" and "filter" not in e["params"] for e in hub.requests
                )
            ),
            "the models listing",
        )
        assert child.poll() is None, child.communicate()[1][-3000:]
        with duckdb.connect(str(data_dir / "raw.duckdb")):
            _, stderr = child.communicate(timeout=120)
        assert child.returncode == 2, stderr[-3000:]
        assert "during the load" in stderr and f"PID {os.getpid()}" in stderr
        assert "Traceback" not in stderr
        load_ok(data_dir, hub.url, **REPORTERS_ONLY)
    assert snapshot(data_dir / "raw.duckdb") == baseline


def test_a_refused_token_stops_the_load_with_a_clear_message(data_dir):
    refused = "hf_" + "R" * 34
    with HubReplay(corpus(), tokens={"hf_accepted"}) as hub:
        done = run_load(data_dir, hub.url, HF_TOKEN=refused, timeout=60)
        assert done.returncode == 2, done.stderr[-3000:]
        assert "HTTP 401" in done.stderr and "HF_TOKEN" in done.stderr
        assert "Traceback" not in done.stderr and refused not in done.stdout + done.stderr
        # The same load with a token the Hub accepts goes through.
        load_ok(data_dir, hub.url, HF_TOKEN="hf_accepted", **REPORTERS_ONLY)
        assert hub.requests and all(entry["auth"] for entry in hub.requests)
