"""The parity test's two loads and three builds (tests/spark/conftest.py), in a process of its own
started with the session: the other tests run meanwhile.

Usage: ``python -m tests.spark.parity_build <root>``; it writes ``<root>/duckdb`` and
``<root>/spark`` (BUILT), and exits non-zero, saying why, when a load or build fails.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import Paths
from tests.load.loader import dict_reporters, run_load
from tests.pipeline_support import run_module

POPULATION = 300
BUILT = ("duckdb", "spark")  # a data directory each, under the root
DBT_TARGET = "dbt-target"  # dbt's target path of each build, under its data directory


def _succeeded(what: str, done) -> str:
    if done.returncode != 0:
        sys.exit(f"{what} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def _load(paths: Paths, url: str, *args: str) -> None:
    _succeeded(f"load {' '.join(args)}", run_load(paths.data_dir, url, *args))


def _build(paths: Paths, *dbt_args: str, **env: str) -> str:
    # dbt's run results where test_parity reads them, whatever the environment sets.
    target = str(paths.data_dir / DBT_TARGET)
    command = f"hubcarbon.warehouse build {' '.join(dbt_args)}"
    done = run_module(command, paths.data_dir, DBT_TARGET_PATH=target, **env)
    return _succeeded(f"build {' '.join(dbt_args)} {env}", done)


def main(root: Path) -> None:
    duck, sparks = (Paths(root / name) for name in BUILT)
    sparks.data_dir.mkdir(parents=True)
    corpus = Corpus.bundled(population=POPULATION)
    fixed, removed, deleted = dict_reporters(corpus)[:3]
    grams = corpus.model(fixed).api["cardData"]["co2_eq_emissions"]["emissions"]
    with HubReplay(corpus) as hub:
        corpus.set_emissions(fixed, f"{grams} kg")  # written in kg by mistake, fixed below
        _load(duck, hub.url)
        # Records the first load's labels in raw (raw_builds), which the history marts show.
        labels_only = "+efficiency_labels +efficiency_label_boundaries"
        _build(duck, f"--select {labels_only} --indirect-selection cautious")
        corpus.set_emissions(fixed, grams)
        corpus.remove_emissions(removed)
        corpus.delete_model(deleted)
        corpus.add_model("parity-lab/new-reporter", card_data={"co2_eq_emissions": 42.0})
        _load(duck, hub.url, "--full")
    shutil.copyfile(duck.raw_db, sparks.raw_db)
    _build(duck)
    # Everything `make build ENGINE=spark` runs: seeds and models, then dbt's data tests and unit
    # tests (test_parity reads their run results).
    out = _build(sparks, HUBCARBON_ENGINE="spark")
    if "lake: " not in out:
        sys.exit("the Spark build must write the raw layer to the Parquet lake first:\n" + out)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
