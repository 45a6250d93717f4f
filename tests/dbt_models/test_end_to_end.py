"""Hub imitation -> the real loader -> `make build`: the dbt project on what dlt really writes."""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pytest

from hub_replay import Corpus, HubReplay
from hubcarbon_settings import REPO_ROOT


def run(module: str, *args: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, f"{module} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    work = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if k != "HF_TOKEN" and not k.startswith("SOURCES__")}
    env.update(
        DATA_DIR=str(work / "data"),
        HF_HUB_DISABLE_TELEMETRY="1",
        # Budgets that let one load read every card and first commit of the small corpus.
        SOURCES__HF_HUB__CARD_BUDGET="100000",
        SOURCES__HF_HUB__FIRST_COMMIT_BUDGET="100000",
        DBT_TARGET_PATH=str(work / "target"),
        DBT_LOG_PATH=str(work / "logs"),
    )
    with HubReplay(Corpus.generated(400, reporter_share=0.1, seed=11)) as hub:
        run("pipelines.load", env={**env, "HF_ENDPOINT": hub.url})
    run("hubcarbon.warehouse", "build", env=env)
    con = duckdb.connect(str(work / "data" / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def test_every_listed_model_is_in_dim_models(built):
    listed = count(built, "select count(*) from (select id from raw_hub.models"
                          " union select id from raw_hub.emission_reporters)")  # fmt: skip
    assert listed == count(built, "select count(*) from marts.dim_models") > 400 * 0.9


def test_every_reporter_is_parsed_and_placed_once(built):
    reporters = count(built, "select count(*) from raw_hub.emission_reporters")
    assert reporters > 0
    missing = count(
        built,
        "select count(*) from raw_hub.emission_reporters r"
        " anti join intermediate.int_model_emissions_parsed_to_grams p on p.model_id = r.id",
    )
    assert missing == 0
    placed = count(
        built,
        "select (select count(*) from marts.fct_model_emissions)"
        " + (select count(*) from marts.quarantined_emissions)"
        " + (select count(*) from marts.reporting_classification"
        "    where emissions_status like 'not_reported%')",
    )
    assert placed == count(
        built, "select count(*) from intermediate.int_model_emissions_parsed_to_grams"
    )


def test_labels_cover_the_measured_facts(built):
    runs = count(
        built,
        "select count(*) from marts.fct_model_emissions"
        " where is_measured and not emission_value_inherited",
    )
    assert runs > 0
    assert count(built, "select count(*) from marts.efficiency_labels") == runs
    assert count(built, "select count(*) from marts.efficiency_label_boundaries") == 10


def test_cards_and_first_commits_reach_the_marts(built):
    assert (
        count(built, "select count(*) from marts.dim_models where card_scan_status = 'scanned'") > 0
    )
    assert (
        count(
            built, "select count(*) from marts.dim_models where created_at_source = 'first_commit'"
        )
        > 0
    )
