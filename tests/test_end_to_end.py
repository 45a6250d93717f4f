"""Hub imitation -> the real loader -> `make build`: the dbt project on what dlt really writes.

Reads the session's ``demo_warehouse`` (tests/conftest.py): the same pipeline run, not another one.
"""

from __future__ import annotations

import duckdb
import pytest

from hubcarbon_settings import Paths


@pytest.fixture(scope="module")
def built(demo_warehouse: Paths) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_warehouse.warehouse), read_only=True)
    yield con
    con.close()


def count(con, sql: str) -> int:
    return con.execute(sql).fetchall()[0][0]


def test_every_listed_model_is_in_dim_models(built):
    listed = count(built, "select count(*) from (select id from raw_hub.models"
                          " union select id from raw_hub.emission_reporters)")  # fmt: skip
    assert listed == count(built, "select count(*) from marts.dim_models") > 1_000


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
    # 10 boundaries in use (5 metrics x 2 variants); the demo's load 1 recorded its own 10 before.
    boundaries = "select count(*) from marts.efficiency_label_boundaries"
    assert count(built, boundaries + " where valid_to is null") == 10
    assert count(built, boundaries) == 20


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
