"""The warehouse keeps the Hub's history: every load is an observation (tests/history/scenario.py
runs the three loads)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
from dlt.pipeline.helpers import pipeline_drop
from pipeline_support import run_module, start_module

from hub_replay import Corpus, HubReplay
from hubcarbon import label_history
from hubcarbon_settings import REPO_ROOT, Paths
from pipelines import load
from pipelines.hf_hub.helpers import NO_CLAIM_HASH
from tests.load.loader import load_ok, wait_until
from tests.serving.serving_support import fingerprint, hold

from .scenario import BUDGETS, LABELS_ONLY, MODELS, REPORTER_SHARE, SEED, Scenario, build, marts

BUILD_TIMEOUT_S = 900  # a hang guard, not a speed claim

OBSERVATIONS = "raw_hub.model_claim_observations"


def _changes(run: Scenario) -> list[tuple]:
    with duckdb.connect(str(run.steady / "warehouse.duckdb"), read_only=True) as con:
        rows = con.execute(
            "select model_id, observed_at, change_type, grams_before, grams_after, ratio"
            " from marts.emission_changes"
        ).fetchall()
    return sorted(
        (run.load_number(at), kind, model_id, *_rounded(before, after, ratio))
        for model_id, at, kind, before, after, ratio in rows
    )


def _rounded(*values: float | None) -> tuple[float | None, ...]:
    return tuple(None if v is None else round(v, 9) for v in values)


def test_emission_changes_are_exactly_the_changes_made(scenario: Scenario) -> None:
    role, grams = scenario.roles, scenario.grams
    expected = sorted(
        [
            *(
                (
                    2,
                    "value_changed",
                    role[f],
                    *_rounded(grams[role[f]] * 1000, grams[role[f]], 0.001),
                )
                for f in ("fixed_1", "fixed_2")
            ),
            (2, "stopped_reporting", role["removed"], grams[role["removed"]], None, None),
            *(
                (2, "new_model_reporting", role[n], None, grams[role[n]], None)
                for n in ("new_1", "new_2")
            ),
            (2, "model_deleted", role["deleted"], grams[role["deleted"]], None, None),
            (2, "model_deleted", role["restored"], grams[role["restored"]], None, None),
            (3, "model_restored", role["restored"], None, grams[role["restored"]], None),
            (3, "started_reporting", role["starts"], None, 7.5, None),
        ]
    )
    assert _changes(scenario) == expected


def test_touched_models_add_no_version(scenario: Scenario) -> None:
    """A new commit that changes no claim (new sha, lastModified) adds no row, raw or mart."""
    touched = [scenario.roles["touched"], scenario.roles["touched_silent"]]
    with duckdb.connect(str(scenario.steady / "warehouse.duckdb"), read_only=True) as con:
        raw = con.execute(
            f"select model_id, count(*) from {OBSERVATIONS} where model_id in (select unnest(?))"
            " group by model_id",
            [touched],
        ).fetchall()
        versions = con.execute(
            "select count(*) from marts.emission_claim_history where model_id = ?", [touched[0]]
        ).fetchone()
    # The reporter's one row is its baseline claim; the silent model, never claiming, has none.
    assert dict(raw) == {touched[0]: 1}
    assert versions == (1,)


def test_loads_add_rows_only_for_the_changes(scenario: Scenario) -> None:
    """The baseline observes every model that claims emissions (a model never observed never
    claimed); the next loads (full listings) one row per change: 2 fixes, 1 removal, 2 new
    models, 2 deletions; then 1 restoration, 1 start."""
    with duckdb.connect(str(scenario.steady / "raw.duckdb"), read_only=True) as con:
        per_load = con.execute(
            f"select count(*) from {OBSERVATIONS} group by _dlt_load_id order by _dlt_load_id"
        ).fetchall()
        (claimants,) = con.execute(
            "select count(*) from raw_hub.models where tags like '%co2_eq_emissions%'"
            " or card_data like '%co2_eq_emissions%'"
        ).fetchone()
    # The new models claim; the removed report, the starting one and the deleted ones do not now.
    baseline = claimants - 2 + 1 - 1
    # Load 2 is a main run (5 rows) and a backfill (2 deletions); load 3 a main run.
    assert [n for (n,) in per_load] == [baseline, 5, 2, 2]


def test_a_load_killed_mid_package_then_rerun_keeps_the_same_history(scenario: Scenario) -> None:
    def history(data_dir):
        with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as con:
            return con.execute(
                "select model_id, sha, tags, co2_eq_emissions, is_deleted, claim_hash"
                f" from {OBSERVATIONS} order by all"
            ).fetchall()

    assert history(scenario.killed) == history(scenario.steady)


def test_a_rebuild_from_raw_gives_identical_history_marts(scenario: Scenario, tmp_path) -> None:
    """Delete the warehouse, build again: the history lives in raw, so nothing is lost."""
    copy = tmp_path / "data"
    shutil.copytree(scenario.steady, copy)
    (copy / "warehouse.duckdb").unlink()
    build(copy)
    assert marts(copy / "warehouse.duckdb") == marts(scenario.steady / "warehouse.duckdb")


def test_an_older_raw_file_with_a_row_for_every_model_builds_the_same_history(
    scenario: Scenario, tmp_path
) -> None:
    """Loaders before the proportional baseline observed every model its first load listed, claim
    or not. The same three loads with those rows, written as they wrote them (a row claiming
    nothing, in the first load, for each model it listed and observed no claim of), build the
    same history marts."""
    copy = tmp_path / "data"
    shutil.copytree(scenario.steady, copy)
    (copy / "warehouse.duckdb").unlink()
    with duckdb.connect(str(copy / "raw.duckdb")) as con:
        (first,) = con.execute(f"select min(load_id) from {OBSERVATIONS}").fetchone()
        con.execute(
            f"""insert into {OBSERVATIONS} by name
            select m.id as model_id, m.sha, false as is_deleted, ? as claim_hash,
                   ? as load_id, ? as _dlt_load_id, 'baseline ' || m.id as _dlt_id
            from raw_hub.models m
            where m.created_at < to_timestamp(cast(? as double))
              and not exists (select 1 from {OBSERVATIONS} o
                              where o.model_id = m.id and o.load_id = ?)""",
            [NO_CLAIM_HASH, first, first, first, first],
        )
        (observed,) = con.execute(
            f"select count(distinct model_id) from {OBSERVATIONS} where load_id = ?", [first]
        ).fetchone()
    assert observed == MODELS  # the new models came after the first load
    build(copy)
    assert marts(copy / "warehouse.duckdb") == marts(scenario.steady / "warehouse.duckdb")


def test_label_boundaries_and_labels_of_earlier_builds_stay_explained(scenario: Scenario) -> None:
    """The build after load 1 recorded its boundaries and labels; the final build shows them valid
    until load 3's, and gives a version of load 1 the label that build gave it."""
    with duckdb.connect(str(scenario.steady / "warehouse.duckdb"), read_only=True) as con:
        periods = con.execute(
            "select metric, label_variant, count(*), count(valid_to)"
            " from marts.efficiency_label_boundaries group by all"
        ).fetchall()
        first_build = dict(
            con.execute(
                "select model_id, efficiency_label from raw_builds.efficiency_labels"
                " where load_id = (select min(load_id) from raw_builds.efficiency_labels)"
            ).fetchall()
        )
        past = dict(
            con.execute(
                "select model_id, efficiency_label from marts.emission_claim_history"
                " where valid_to is not null and not is_deleted"
            ).fetchall()
        )
    assert len(periods) == 10 and all(n == 2 and ended == 1 for *_, n, ended in periods)
    fixed = [scenario.roles["fixed_1"], scenario.roles["fixed_2"]]
    assert {m: past[m] for m in fixed} == {m: first_build[m] for m in fixed}
    assert all(first_build[m] is not None for m in fixed)


def test_a_record_interrupted_after_its_extract_is_finished_and_the_next_one_kept(
    tmp_path: Path,
) -> None:
    """A build killed (or locked out of raw.duckdb) while recording its labels leaves dlt's
    package pending; the next build's record loads it, then its own rows (dlt's run() alone
    would load the pending package instead of them)."""
    paths = Paths(tmp_path / "data")
    paths.data_dir.mkdir()
    duckdb.connect(str(paths.raw_db)).close()
    label_history.ensure_tables(paths)

    row = {"model_id": "org/m", "efficiency_label": "A", "efficiency_label_paper": "B"}
    interrupted = label_history._pipeline(paths)
    interrupted.extract(label_history._resources({"efficiency_labels": [{"load_id": "1", **row}]}))
    assert interrupted.has_pending_data
    label_history.store(paths, "2", {"efficiency_labels": [row]})
    assert _recorded(paths.raw_db) == [("1", "org/m", "A"), ("2", "org/m", "A")]


def test_the_readmes_history_queries_answer_on_three_loads(scenario: Scenario) -> None:
    """docs/history.md's two examples: who corrected their value and by how much, who stopped."""
    page = (REPO_ROOT / "docs" / "history.md").read_text()
    corrected, stopped = re.findall(r"```sql\n(.*?)```", page, re.S)
    with duckdb.connect(str(scenario.steady / "warehouse.duckdb"), read_only=True) as con:
        fixes = con.execute(corrected).fetchall()
        gone = con.execute(stopped).fetchall()
    fixed = {scenario.roles["fixed_1"], scenario.roles["fixed_2"]}
    assert {row[0] for row in fixes} == fixed
    assert [round(row[-1], 9) for row in fixes] == [0.001, 0.001]
    assert [row[0] for row in gone] == [scenario.roles["removed"]]


def test_a_raw_file_loaded_before_the_history_gets_its_baseline_from_its_next_load(
    tmp_path: Path,
) -> None:
    """#14's caveat. A raw.duckdb a loader wrote before the history existed (this loader's file,
    its history table dropped through dlt: table, schema and state as that loader left them):
    `make build` names `make load`; that load lists every model once, the baseline, even with
    nothing modified since the previous load; then `make build` works, and shows no change."""
    data_dir = tmp_path / "data"
    with HubReplay(Corpus.generated(MODELS, reporter_share=REPORTER_SHARE, seed=SEED)) as hub:
        load_ok(data_dir, hub.url, **BUDGETS)
        # The history's table, dropped by dlt from raw.duckdb, its schema and its state.
        pipeline = load.make_pipeline(Paths(data_dir))
        # Several resources write the table; dlt's schema names the one that created it.
        owner = pipeline.default_schema.tables["model_claim_observations"]["resource"]
        pipeline_drop(pipeline, resources=[owner])()
        refused = run_module("hubcarbon.warehouse build", data_dir)
        assert refused.returncode == 2, refused.stderr[-3000:]
        assert "lacks raw_hub.model_claim_observations" in refused.stderr
        assert "Run make load (with the same DATA_DIR" in refused.stderr
        assert not (data_dir / "warehouse.duckdb").exists()

        done = load_ok(data_dir, hub.url, **BUDGETS)
    with duckdb.connect(str(data_dir / "raw.duckdb"), read_only=True) as con:
        listed = con.execute("select count(*) from raw_hub.models").fetchone()
        observed = con.execute(
            f"select count(distinct model_id), count(*) from {OBSERVATIONS}"
        ).fetchone()
    assert listed == (MODELS,) and observed[0] == observed[1] >= MODELS * REPORTER_SHARE
    # A model never observed never claimed: the baseline holds the claimants only.
    assert observed[0] < MODELS / 2
    assert "keeps no history yet: this load lists every model" in done.stderr

    build(data_dir)
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
        claimants, versions, ended = con.execute(
            "select count(distinct model_id), count(*), count(valid_to)"
            " from marts.emission_claim_history"
        ).fetchone()
        changes = con.execute("select count(*) from marts.emission_changes").fetchone()
    # Each claimant's one version opened by the baseline, and the baseline is no change.
    assert claimants >= MODELS * REPORTER_SHARE and versions == claimants and ended == 0
    assert changes == (0,)


def test_a_writer_holding_raw_when_the_build_records_its_labels_is_named(
    scenario: Scenario, tmp_path: Path
) -> None:
    """A `make load` (a second process holding raw.duckdb read-write) starting while dbt builds:
    recording the build's labels in raw fails naming that process, the live warehouse and the
    recorded labels stay as they were, and the rerun once it has ended goes through."""
    paths = Paths(tmp_path / "data")
    shutil.copytree(scenario.steady, paths.data_dir)
    before = fingerprint(paths.warehouse), _recorded(paths.raw_db)
    building = start_module(f"hubcarbon.warehouse build {LABELS_ONLY}", paths.data_dir, tmp_path)
    # Printed once the snapshot has closed raw.duckdb; dbt's build comes next, then the record.
    wait_until(
        lambda: (
            "build: copied" in (tmp_path / "stdout").read_text()
            or building.process.poll() is not None
        ),
        "the build's snapshot of raw",
    )
    with hold(paths.raw_db, "read_write") as writer:
        assert building.process.poll() is None, "the build ended before the writer held raw"
        done = building.wait(BUILD_TIMEOUT_S)
    stderr = done.stderr
    assert done.returncode == 2, stderr[-3000:]
    assert f"raw.duckdb is locked by PID {writer.pid} (a running make load?)" in stderr
    assert f"the live warehouse {paths.warehouse} is untouched" in stderr
    assert "let it finish, then run make build again" in stderr and "Traceback" not in stderr
    assert (fingerprint(paths.warehouse), _recorded(paths.raw_db)) == before

    build(paths.data_dir, LABELS_ONLY)
    assert fingerprint(paths.warehouse) != before[0]
    assert _recorded(paths.raw_db) == before[1]  # the same load's labels: merged onto themselves


def _recorded(raw_db: Path) -> list[tuple]:
    with duckdb.connect(str(raw_db), read_only=True) as con:
        return con.execute(
            "select load_id, model_id, efficiency_label from raw_builds.efficiency_labels"
            " order by all"
        ).fetchall()
