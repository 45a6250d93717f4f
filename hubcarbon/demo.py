"""`make demo`: the whole pipeline offline, on the bundled snapshot.

Starts the local Hub imitation on 127.0.0.1 and loads it twice into ``DATA_DIR`` (default
``data/demo/``, apart from a real load in ``data/``), so that the history marts have something to
show on a first run: the bundled snapshot, its labels recorded in raw, then a fixed set of changes
made to the imitation (CHANGES: a kg->g fix, a new reporter, a report removed, a model deleted) and
a full load (a full reconciliation sees the deletion); then it builds and checks as `make all` does,
and prints its progress, a short summary and the commands to type next. What the steps print
(dlt's progress, dbt's line per model and test, the checks' warnings) goes to ``DATA_DIR/demo.log``,
which the output names, and whose end it shows when a step fails.

Every run starts from a clean state: the previous demo load (raw.duckdb, dlt's state, the checks'
baseline) is removed first, so that the per-load card budgets scan the same models and two runs
give the same warehouse. A directory holding a load the demo did not write is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from expectations import headline
from hub_replay import Corpus, HubReplay
from hubcarbon_settings import DEMO_DATA_DIR, REPO_ROOT, Paths, fail, relative_to_repo

# Written into a demo's DATA_DIR: the demo may clear what it finds there, and nothing else.
MARKER = ".hubcarbon-demo"
# Everything the steps print, one run's worth (a newcomer wants progress and the summary).
LOG = "demo.log"
LOG_TAIL_LINES = 30  # shown when a step fails
# The model whose label the next steps show: a well-known one, labelled on the demo.
EXAMPLE_MODEL = "distilbert/distilgpt2"

LOAD = [sys.executable, "-m", "pipelines.load"]
BUILD = [sys.executable, "-m", "hubcarbon.warehouse", "build"]
# What the imitation changes between the two loads, on real models of the snapshot (by id) and one
# new model that is plainly the demo's. The first: its card says "<grams> kg" in load 1 (a value
# 1,000 times too large), and its grams in load 2.
KG_TO_G_FIX = "distilbert/distilgpt2"
NEW_REPORTER = "hubcarbon-demo/new-reporter"
REPORT_REMOVED = "tomaarsen/span-marker-bert-base-uncased-acronyms"
MODEL_DELETED = "abhishek/autotrain-dog-vs-food"
CHANGES = "1 kg→g fix, 1 new reporter, 1 report removed, 1 model deleted"
# Load 1's labels recorded in raw (raw_builds), as every build records its own: the history then
# shows the labels of both loads. Only the labels and what they need are built, without their
# tests: the build after load 2 runs every test, on the same models.
FIRST_LOAD = (
    ("load 1 (the bundled snapshot, one value written in kg by mistake)", LOAD),
    (
        "record load 1's labels",
        [*BUILD, "--select", "+efficiency_labels", "+efficiency_label_boundaries",
         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
    ),
)  # fmt: skip
STEPS = (
    # --full: only a full reconciliation sees a deleted model.
    (f"load 2 (after changes made to the imitated Hub: {CHANGES})", [*LOAD, "--full"]),
    ("build", BUILD),
    ("check", [sys.executable, "-m", "expectations.checkpoint"]),
)
# ENGINE=spark: the checks read DuckDB's warehouse; Spark's marts are served as Parquet exports.
SPARK_STEPS = (*STEPS[:2], ("export", [sys.executable, "-m", "hubcarbon.warehouse", "export"]))
# What the summary shows, in this order (marts.headline_figures, one definition for every output).
SHOWN = (
    ("models", "models on the (imitated) Hub"),
    ("deleted_models", "  of which deleted"),
    ("reporters", "models reporting CO2"),
    ("training_runs", "  training runs (each counted once)"),
    ("inherited_values", "  values inherited from another card"),
    ("not_measured", "cards reporting 0 (not measured)"),
    ("quarantined", "quarantined emission values"),
    ("co2_eq_emissions_total_g", "total CO2e of the training runs"),
    ("co2_eq_emissions_total_g_incl_inherited", "  counting inherited values too"),
)
# Coverage (marts.reporting_coverage): the share of models and of 30-day downloads a report covers.
MEASURES = ("models", "downloads_30d")
COVERAGE = (
    ("own_report_share", "covered by their own report"),
    ("lineage_report_share", "  or by a base model's report"),
)
# The demo always serves the bundled snapshot, whose cards predate the Hub's base_model tags.
THIN_LINEAGE = (
    "    (real models predate base-model tags: only 74 repacks, matched by name, declare a base)"
)


def run_steps(env: dict[str, str], log: Path, steps=STEPS) -> None:
    """Each step with its output appended to ``log``; a failed step ends the demo with its exit
    status, after the end of the log."""
    for name, command in steps:
        print(f"==> demo: {name} …", end=" ", flush=True)
        started = time.monotonic()
        with log.open("a") as out:
            out.write(f"\n==> demo: {name}: {' '.join(command[1:])}\n")
            out.flush()
            result = subprocess.run(
                command, env=env, cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT, check=False
            )
        if result.returncode != 0:
            print("failed", flush=True)
            tail = log.read_text(errors="replace").splitlines()[-LOG_TAIL_LINES:]
            fail(
                "\n".join(
                    [
                        *tail,
                        f"demo: step '{name}' failed (exit {result.returncode});"
                        f" the last lines of its log are above, all of it in {log}.",
                    ]
                ),
                result.returncode,
            )
        print(f"done in {time.monotonic() - started:.1f}s", flush=True)


def mistake_before_load_1(corpus: Corpus) -> float:
    """KG_TO_G_FIX's card writes its grams as kilograms; returns the grams, which load 2 sees."""
    grams = corpus.model(KG_TO_G_FIX).api["cardData"]["co2_eq_emissions"]["emissions"]
    corpus.set_emissions(KG_TO_G_FIX, f"{grams} kg")
    return grams


def change_between_loads(corpus: Corpus, grams: float) -> None:
    """The CHANGES, each through the imitation's own mutations (a new commit, as on the Hub). The
    new model is created now, between the loads: one created before load 1 would have been listed
    by it, and the history would read its report as started, not new."""
    corpus.set_emissions(KG_TO_G_FIX, grams)
    corpus.add_model(
        NEW_REPORTER,
        card_data={"co2_eq_emissions": {"emissions": 42.0, "source": "codecarbon"}},
        readme="A model the demo adds to its imitated Hub between its two loads; not on the Hub.\n",
    )
    corpus.remove_emissions(REPORT_REMOVED)
    corpus.delete_model(MODEL_DELETED)


def start_clean(paths: Paths) -> None:
    """Remove the previous demo load; refuse a directory holding a load the demo did not write."""
    marker = paths.data_dir / MARKER
    if paths.raw_db.exists() and not marker.exists() and paths.data_dir != DEMO_DATA_DIR:
        fail(
            f"demo: {paths.data_dir} holds a load the demo did not write ({paths.raw_db.name}), and"
            " the demo starts from a clean state. Give it a directory of its own: make demo"
            " DATA_DIR=/some/empty/dir (or leave DATA_DIR unset for data/demo)."
        )
    for path in (paths.raw_db, paths.raw_db.with_name(paths.raw_db.name + ".wal")):
        path.unlink(missing_ok=True)
    (paths.data_dir / LOG).unlink(missing_ok=True)
    for directory in (paths.pipelines_dir, paths.checks_dir, paths.build_dir):
        shutil.rmtree(directory, ignore_errors=True)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    marker.touch()


def summary(paths: Paths, on_spark: bool = False) -> str:
    if on_spark:  # the marts Spark built, as exported
        with duckdb.connect() as con:
            exported = str(paths.exports_dir / "headline_figures.parquet").replace("'", "''")
            con.execute(
                f"create schema marts; create view marts.headline_figures as from '{exported}'"
            )
            figures = headline.read(con)
        return _summary(figures, _next_on_spark(paths))
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        figures = headline.read(con)
    return _summary(figures, _next_on_duckdb(paths))


def _summary(figures: headline.Figures, next_steps: list[str]) -> str:
    models = headline.value(figures, "models")

    def shown_value(figure: str) -> str:
        number = headline.value(figures, figure)
        if figure.startswith("co2_eq_emissions"):
            return f"{number / 1e6:,.1f} t"
        return f"{number:,.0f}" + (f" ({number / models:.2%})" if figure == "reporters" else "")

    lines = ["", "hubcarbon demo — summary (definitions: docs/method.md)"]
    lines += [f"  {title:<38}: {shown_value(figure)}" for figure, title in SHOWN]
    lines += [
        f"  {title:<38}: {headline.value(figures, f'{prefix}_{MEASURES[0]}'):.2%} of models,"
        f" {headline.value(figures, f'{prefix}_{MEASURES[1]}'):.2%} of 30-day downloads"
        for prefix, title in COVERAGE
    ]
    lines.append(THIN_LINEAGE)
    levels = headline.counts(figures, "reporting_level", headline.REPORTING_LEVELS)
    lines.append(f"  {'reporting levels':<38}: {levels}")
    lines += [
        f"  {'efficiency labels, ' + variant:<38}: {headline.counts(figures, figure)}"
        for figure, variant in headline.LABEL_VARIANTS.items()
    ]
    changes = headline.counts(figures, "emission_changes", headline.CHANGE_TYPES) or "none"
    lines.append(f"  {'emission changes, between the 2 loads':<38}: {changes}")
    return "\n".join([*lines, "", *next_steps])


def _next_on_duckdb(paths: Paths) -> list[str]:
    shown = relative_to_repo(paths.data_dir)
    return [
        f"Warehouse: {paths.warehouse}",
        f"Next, on this warehouse (every command takes DATA_DIR={shown}):",
        f"  make report DATA_DIR={shown}     # the HTML report",
        f"  make label MODEL={EXAMPLE_MODEL} DATA_DIR={shown}   # a model's label card",
        f"  make sql DATA_DIR={shown}        # the SQL shell (read-only) on the marts",
        "  make help                          # every other command; docs/commands.md",
    ]


def _next_on_spark(paths: Paths) -> list[str]:
    # The report, the docs and the checks read DuckDB's warehouse, which a Spark demo has none of.
    shown = relative_to_repo(paths.data_dir)
    return [
        f"Spark marts exported to {paths.exports_dir}",
        f"Next, on this load (every command takes DATA_DIR={shown}):",
        f"  make build ENGINE=spark DATA_DIR={shown}    # rebuild on Spark from the demo's load",
        f"  make export ENGINE=spark DATA_DIR={shown}   # the marts as Parquet again",
        f'  .venv/bin/python -c "import duckdb; duckdb.read_parquet('
        f"'{shown}/exports/efficiency_labels.parquet').limit(5).show()\"",
        "  make demo                  # the DuckDB demo, for the report, the docs and the checks",
    ]


def main() -> None:
    os.environ.setdefault("DATA_DIR", str(DEMO_DATA_DIR))  # `make demo` always passes it
    paths = Paths.writable_from_env("demo")
    print(f"==> demo: into {paths.data_dir} (a clean start: the previous demo load is removed)")
    start_clean(paths)
    print("==> demo: starting the local Hub imitation with the bundled snapshot", flush=True)
    corpus = Corpus.bundled()
    with HubReplay(corpus) as hub:
        print(f"==> demo: Hub imitation at {hub.url}", flush=True)
        env = {**os.environ, "HF_ENDPOINT": hub.url, "DATA_DIR": str(paths.data_dir)}
        env.pop("HF_TOKEN", None)  # the imitation needs no token; never send a real one to it
        on_spark = os.environ.get("HUBCARBON_ENGINE") == "spark"
        log = paths.data_dir / LOG
        print(f"==> demo: the steps' output goes to {log}", flush=True)
        grams = mistake_before_load_1(corpus)
        run_steps(env, log, FIRST_LOAD)
        change_between_loads(corpus, grams)
        run_steps(env, log, SPARK_STEPS if on_spark else STEPS)
    print(summary(paths, on_spark))


if __name__ == "__main__":
    main()
