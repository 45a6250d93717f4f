"""A first load, an incremental rerun after changes on the Hub, full reconciliations, and a
refused dataset asked again.

One first load is shared, read-only; every other test starts from a copy of its DATA_DIR and a
fresh Hub serving the same corpus, so each test runs alone, in any order.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dlt
import duckdb
import pytest
from huggingface_hub import HfApi

from hub_replay import Corpus, HubReplay
from hub_replay.corpus import generated_datasets
from hub_replay.records import DatasetRecord
from hubcarbon_settings import HUB_CREATED_AT_PLACEHOLDER

from .loader import SCAN_ALL, load_ok, query, routes

NEW_REPORTER = "hubcarbon-test/new-reporter"
PARAMETERS = ["safetensors", "gguf"]  # the listing's parameter summaries (raw JSON columns)
NEW_DATASET = "hubcarbon-test/unknown-dataset"
PRIVATE_DATASET = "hubcarbon-test/private-dataset"


def corpus() -> Corpus:
    # Generated, not the bundled snapshot: its 2,651 real reporters cost ~10,000 detail requests.
    # The same seed gives the same corpus, so a copied DATA_DIR matches a fresh Hub.
    return Corpus.generated(2000, reporter_share=0.02, seed=0)


@dataclass(frozen=True)
class FirstLoad:
    data_dir: Path
    stdout: str
    public: set[str]  # model ids, as huggingface_hub lists them
    reporters: dict  # id -> ModelInfo of the co2_eq_emissions listing, with card data
    with_readme: Counter  # has a README -> how many of the public models
    summaries: dict  # id -> (safetensors, gguf) as huggingface_hub parses them, None when absent


@pytest.fixture(scope="module")
def first_load(tmp_path_factory) -> FirstLoad:
    """A first load of the corpus. Read it; never modify it (tests copy it: `loaded`)."""
    data_dir = tmp_path_factory.mktemp("first-load") / "data"
    with HubReplay(corpus()) as hub:
        api = HfApi(endpoint=hub.url)
        public = {m.id for m in api.list_models(limit=None)}
        reporters = {m.id: m for m in api.list_models(filter="co2_eq_emissions", cardData=True)}
        done = load_ok(data_dir, hub.url, **SCAN_ALL)
        with_readme = Counter(hub.corpus.model(i).has_readme for i in public)
        summaries = {m.id: (m.safetensors, m.gguf) for m in api.list_models(expand=PARAMETERS)}
    return FirstLoad(data_dir, done.stdout, public, reporters, with_readme, summaries)


@pytest.fixture
def loaded(first_load, tmp_path) -> Iterator[tuple[HubReplay, Path]]:
    """This test's own Hub (the first load's corpus) and its own copy of the first load."""
    data_dir = tmp_path / "data"
    shutil.copytree(first_load.data_dir, data_dir)
    with HubReplay(corpus()) as hub:
        yield hub, data_dir


def raw(data_dir: Path) -> Path:
    return data_dir / "raw.duckdb"


def non_reporters(db: Path, count: int) -> list[str]:
    return [i for (i,) in query(db, "select id from raw_hub.models where id not in "
                                    "(select id from raw_hub.emission_reporters) order by id "
                                    "limit ?", count)]  # fmt: skip


def test_first_load_lists_every_model_and_scans_reporters(first_load):
    public, reporters, db = first_load.public, first_load.reporters, raw(first_load.data_dir)
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
    # Every model's card at its current sha: read, or missing where the model has no README.
    statuses = dict(query(db, "select status, count(*) from raw_hub.model_cards group by all"))
    with_readme = first_load.with_readme
    assert statuses == {"ok": with_readme[True], "missing": with_readme[False]}
    assert with_readme[False] > 0
    # Every reporter measured and dated.
    missing = query(
        db,
        """select count(*) from raw_hub.emission_reporters r
        where not exists (select 1 from raw_hub.model_sizes s where s.model_id = r.id)
           or not exists (select 1 from raw_hub.model_first_commits f where f.model_id = r.id)""",
    )
    assert missing == [(0,)]
    placeholders = query(db, "select count(*) from raw_hub.models m where created_at = "
                             f"'{HUB_CREATED_AT_PLACEHOLDER}' and not exists (select 1 from "
                             "raw_hub.model_first_commits f where f.model_id = m.id)")  # fmt: skip
    assert placeholders == [(0,)]
    assert query(db, "select count(*) from raw_hub.dataset_sizes")[0][0] > 0
    # The load ends with request counts per resource and rows per table.
    stdout = first_load.stdout
    assert "requests per resource:" in stdout and "rows loaded per table:" in stdout
    assert f"{len(public):,}" in stdout


def _summaries(db: Path, table: str = "models") -> dict[str, tuple]:
    """Raw `safetensors` and `gguf` per model, parsed from their JSON text."""
    rows = query(db, f"select id, safetensors, gguf from raw_hub.{table}")
    return {i: tuple(None if v is None else json.loads(v) for v in values) for i, *values in rows}


def _as_listed(safetensors, gguf) -> tuple:
    """What huggingface_hub parsed, back in the Hub's JSON shape."""
    if safetensors is not None:
        safetensors = {"parameters": safetensors.parameters, "total": safetensors.total}
    return safetensors, gguf


def test_raw_models_keep_safetensors_and_gguf_verbatim(first_load):
    """The listing's expanded summaries, as the client reads them from the same Hub: JSON
    columns, never flattened, null where the Hub omits them."""
    db = raw(first_load.data_dir)
    expected = {i: _as_listed(*parsed) for i, parsed in first_load.summaries.items()}
    assert _summaries(db) == expected
    reporters = _summaries(db, "emission_reporters")
    assert reporters == {i: expected[i] for i in reporters}
    kinds = Counter((s is not None, g is not None) for s, g in expected.values())
    assert kinds[True, False] and kinds[False, True] and kinds[False, False], kinds
    types = dict(query(db, "select column_name, data_type from information_schema.columns "
                           "where table_name = 'models'"))  # fmt: skip
    assert types["safetensors"] == types["gguf"] == "JSON"


def test_a_raw_file_from_before_the_summaries_gains_them(loaded, first_load):
    """A raw.duckdb loaded before `safetensors` and `gguf` were listed: the next load adds the
    columns (dlt's schema evolution), fills them for what it lists, and a full reconciliation
    for every model."""
    hub, data_dir = loaded
    db = raw(data_dir)
    pipeline = dlt.attach("hf_hub", pipelines_dir=str(data_dir / "dlt"))
    schema = pipeline.default_schema
    with duckdb.connect(str(db)) as con:
        for table in ("models", "emission_reporters"):
            for column in PARAMETERS:
                del schema.tables[table]["columns"][column]
                con.execute(f"alter table raw_hub.{table} drop column {column}")
    pipeline.schemas.save_schema(schema)
    expected = {i: _as_listed(*parsed) for i, parsed in first_load.summaries.items()}
    gguf = next(i for i, (_, g) in expected.items() if g is not None)
    hub.corpus.touch(gguf)
    load_ok(data_dir, hub.url, **SCAN_ALL)
    stored = _summaries(db)
    assert stored[gguf] == expected[gguf]
    assert {i for i, values in stored.items() if values != (None, None)} == {gguf}
    assert _summaries(db, "emission_reporters") == {
        i: expected[i] for i in _summaries(db, "emission_reporters")
    }
    load_ok(data_dir, hub.url, "--full", **SCAN_ALL)
    assert _summaries(db) == expected


def test_rerun_without_changes_costs_one_page_per_listing(loaded):
    hub, data_dir = loaded
    reporters = query(raw(data_dir), "select count(*) from raw_hub.emission_reporters")[0][0]
    loads = query(raw(data_dir), "select count(*) from raw_hub._dlt_loads")[0][0]
    load_ok(data_dir, hub.url, **SCAN_ALL)
    made = routes(hub.requests)
    assert made == {("list", ""): 1, ("list", "co2_eq_emissions"): math.ceil(reporters / 1000)}
    # Nothing to fetch: no dlt run for the details, only the listings' load package.
    assert query(raw(data_dir), "select count(*) from raw_hub._dlt_loads")[0][0] == loads + 1


def test_rerun_fetches_only_what_changed(loaded):
    hub, data_dir = loaded
    db = raw(data_dir)
    reporter = query(db, "select id from raw_hub.emission_reporters order by id limit 1")[0][0]
    other, gone = non_reporters(db, 2)
    hub.corpus.touch(reporter)
    hub.corpus.touch(other)
    hub.corpus.delete_model(gone)
    hub.corpus.add_model(
        NEW_REPORTER,
        card_data={"co2_eq_emissions": {"emissions": 12.5}, "datasets": [NEW_DATASET]},
        readme="# new\n",
    )
    reporters = query(db, "select count(*) from raw_hub.emission_reporters")[0][0] + 1

    load_ok(data_dir, hub.url, **SCAN_ALL)

    assert routes(hub.requests) == {
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


def test_full_reconciliation_marks_deleted_models(loaded):
    hub, data_dir = loaded
    db = raw(data_dir)
    (gone,) = non_reporters(db, 1)
    hub.corpus.delete_model(gone)
    load_ok(data_dir, hub.url, "--full", **SCAN_ALL)
    deletions = query(db, "select id, deleted_at is not null from raw_hub.model_deletions")
    assert deletions == [(gone, True)]
    live = {i for (i,) in query(db, "select id from raw_hub.models")}
    listed = {m.id for m in HfApi(endpoint=hub.url).list_models(limit=None)}
    assert gone not in listed and live - {gone} == listed


def test_full_reconciliation_clears_a_model_that_came_back(loaded):
    hub, data_dir = loaded
    (gone,) = non_reporters(raw(data_dir), 1)
    hub.corpus.delete_model(gone)
    load_ok(data_dir, hub.url, "--full", **SCAN_ALL)
    hub.corpus.add_model(gone, readme="# back\n")
    load_ok(data_dir, hub.url, "--full", **SCAN_ALL)
    assert query(raw(data_dir), "select id, deleted_at from raw_hub.model_deletions") == [
        (gone, None)
    ]


def test_when_the_last_reporter_stops_reporting_the_reporters_table_empties(loaded):
    hub, data_dir = loaded
    db = raw(data_dir)
    for (model_id,) in query(db, "select id from raw_hub.emission_reporters"):
        hub.corpus.set_card_data(model_id, {"license": "mit"})
    load_ok(data_dir, hub.url, **SCAN_ALL)
    assert routes(hub.requests)[("list", "co2_eq_emissions")] == 1
    assert query(db, "select count(*) from raw_hub.emission_reporters") == [(0,)]
    # Their new cards were still scanned: by the backfill, as models that do not report.
    assert query(
        db,
        """select count(*) from raw_hub.models m
        where not exists (select 1 from raw_hub.model_cards c
                          where c.model_id = m.id and c.sha = m.sha)""",
    ) == [(0,)]


def test_a_refused_dataset_is_recorded_and_asked_again_by_the_next_load(tmp_path):
    small = Corpus.generated(200, reporter_share=0.02, seed=2)
    public = generated_datasets()[0]
    small.put_dataset(DatasetRecord({**public.api, "id": PRIVATE_DATASET, "private": True}))
    small.add_model(
        NEW_REPORTER,
        card_data={"co2_eq_emissions": 3.0, "datasets": [PRIVATE_DATASET, NEW_DATASET]},
        readme="# new\n",
    )
    data_dir, reporters_only = tmp_path / "data", {k: "0" for k in SCAN_ALL}
    with HubReplay(small) as hub:
        anonymous = load_ok(data_dir, hub.url, **reporters_only)
        asked_first = routes(hub.requests)
        statuses = query(raw(data_dir), "select dataset_id, status from raw_hub.dataset_sizes "
                                        "where dataset_id like 'hubcarbon-test/%'")  # fmt: skip
        before = len(hub.requests)
        load_ok(data_dir, hub.url, HF_TOKEN="hf_reader", **reporters_only)  # one that can read it
        asked_next = routes(hub.requests[before:])
    # 401 to an anonymous request: refused, not missing, and asked again by the next load.
    assert dict(statuses) == {PRIVATE_DATASET: "refused", NEW_DATASET: "missing"}
    assert "HTTP 401" in anonymous.stderr and "asked again next load" in anonymous.stderr
    private = ("dataset", PRIVATE_DATASET)
    assert asked_first[private] == asked_next[private] == 1
    assert ("dataset", NEW_DATASET) not in asked_next  # a 404 is not asked again
    size = public.api["cardData"]["dataset_info"]["dataset_size"]
    read = query(raw(data_dir), "select status, dataset_size_bytes from raw_hub.dataset_sizes "
                                "where dataset_id = ?", PRIVATE_DATASET)  # fmt: skip
    assert read == [("ok", size)]
