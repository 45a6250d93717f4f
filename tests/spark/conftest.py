"""Two loads of a small Hub, built on DuckDB and on Apache Spark (ENGINE=spark), once per session.

The Hub imitation serves the bundled snapshot (every real reporter, each card shape the parser
meets) with POPULATION generated non-reporters instead of the demo's 100,000: the marts hold the
same kinds of rows as the demo's, and Spark builds them in a few minutes on 2 cores. Between the
two loads the Hub changes as in tests/history (a kg value fixed to grams, a report removed, a new
model reporting, a model deleted), and a build after the first load records its labels: the history
marts hold changes, and Spark reads the recorded labels back from the lake (raw_builds).

Without pyspark or Java these tests skip, saying how to install them; in CI (``CI=true``, which
``.ci/run`` sets) they fail instead, so a broken install cannot pass for a green run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pipeline_support import run_module
from spark_support import require_spark

from hub_replay import Corpus, HubReplay, Query
from hubcarbon_settings import Paths
from tests.load.loader import load_ok

POPULATION = 300


@dataclass(frozen=True)
class Built:
    duckdb: Paths  # raw.duckdb and warehouse.duckdb
    spark: Paths  # a copy of the same raw.duckdb, and Spark's warehouse


def _build(paths: Paths, *dbt_args: str, **env: str) -> str:
    done = run_module(f"hubcarbon.warehouse build {' '.join(dbt_args)}", paths.data_dir, **env)
    assert done.returncode == 0, (
        f"build {env} failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    )
    return done.stdout


def _dict_reporters(corpus: Corpus) -> list[str]:
    """Snapshot reporters whose card metadata is a dict with a positive numeric `emissions`."""
    records, _ = corpus.page(Query(filters=("co2_eq_emissions",), sort="id"), None, 1000)
    return [
        r.id
        for r in records
        if isinstance(co2 := (r.api.get("cardData") or {}).get("co2_eq_emissions"), dict)
        and isinstance(co2.get("emissions"), int | float)
        and co2["emissions"] > 0
    ]


@pytest.fixture(scope="session")
def parity_builds(tmp_path_factory: pytest.TempPathFactory) -> Built:
    require_spark()
    root = tmp_path_factory.mktemp("parity")
    built = Built(Paths(root / "duckdb"), Paths(root / "spark"))
    built.spark.data_dir.mkdir()
    corpus = Corpus.bundled(population=POPULATION)
    fixed, removed, deleted = _dict_reporters(corpus)[:3]
    grams = corpus.model(fixed).api["cardData"]["co2_eq_emissions"]["emissions"]
    with HubReplay(corpus) as hub:
        corpus.set_emissions(fixed, f"{grams} kg")  # written in kg by mistake, fixed below
        load_ok(built.duckdb.data_dir, hub.url)
        # Records the first load's labels in raw (raw_builds), which the history marts show.
        labels_only = "+efficiency_labels +efficiency_label_boundaries"
        _build(built.duckdb, f"--select {labels_only} --indirect-selection cautious")
        corpus.set_emissions(fixed, grams)
        corpus.remove_emissions(removed)
        corpus.delete_model(deleted)
        corpus.add_model("parity-lab/new-reporter", card_data={"co2_eq_emissions": 42.0})
        load_ok(built.duckdb.data_dir, hub.url, "--full")
    shutil.copyfile(built.duckdb.raw_db, built.spark.raw_db)
    _build(built.duckdb)
    # Seeds and models: the marts compared here. The data tests and unit tests pass on Spark too
    # (`make build ENGINE=spark` runs them), but take longer than CI's budget on 2 cores.
    skip_tests = ("--exclude-resource-type test", "--exclude-resource-type unit_test")
    out = _build(built.spark, *skip_tests, HUBCARBON_ENGINE="spark")
    assert "lake: " in out, "the build must write the raw layer to the Parquet lake first"
    return built


@pytest.fixture(scope="session")
def spark_session(parity_builds: Built) -> Iterator[object]:
    """A Spark session on the built warehouse's metastore (after dbt's JVM has exited)."""
    from hubcarbon import spark

    with spark.session(parity_builds.spark.spark_dir) as session:
        yield session
