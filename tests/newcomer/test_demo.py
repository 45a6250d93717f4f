"""`make demo` as a newcomer runs it: the summary is the one the README states, every time (each
run starts from a clean state), and its output carries no terminal colour codes when piped.

The run is the session's ``demo_run`` (tests/conftest.py), which every pipeline suite then reads.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from expectations import headline
from hubcarbon import demo
from hubcarbon_settings import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
# The summary block of the quickstart: the fenced block right after "prints the same summary:".
STATED = re.search(r"prints the same summary:\n\n```\n(.*?)```", README, re.S)


def test_the_demo_prints_the_summary_the_readme_states(demo_run) -> None:
    assert STATED, "the README's quickstart states the demo's summary"
    done = demo_run.done
    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    printed = done.stdout.splitlines()
    for line in STATED[1].splitlines():
        assert line in printed, f"README line not in the demo's summary: {line!r}"
    assert "\x1b[" not in done.stdout + done.stderr, "colour codes in piped output"
    # The coverage the summary states is the marts' (headline_figures), and the thin lineage said.
    with duckdb.connect(str(demo_run.paths.warehouse), read_only=True) as con:
        figures = headline.read(con)
    for prefix, title in demo.COVERAGE:
        models, downloads = (headline.value(figures, f"{prefix}_{m}") for m in demo.MEASURES)
        line = f"  {title:<38}: {models:.2%} of models, {downloads:.2%} of 30-day downloads"
        assert line in STATED[1].splitlines(), line
    assert demo.THIN_LINEAGE in STATED[1].splitlines()
    shown = str(demo_run.paths.data_dir)  # outside the repository: shown in full
    for command in ("report", f"label MODEL={demo.EXAMPLE_MODEL}", "sql"):
        assert f"  make {command} DATA_DIR={shown}" in done.stdout


def test_the_demo_prints_progress_and_keeps_the_steps_output_in_a_named_log(demo_run) -> None:
    """dbt's line per model and test, dlt's progress: in the log the output names, not on screen."""
    log = demo_run.paths.data_dir / demo.LOG
    assert f"the steps' output goes to {log}" in demo_run.done.stdout
    steps = [name for name, _ in (*demo.FIRST_LOAD, *demo.STEPS)]
    assert steps[0].startswith("load 1 ") and steps[2].startswith("load 2 ")
    done = re.findall(r"^==> demo: (.+) … done in [0-9.]+s$", demo_run.done.stdout, re.M)
    assert done == steps
    # The second load says, in words, that the changes it sees were made to the imitation.
    assert f"after changes made to the imitated Hub: {demo.CHANGES}" in steps[2]
    logged = log.read_text()
    assert "Completed successfully" in logged  # dbt's end of build, kept for whoever needs it
    assert "Completed successfully" not in demo_run.done.stdout
    assert len(demo_run.done.stdout.splitlines()) < 40, demo_run.done.stdout


def test_the_history_marts_show_the_changes_made_between_the_demos_two_loads(demo_run) -> None:
    """Each change the demo makes to the imitation is observed once, as what it is; the kg->g fix
    reads x0.001; and load 1's labels were recorded in raw, so the history shows both builds'."""
    with duckdb.connect(str(demo_run.paths.warehouse), read_only=True) as con:
        changes = con.execute(
            "select model_id, change_type, ratio from marts.emission_changes order by model_id"
        ).fetchall()
        versions = con.execute(
            "select co2_eq_emissions_g, efficiency_label from marts.emission_claim_history"
            " where model_id = ? order by valid_from",
            [demo.KG_TO_G_FIX],
        ).fetchall()
    assert sorted(changes) == sorted([
        (demo.MODEL_DELETED, "model_deleted", None),
        (demo.NEW_REPORTER, "new_model_reporting", None),
        (demo.REPORT_REMOVED, "stopped_reporting", None),
        (demo.KG_TO_G_FIX, "value_changed", pytest.approx(0.001)),
    ])  # fmt: skip
    (kg, kg_label), (grams, label) = versions
    assert kg == pytest.approx(grams * 1000)
    assert kg_label and label, "load 1's label (recorded in raw) and today's"
