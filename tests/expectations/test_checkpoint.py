"""`make check` on a real warehouse: junk is quarantined and warned about, drift is warned about,
and a warehouse tampered with after its build fails the audit and names the models.

One real pipeline run is shared by the module: the local Hub imitation serves the bundled snapshot
plus a small generated population, with junk injected the way real cards write it, and the real
commands (`python -m pipelines.load`, `python -m hubcarbon.warehouse build`,
`python -m expectations.checkpoint`) run as subprocesses with DATA_DIR in a temporary directory,
exactly as `make load build check` does. Tampering tests copy the built warehouse.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from browser import Browser, require_chromium

from expectations.suites import FRAMES
from hub_replay import Corpus, HubReplay
from hub_replay.corpus import SNAPSHOT_PATH, load_snapshot
from hub_replay.population import Population
from hubcarbon_settings import REPO_ROOT, Paths

# Every 10th model of the bundled snapshot (~270 real reporters, every card shape still there) and
# a few generated non-reporters: realistic, and one load + build takes well under a minute.
SNAPSHOT_SAMPLE_EVERY = 10
POPULATION = 300

# model id -> (co2_eq_emissions as written on the card, the status dbt must give it)
JUNK = {
    "junk-lab/negative-emissions": ({"emissions": -3.2, "source": "CodeCarbon"}, "negative"),
    "junk-lab/banana-emissions": ("12 bananas", "unknown_unit"),
    "junk-lab/absurd-emissions": ({"emissions": "3e15 g"}, "implausible_magnitude"),
    "junk-lab/range-emissions": ({"emissions": "10-20 kg"}, "range"),
}
# Written in kg by CodeCarbon, read as grams: plausible, so it stays a fact, and is warned about.
CODECARBON_KG = "junk-lab/codecarbon-in-kg"
CODECARBON_CARD = {
    "emissions": 0.0042,
    "source": "codecarbon",
    "training_type": "fine-tuning",
    "hardware_used": "1 x NVIDIA T4",
}
# The same card, fixed to grams (4.2) between the two loads: a x1000 jump the history observes.
UNIT_FIXED = "junk-lab/fixed-from-kg-to-g"


@dataclass(frozen=True)
class Run:
    """A data directory after load, build and check."""

    data_dir: Path
    check: subprocess.CompletedProcess[str]

    @property
    def warehouse(self) -> Path:
        return Paths(self.data_dir).warehouse

    def query(self, sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()


def run(module: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` as `make` runs it, with ``env`` over ours (never HF_TOKEN)."""
    base = {
        k: v for k, v in os.environ.items() if k != "HF_TOKEN" and not k.startswith("SOURCES__")
    }
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def check(data_dir: Path) -> subprocess.CompletedProcess[str]:
    """`make check` on ``data_dir``."""
    return run("expectations.checkpoint", DATA_DIR=str(data_dir))


def corpus_with_junk() -> Corpus:
    models, datasets = load_snapshot(SNAPSHOT_PATH)
    corpus = Corpus(models[::SNAPSHOT_SAMPLE_EVERY], datasets, Population(POPULATION))
    for model_id, (emissions, _) in JUNK.items():
        corpus.add_model(model_id, card_data={"co2_eq_emissions": emissions}, readme="# junk\n")
    corpus.add_model(CODECARBON_KG, card_data={"co2_eq_emissions": CODECARBON_CARD})
    corpus.add_model(UNIT_FIXED, card_data={"co2_eq_emissions": CODECARBON_CARD})
    return corpus


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """Load the corpus with its junk, fix UNIT_FIXED to grams, load again, build, check."""
    root = tmp_path_factory.mktemp("expectations")
    corpus = corpus_with_junk()
    with HubReplay(corpus) as hub:
        env = {
            "DATA_DIR": str(root / "data"),
            "HF_ENDPOINT": hub.url,
            "HF_HUB_DISABLE_TELEMETRY": "1",
            # Budgets large enough that one load reads every card of the small corpus.
            "SOURCES__HF_HUB__CARD_BUDGET": "100000",
            "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "100000",
            # dbt's target/ and logs/ stay out of dbt_project/, which concurrent runs share.
            "DBT_TARGET_PATH": str(root / "dbt" / "target"),
            "DBT_LOG_PATH": str(root / "dbt" / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        for step, (module, *args) in enumerate(
            [("pipelines.load",), ("pipelines.load",), ("hubcarbon.warehouse", "build")]
        ):
            if step == 1:  # the card's value fixed from kg to grams before the second load
                corpus.set_emissions(UNIT_FIXED, 4.2)
            done = run(module, *args, **env)
            assert done.returncode == 0, f"{module}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return Run(root / "data", check(root / "data"))


def section(stdout: str, description: str) -> str:
    """The summary lines of one failing expectation: its description and its examples."""
    lines = stdout.splitlines()
    for i, line in enumerate(lines):
        if description in line:
            examples = itertools.takewhile(lambda x: x.startswith(" " * 11), lines[i + 1 :])
            return "\n".join([line, *examples])
    raise AssertionError(f"no failing expectation {description!r} in:\n{stdout}")


def test_junk_is_quarantined_with_its_reason_and_warned_about(checked: Run) -> None:
    assert checked.check.returncode == 0, checked.check.stdout + checked.check.stderr
    warned = section(checked.check.stdout, "card emission value is junk and was quarantined")
    assert warned.lstrip().startswith("warning")
    for model_id, (_, reason) in JUNK.items():
        assert f"{model_id} ({reason})" in warned

    quarantined = checked.query(
        "select model_id, quarantine_reason, co2_eq_emissions_raw from marts.quarantined_emissions "
        "where model_id like 'junk-lab/%'"
    )
    assert {m: reason for m, reason, _ in quarantined} == {m: r for m, (_, r) in JUNK.items()}
    assert all(raw for *_, raw in quarantined), quarantined
    for mart in ("fct_model_emissions", "efficiency_labels"):
        leaked = checked.query(f"select model_id from marts.{mart} where model_id in ?", [*JUNK])
        assert leaked == [], mart


def test_codecarbon_value_in_kg_is_kept_and_warned_about(checked: Run) -> None:
    warned = section(
        checked.check.stdout, "CodeCarbon value below 1 g: likely kilograms written as grams"
    )
    assert f"{CODECARBON_KG} (0.0042)" in warned
    grams = checked.query(
        "select co2_eq_emissions_g from marts.fct_model_emissions where model_id = ?", CODECARBON_KG
    )
    assert grams == [(pytest.approx(0.0042),)]


def data_docs_index(run: Run) -> Path:
    docs = next(line for line in run.check.stdout.splitlines() if line.startswith("Data Docs"))
    return Path(docs.split("file://", 1)[1])


def test_check_reports_its_data_docs(checked: Run) -> None:
    index = data_docs_index(checked)
    assert index.is_file() and index.is_relative_to(Paths(checked.data_dir).checks_dir)
    html = index.read_text()
    frames = [p.stem for p in (Paths(checked.data_dir).checks_dir / "frames").glob("*.parquet")]
    assert "claims" in frames and "emissions" in frames
    for frame in frames:  # every suite and this run's validation of it are linked
        assert f"expectations/{frame}.html" in html and f"validations/{frame}/" in html
    # Where the checked data comes from: an imitation of a corpus other than the bundled snapshot.
    assert "-from-other_endpoint" in html
    suite = (index.parent / "expectations" / "emissions.html").read_text()
    assert "(not the Hugging Face Hub), loaded " in suite


# A script, stylesheet or image that a page would fetch from elsewhere (links are fine).
REMOTE_LOAD = re.compile(
    r'<(?:script|img)[^>]*\ssrc="https?://[^"]*"|<link[^>]*\shref="https?://[^"]*"'
)


def test_data_docs_pages_load_only_their_own_files(checked: Run) -> None:
    site = data_docs_index(checked).parent
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 2 * len(FRAMES) + 1  # index, suites, validations
    remote = {p.relative_to(site).as_posix(): REMOTE_LOAD.findall(p.read_text()) for p in pages}
    assert {page: found for page, found in remote.items() if found} == {}


def test_data_docs_render_offline_in_a_browser(checked: Run, tmp_path: Path) -> None:
    with Browser(require_chromium()) as browser:
        page = browser.load(data_docs_index(checked).as_uri(), width=1200, script=TABLE_ROWS)
        browser.screenshot(tmp_path / "data_docs.png")  # for a human to look at
    assert page.failed_requests == []
    assert page.requests and all(url.startswith(("file:", "data:")) for url in page.requests)
    # The index's tables are drawn by bootstrap-table: rows mean its scripts ran.
    for frame in FRAMES:
        assert any(frame.name in row for row in page.evaluated), (frame.name, page.evaluated)


TABLE_ROWS = "Array.from(document.querySelectorAll('table tbody tr')).map(r => r.innerText)"


def test_value_fixed_from_kg_to_g_between_loads_is_warned_about(checked: Run) -> None:
    """The warning reads marts.emission_changes: the history, not an earlier check."""
    warned = section(checked.check.stdout, "value changed x100 or more between two loads")
    assert " 1 of " in warned and f"{UNIT_FIXED} (1000)" in warned


def test_tampered_warehouse_fails_the_audit_and_names_the_models(
    checked: Run, tmp_path: Path
) -> None:
    """dbt's tests passed when the warehouse was built; edits made since then fail `make check`."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    tampered = Paths(data_dir).warehouse
    shutil.copyfile(checked.warehouse, tampered)
    quarantined = "junk-lab/negative-emissions"
    with duckdb.connect(str(tampered)) as con:
        negative, doubled = (
            model_id
            for (model_id,) in con.execute(
                "select model_id from marts.fct_model_emissions "
                "where is_measured order by model_id limit 2"
            ).fetchall()
        )
        con.execute(
            "update marts.fct_model_emissions set co2_eq_emissions_g = -co2_eq_emissions_g "
            "where model_id = ?",
            [negative],
        )
        con.execute(
            "update marts.fct_model_emissions set co2_eq_emissions_g = 2 * co2_eq_emissions_g "
            "where model_id = ?",
            [doubled],
        )
        # A quarantined model slipped into the facts, dressed as a clean fact.
        con.execute(
            "insert into marts.fct_model_emissions "
            "select * replace (? as model_id) from marts.fct_model_emissions where model_id = ?",
            [quarantined, doubled],
        )

    done = check(data_dir)

    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "FAILED" in out
    for model_id, description in (
        (negative, "audit: grams are >= 0 and physically plausible"),
        (doubled, "audit: grams = parsed number x the unit's true factor"),
        (quarantined, "audit: no quarantined model in the facts"),
    ):
        failure = section(out, description)
        assert failure.lstrip().startswith("CRITICAL") and model_id in failure, failure
    assert f"{quarantined} (negative)" in section(out, "no quarantined model in the facts")


def test_frames_read_the_marts_only() -> None:
    """GX checks the served interface: no frame reads raw, staging or intermediate tables."""
    for frame in FRAMES:
        schemas = set(re.findall(r"\b(?:from|join)\s+(\w+)\.", frame.sql, re.IGNORECASE))
        assert schemas == {"marts"}, (frame.name, schemas)


def test_missing_warehouse_exits_2_and_says_what_to_run(tmp_path: Path) -> None:
    done = check(tmp_path / "empty")
    assert done.returncode == 2
    assert "run make build, then make check" in done.stderr
    # Either the demo to run, or the demo's warehouse to use (tests/newcomer covers both).
    assert "make demo" in done.stderr or "make check DATA_DIR=" in done.stderr
