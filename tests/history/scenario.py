"""One three-load scenario on the Hub imitation, shared by the history tests: their conftest runs
it in a process started with the session (`python -m tests.history.scenario <root>`).

Two data directories load the same imitation side by side: `steady` loads without incident,
`killed` has its second load killed -9 mid-package and rerun. Between the loads the imitation
changes as the Hub does (corpus mutation helpers): load 1 is the baseline; before load 2 (FULL=1)
two values written in kg are fixed to grams, one report is removed, two new models report, one
reporter and one non-reporter are touched without any change, two reporters are deleted; before
load 3 (FULL=1) one of them is restored and an existing model starts reporting. `steady` is built
after load 1 (recording that build's labels) and after load 3.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from hub_replay import Corpus, HubReplay
from hub_replay.corpus import Query
from hubcarbon_settings import REPO_ROOT
from tests.load.loader import dict_reporters, load_ok, loader_env, wait_until
from tests.pipeline_support import run_module

MODELS, REPORTER_SHARE, SEED = 300, 0.05, 4
SAVED = "scenario.json"  # the Scenario, written last
# The scenario needs no card of a model that does not report.
BUDGETS = {"SOURCES__HF_HUB__CARD_BUDGET": "0", "SOURCES__HF_HUB__FIRST_COMMIT_BUDGET": "0"}
# A build of the label marts and what they read, without tests (the final build runs them all):
# it records their rows as any build does.
LABELS_ONLY = (
    "--select +efficiency_labels +efficiency_label_boundaries"
    " --exclude resource_type:test resource_type:unit_test"
)
HISTORY_MARTS = (
    "emission_claim_history",
    "emission_changes",
    "rq1_reporting_observed_monthly",
    "efficiency_label_boundaries",
)


@dataclass
class Scenario:
    steady: Path
    killed: Path
    # The models each mutation touched, by role; the grams they reported before and after.
    roles: dict[str, str] = field(default_factory=dict)
    grams: dict[str, float] = field(default_factory=dict)
    # The time the steady directory's k-th `make load` ended (k = 1, 2, 3).
    loads_ended: list[datetime] = field(default_factory=list)

    def save(self, path: Path) -> None:
        saved = {**asdict(self), "loads_ended": [end.isoformat() for end in self.loads_ended]}
        path.write_text(json.dumps(saved, default=str))

    @classmethod
    def saved(cls, path: Path) -> Scenario:
        saved = json.loads(path.read_text())
        return cls(
            steady=Path(saved["steady"]),
            killed=Path(saved["killed"]),
            roles=saved["roles"],
            grams=saved["grams"],
            loads_ended=[datetime.fromisoformat(end) for end in saved["loads_ended"]],
        )

    def load_number(self, observed_at: datetime) -> int:
        """Which `make load` (1, 2, 3) of the steady directory observed a change."""
        return next(k for k, end in enumerate(self.loads_ended, 1) if observed_at <= end)


def _kill_during_load(data_dir: Path, url: str, tmp_path: Path, *args: str) -> None:
    """A load held once its first load job is done (the package is not), then killed -9."""
    marker = tmp_path / "held"
    loader = subprocess.Popen(
        [sys.executable, "-m", "tests.load.paused_load", "load-job-done", str(marker), *args],
        cwd=REPO_ROOT,
        env=loader_env(data_dir, url, **BUDGETS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(lambda: marker.exists() or loader.poll() is not None, "the held second load")
    assert marker.exists(), f"the second load ended (exit {loader.returncode}) before being held"
    loader.send_signal(signal.SIGKILL)
    assert loader.wait() == -signal.SIGKILL


def main(root: Path) -> None:
    run = Scenario(steady=root / "steady", killed=root / "killed")
    corpus = Corpus.generated(MODELS, reporter_share=REPORTER_SHARE, seed=SEED)
    reporters = dict_reporters(corpus)
    fixed = reporters[:2]
    others = ["removed", "touched", "deleted", "restored"]
    run.roles = dict(zip(others, reporters[2:6], strict=True))
    run.roles.update(fixed_1=fixed[0], fixed_2=fixed[1])
    listed, _ = corpus.page(Query(sort="id"), None, 1000)
    silent = [r.id for r in listed if "co2_eq_emissions" not in r.api["tags"]]
    run.roles.update(touched_silent=silent[0], starts=silent[1])
    run.roles.update(new_1="history-lab/new-reporter-1", new_2="history-lab/new-reporter-2")

    def load_both(*args: str, kill: bool = False) -> None:
        load_ok(run.steady, hub.url, *args, **BUDGETS)
        run.loads_ended.append(datetime.now(UTC))
        if kill:
            _kill_during_load(run.killed, hub.url, root, *args)
        load_ok(run.killed, hub.url, *args, **BUDGETS)

    with HubReplay(corpus) as hub:
        # A value written in kg by mistake: the baseline already holds it (1000 times too big).
        for model_id in fixed:
            grams = corpus.model(model_id).api["cardData"]["co2_eq_emissions"]["emissions"]
            run.grams[model_id] = float(grams)
            corpus.set_emissions(model_id, f"{grams} kg")
        for role in ("removed", "deleted", "restored"):
            model_id = run.roles[role]
            run.grams[model_id] = float(
                corpus.model(model_id).api["cardData"]["co2_eq_emissions"]["emissions"]
            )
        load_both()
        # A build after load 1 records its labels and boundaries, which the final build shows.
        build(run.steady, LABELS_ONLY)

        for model_id in fixed:
            corpus.set_emissions(model_id, run.grams[model_id])
        corpus.remove_emissions(run.roles["removed"])
        for role, grams in (("new_1", 42.0), ("new_2", 1.5)):
            corpus.add_model(run.roles[role], card_data={"co2_eq_emissions": {"emissions": grams}})
            run.grams[run.roles[role]] = grams
        corpus.touch(run.roles["touched"])
        corpus.touch(run.roles["touched_silent"])
        corpus.delete_model(run.roles["deleted"])
        corpus.delete_model(run.roles["restored"])
        load_both("--full", kill=True)

        corpus.restore_model(run.roles["restored"])
        corpus.set_card_data(run.roles["starts"], {"co2_eq_emissions": {"emissions": 7.5}})
        run.grams[run.roles["starts"]] = 7.5
        load_both("--full")
    build(run.steady)
    run.save(root / SAVED)


def build(data_dir: Path, dbt_args: str = "") -> None:
    done = run_module(f"hubcarbon.warehouse build {dbt_args}", data_dir)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def marts(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of the history marts, sorted."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            mart: sorted(con.execute(f"from marts.{mart}").fetchall(), key=repr)
            for mart in HISTORY_MARTS
        }


if __name__ == "__main__":
    main(Path(sys.argv[1]))
