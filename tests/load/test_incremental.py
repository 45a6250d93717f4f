"""A first load, an incremental rerun after changes on the Hub, and full reconciliations.

The tests of this module are steps of one story on one Hub and one DATA_DIR: they run in order.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from huggingface_hub import HfApi

from hub_replay import Corpus, HubReplay

from .loader import SCAN_ALL, load_ok, query, routes

NEW_REPORTER = "hubcarbon-test/new-reporter"
NEW_DATASET = "hubcarbon-test/unknown-dataset"


@pytest.fixture(scope="module")
def hub():
    # Generated, not the bundled snapshot: its 2,651 real reporters cost ~10,000 detail requests.
    with HubReplay(Corpus.generated(2000, reporter_share=0.02, seed=0)) as hub:
        yield hub


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> dict:
    """What the steps share: the data dir and the models the Hub changed."""
    return {"data_dir": tmp_path_factory.mktemp("incremental") / "data"}


def raw(story: dict) -> Path:
    return story["data_dir"] / "raw.duckdb"


def test_first_load_lists_every_model_and_scans_reporters(hub, story):
    api = HfApi(endpoint=hub.url)
    public = {m.id for m in api.list_models(limit=None)}
    reporters = {m.id: m for m in api.list_models(filter="co2_eq_emissions", cardData=True)}

    done = load_ok(story["data_dir"], hub.url, **SCAN_ALL)

    db = raw(story)
    assert {i for (i,) in query(db, "select id from raw_hub.models")} == public
    assert {i for (i,) in query(db, "select id from raw_hub.emission_reporters")} == set(reporters)
    # Card metadata verbatim, as one JSON column.
    model_id, card = next((i, m.card_data) for i, m in reporters.items() if m.card_data)
    (stored,) = query(db, "select card_data from raw_hub.models where id = ?", model_id)[0]
    assert json.loads(stored) == card.to_dict()
    types = dict(query(db, "select column_name, data_type from information_schema.columns "
                           "where table_name = 'models'"))  # fmt: skip
    assert types["card_data"] == types["tags"] == "JSON"
    assert types["last_modified"] == "TIMESTAMP WITH TIME ZONE"
    # Every model's card at its current sha; every reporter measured and dated.
    assert query(db, "select count(*) from raw_hub.model_cards")[0][0] == len(public)
    assert query(db, "select count(distinct status) from raw_hub.model_cards")[0][0] >= 1
    missing = query(
        db,
        """select count(*) from raw_hub.emission_reporters r
        where not exists (select 1 from raw_hub.model_sizes s where s.model_id = r.id)
           or not exists (select 1 from raw_hub.model_first_commits f where f.model_id = r.id)""",
    )
    assert missing == [(0,)]
    placeholders = query(db, "select count(*) from raw_hub.models m where created_at = "
                             "'2022-03-02T23:29:04Z' and not exists (select 1 from "
                             "raw_hub.model_first_commits f where f.model_id = m.id)")  # fmt: skip
    assert placeholders == [(0,)]
    assert query(db, "select count(*) from raw_hub.dataset_sizes")[0][0] > 0
    # The load ends with request counts per resource and rows per table.
    assert "requests per resource:" in done.stdout and "rows loaded per table:" in done.stdout
    assert f"{len(public):,}" in done.stdout


def test_rerun_without_changes_costs_one_page_per_listing(hub, story):
    reporters = query(raw(story), "select count(*) from raw_hub.emission_reporters")[0][0]
    loads = query(raw(story), "select count(*) from raw_hub._dlt_loads")[0][0]
    before = len(hub.requests)
    load_ok(story["data_dir"], hub.url, **SCAN_ALL)
    made = routes(hub.requests[before:])
    assert made == {("list", ""): 1, ("list", "co2_eq_emissions"): math.ceil(reporters / 1000)}
    # Nothing to fetch: no dlt run for the details, only the listings' load package.
    assert query(raw(story), "select count(*) from raw_hub._dlt_loads")[0][0] == loads + 1


def test_rerun_fetches_only_what_changed(hub, story):
    db = raw(story)
    reporter = query(db, "select id from raw_hub.emission_reporters order by id limit 1")[0][0]
    other, gone = (
        i
        for (i,) in query(
            db,
            """select id from raw_hub.models
        where id not in (select id from raw_hub.emission_reporters) order by id limit 2""",
        )
    )
    hub.corpus.touch(reporter)
    hub.corpus.touch(other)
    hub.corpus.delete_model(gone)
    hub.corpus.add_model(
        NEW_REPORTER,
        card_data={"co2_eq_emissions": {"emissions": 12.5}, "datasets": [NEW_DATASET]},
        readme="# new\n",
    )
    reporters = query(db, "select count(*) from raw_hub.emission_reporters")[0][0] + 1
    before = len(hub.requests)

    load_ok(story["data_dir"], hub.url, **SCAN_ALL)

    assert routes(hub.requests[before:]) == {
        ("list", ""): 1,
        ("list", "co2_eq_emissions"): math.ceil(reporters / 1000),
        ("card", reporter): 1,
        ("card", other): 1,
        ("card", NEW_REPORTER): 1,
        ("model", reporter): 1,
        ("model", NEW_REPORTER): 1,
        ("commits", NEW_REPORTER): 1,
        ("dataset", NEW_DATASET): 1,
    }
    shas = dict(query(db, "select id, sha from raw_hub.models where id in (?, ?)", reporter, other))
    assert shas == {m: hub.corpus.model(m).api["sha"] for m in (reporter, other)}
    assert query(
        db, "select status from raw_hub.dataset_sizes where dataset_id = ?", NEW_DATASET
    ) == [("missing",)]
    # An incremental listing cannot see deletions: the model stays until a full reconciliation.
    assert query(db, "select count(*) from raw_hub.models where id = ?", gone) == [(1,)]
    story["gone"] = gone


def test_full_reconciliation_marks_deleted_models(hub, story):
    db = raw(story)
    load_ok(story["data_dir"], hub.url, "--full", **SCAN_ALL)
    deletions = query(db, "select id, deleted_at is not null from raw_hub.model_deletions")
    assert deletions == [(story["gone"], True)]
    live = {i for (i,) in query(db, "select id from raw_hub.models")}
    listed = {m.id for m in HfApi(endpoint=hub.url).list_models(limit=None)}
    assert live - {story["gone"]} == listed


def test_full_reconciliation_clears_a_model_that_came_back(hub, story):
    hub.corpus.add_model(story["gone"], readme="# back\n")
    load_ok(story["data_dir"], hub.url, "--full", **SCAN_ALL)
    assert query(raw(story), "select id, deleted_at from raw_hub.model_deletions") == [
        (story["gone"], None)
    ]


def test_when_the_last_reporter_stops_reporting_the_reporters_table_empties(hub, story):
    db = raw(story)
    for (model_id,) in query(db, "select id from raw_hub.emission_reporters"):
        hub.corpus.set_card_data(model_id, {"license": "mit"})
    before = len(hub.requests)
    load_ok(story["data_dir"], hub.url, **SCAN_ALL)
    assert routes(hub.requests[before:])[("list", "co2_eq_emissions")] == 1
    assert query(db, "select count(*) from raw_hub.emission_reporters") == [(0,)]
    # Their new cards were still scanned: by the backfill, as models that do not report.
    assert query(
        db,
        """select count(*) from raw_hub.models m
        where not exists (select 1 from raw_hub.model_cards c
                          where c.model_id = m.id and c.sha = m.sha)""",
    ) == [(0,)]
