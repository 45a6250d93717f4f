"""dlt source mining the Hugging Face Hub into the `raw_hub` tables (see docs/architecture.md).

A load is at most two runs, one per source of this module:

* the main run (source `hf_hub`): the listings, one request per 1,000 models: `models`
  (incremental on `lastModified`, which the Hub always sorts descending, merged on `id`) and
  `emission_reporters` (the `co2_eq_emissions` tag, listed whole and replaced on every run so
  downloads and likes stay fresh); with them, the reporters' details that the destination does
  not hold yet: `model_cards`, `model_sizes`, `dataset_sizes` and `model_first_commits`;
* the backfill (source `hf_hub_backfill`), planned from what the main run loaded: the per-run
  budgets of cards and first commits of models that do not report, most recently modified first,
  and, on a full reconciliation, `model_deletions`. With nothing to do it has no resources, and a
  load skips the run.

The sources only fetch: `pipelines.load` reads what the destination holds before each run and
passes it in as plain values (`Loaded`, `Backfill`); no source opens the destination.

Every raw table is created by the main run, empty when it has nothing to write (dlt's
`materialize_table_schema`), with exactly the columns of the resources' hints: dlt's schema is the
one definition of the raw tables, which dbt's sources file describes.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

import dlt
import httpx2
import pyarrow as pa
import pyarrow.compute as pc
from dlt.sources import DltResource

from . import settings
from .helpers import (
    LISTING_SCHEMA,
    NO_CLAIM_HASH,
    HubClient,
    Progress,
    claim_state,
    dataset_size_bytes,
    detail_status,
    is_tagged,
    listing_table,
    loads,
    model_size_row,
    named_datasets,
    parse_ts,
    quote_id,
)


def _columns(**types: str) -> dict[str, dict[str, Any]]:
    """Column hints (fresh dicts: dlt writes into them). A `!` suffix makes a column non-null."""
    return {
        name: {"name": name, "data_type": t.rstrip("!"), "nullable": not t.endswith("!")}
        for name, t in types.items()
    }


class _ExpectedJsonHints(logging.Filter):
    """dlt warns on every Arrow page that our `json` hints override Arrow's `string`: intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "when merging arrow schema" not in record.getMessage()


logging.getLogger("dlt").addFilter(_ExpectedJsonHints())


# The `models` resource's state key: the newest `lastModified` loaded, where the next run stops.
_CURSOR = "last_modified"


def models_cursor(pipeline: dlt.Pipeline) -> str | None:
    """The cursor an incremental load of `pipeline` lists down to; None before the first load."""
    resources = pipeline.state.get("sources", {}).get("hf_hub", {}).get("resources", {})
    return resources.get("models", {}).get(_CURSOR)


def _now() -> datetime:
    return datetime.now(UTC)


def _fetch_in_parallel(
    client: HubClient,
    items: Sequence[Any],
    fetch: Callable[[Any], dict[str, Any] | None],
    progress: Progress,
    batch: int = 500,
) -> Iterator[list[dict[str, Any]]]:
    """Fetch details in the client's pool, yielding rows stamped with `fetched_at` in batches
    (None results are skipped). At most `4 * client.workers` of these requests are queued ahead
    of what was yielded, so memory stays bounded however long `items` and however slowly the
    rows are consumed."""
    rows: list[dict[str, Any]] = []
    todo = iter(items)
    running = deque(client.submit(fetch, item) for item in islice(todo, 4 * client.workers))
    try:
        while running:
            row = running.popleft().result()
            running.extend(client.submit(fetch, item) for item in islice(todo, 1))
            progress.add(1)
            if row is not None:
                rows.append(row)
            if len(rows) >= batch:
                yield _stamped(rows)
                rows = []
    finally:  # a failure (or a closed generator) does not wait for the queued requests
        for future in running:
            future.cancel()
    if rows:
        yield _stamped(rows)


# Detail tables: primary key, progress unit, column hints (each also gets `fetched_at`).
_DETAILS: dict[str, tuple[str | tuple[str, ...], str, dict[str, str]]] = {
    "model_cards": (
        ("model_id", "sha"),
        "cards",
        {"model_id": "text!", "sha": "text!", "status": "text!", "card_text": "text"},
    ),
    "model_sizes": (
        ("model_id", "sha"),
        "models",
        {
            "model_id": "text!",
            "sha": "text!",
            "parameters": "bigint",
            "used_storage_bytes": "bigint",
            "siblings": "json",
        },
    ),
    "dataset_sizes": (
        "dataset_id",
        "datasets",
        {
            "dataset_id": "text!",
            "sha": "text",
            "status": "text!",
            "dataset_size_bytes": "bigint",
            "used_storage_bytes": "bigint",
        },
    ),
    "model_first_commits": (
        "model_id",
        "models",
        {"model_id": "text!", "first_commit_id": "text", "first_commit_at": "timestamp"},
    ),
}
# `model_sizes.siblings` keeps every file of the repo at that sha, with its size, as the JSON list
# the Hub gives. Not a dlt nested table: dlt 1.31 deduplicates the staging rows of a merge by
# primary key only for a table without nested tables, and a load job that a kill makes dlt run
# again (rows committed, job not yet recorded) would write the parent rows twice.
_DELETIONS_COLUMNS = {"id": "text!", "deleted_at": "timestamp"}
_ENDPOINT_COLUMNS = {"load_id": "text!", "endpoint": "text!", "endpoint_kind": "text!"}
_OBSERVATIONS = "model_claim_observations"
_OBSERVATION_COLUMNS = {
    "model_id": "text!",
    "sha": "text",
    "tags": "json",
    "co2_eq_emissions": "json",
    "is_deleted": "bool!",
    "claim_hash": "text!",
    "load_id": "text!",
}


def _listing(
    client: HubClient, name: str, params: dict[str, Any], since: datetime | None
) -> Iterator[pa.Table]:
    """Pages of `/api/models` sorted by lastModified (descending), down to `since`."""
    progress = Progress(name, client, unit="models")
    query = {"sort": "lastModified", "limit": settings.PAGE_SIZE, **params}
    query["expand"] = list(settings.MODEL_EXPAND)

    def fresh(model: dict[str, Any]) -> bool:
        # Inclusive: models modified at the cursor instant are merged again, not lost.
        return since is None or (parse_ts(model.get("lastModified")) or since) >= since

    def past_cursor(page: list[dict[str, Any]]) -> bool:
        return bool(page) and not fresh(page[-1])  # the oldest model ends the page

    for page in client.paginate("/api/models", name, params=query, last=past_cursor):
        models = [m for m in page if fresh(m)]
        if models:
            yield listing_table(models)
        progress.add(len(models), pages=1)
    progress.report(done=True)


# Verbatim, never flattened: dbt parses them.
_LISTING_COLUMNS = {"tags": "json", "card_data": "json", "safetensors": "json", "gguf": "json"}


# A cursor kept by hand rather than dlt.sources.incremental (whose row_order="desc" would stop the
# paging as `past_cursor` does): `--full` lists every model and still advances the cursor, while an
# incremental ignores its stored value only with an end_value, and then discards its state; and
# pipelines loaded before keep their cursor under this state key.
@dlt.resource(name="models", primary_key="id", write_disposition="merge")
def _models(client: HubClient, full: bool) -> Iterator[pa.Table]:
    """Every model (`full`), or those modified since the previous run's newest, merged on `id`."""
    state = dlt.current.resource_state()
    since = None if full else parse_ts(state.get(_CURSOR))
    newest = since
    for table in _listing(client, "models", {}, since):
        top = table.column("last_modified")[0].as_py()
        newest = top if newest is None or (top and top > newest) else newest
        yield table
    if newest is None:  # nothing listed yet: the table still exists (the backfill reads it)
        yield LISTING_SCHEMA.empty_table()
    else:  # committed with the load package, so a crash keeps the old one
        state[_CURSOR] = newest.isoformat()


def _fetch_card(client: HubClient, item: tuple[str, str]) -> dict[str, Any] | None:
    model_id, sha = item
    # One request in the "resolvers" bucket (the largest quota), straight to the file;
    # hf_hub_download would add a HEAD and a write to the local cache per card.
    response = client.get(f"/{quote_id(model_id)}/resolve/{sha}/README.md", "model_cards")
    if response.status_code == 404:
        status, text = "missing", None
    elif response.is_success:
        status, text = "ok", response.content.decode("utf-8", errors="replace")
    else:  # e.g. 401/403: not knowable now, try again on the next run
        return None
    return {"model_id": model_id, "sha": sha, "status": status, "card_text": text}


def _fetch_size(client: HubClient, item: tuple[str, str]) -> dict[str, Any] | None:
    model_id, sha = item
    info = client.get_json(f"/api/models/{quote_id(model_id)}", "model_sizes", {"blobs": "true"})
    if not isinstance(info, dict):
        return None  # deleted since the listing
    # Keyed by the revision actually measured (the listing's sha may be older).
    return {"model_id": model_id, "sha": info.get("sha") or sha, **model_size_row(info)}


def _fetch_dataset(client: HubClient, dataset_id: str) -> dict[str, Any]:
    response = client.get(f"/api/datasets/{quote_id(dataset_id)}", "dataset_sizes")
    status = detail_status(response, "dataset_sizes")
    if status != "ok":
        return {"dataset_id": dataset_id, "sha": None, "status": status}
    info = loads(response.content)
    return {
        "dataset_id": dataset_id,
        "sha": info.get("sha"),
        "status": status,
        "dataset_size_bytes": dataset_size_bytes(info.get("cardData")),
        "used_storage_bytes": info.get("usedStorage")
        if isinstance(info.get("usedStorage"), int)
        else None,
    }


def _fetch_first_commit(client: HubClient, item: tuple[str]) -> dict[str, Any] | None:
    (model_id,) = item
    last: list[Any] = []
    try:
        for page in client.paginate(
            f"/api/models/{quote_id(model_id)}/commits/main", "model_first_commits"
        ):
            last = page or last  # newest first: the first commit ends the last page
    except httpx2.HTTPStatusError as err:
        if err.response.status_code == 404:
            return None  # deleted since the listing
        raise
    first = last[-1] if last and isinstance(last[-1], dict) else None
    if first is None:
        return None
    return {
        "model_id": model_id,
        "first_commit_id": first.get("id"),
        "first_commit_at": parse_ts(first.get("date")),
    }


_FETCHERS: dict[str, Callable[[HubClient, Any], dict[str, Any] | None]] = {
    "model_cards": _fetch_card,
    "model_sizes": _fetch_size,
    "dataset_sizes": _fetch_dataset,
    "model_first_commits": _fetch_first_commit,
}


@dataclass(frozen=True)
class Loaded:
    """What the destination holds that the main run's plan needs, read by `pipelines.load` once,
    before the run: the source itself never queries the destination.

    Attributes:
        claims: model id -> claim hash of the model's last observation, for the models whose last
            observation is not "no claim" (a model never observed never claimed).
        cards: (model id, sha) of the cards held for the reporters of the previous run.
        sizes: (model id, sha) of the sizes held.
        first_commits: models whose first commit is held.
        datasets: datasets held with an answer other than `refused` (asked again).
    """

    claims: dict[str, str] = field(default_factory=dict)
    cards: frozenset[tuple[str, str]] = frozenset()
    sizes: frozenset[tuple[str, str]] = frozenset()
    first_commits: frozenset[str] = frozenset()
    datasets: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Backfill:
    """What the main run leaves to do, planned by `pipelines.load` from what it loaded.

    Attributes:
        cards: (model id, sha) of the budgeted cards of models that do not report.
        first_commits: (model id,) of the budgeted first commits of models that do not report.
        deletions: `model_deletions` rows: {id, deleted_at} (None: listed again, restored).
        gone: models a full listing did not list whose history does not say deleted yet.
    """

    cards: list[tuple[str, str]] = field(default_factory=list)
    first_commits: list[tuple[str]] = field(default_factory=list)
    deletions: list[dict[str, Any]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


@dlt.resource(name="emission_reporters", write_disposition="replace")
def _emission_reporters(client: HubClient) -> Iterator[pa.Table]:
    """The models carrying the co2_eq_emissions tag, listed whole on every run."""
    listed = False
    for table in _listing(client, "emission_reporters", {"filter": settings.EMISSIONS_TAG}, None):
        listed = True
        yield table
    if not listed:  # still replaces the table, and its transformers still see a page
        yield LISTING_SCHEMA.empty_table()


def _fetched(
    client: HubClient, name: str, items: Sequence[Any], progress: Progress
) -> Iterator[Any]:
    """The rows the fetcher of `name` returns for `items`, fetched in parallel; an empty list
    still creates the table on the first load."""
    if not items:
        yield from _empty()
        return
    yield from _fetch_in_parallel(client, items, partial(_FETCHERS[name], client), progress)


def _backfilled(client: HubClient, name: str, items: Sequence[Any]) -> Iterator[Any]:
    progress = Progress(name, client, _DETAILS[name][1])
    yield from _fetched(client, name, items, progress)
    progress.report(done=True)


def _detail_hints(name: str) -> dict[str, Any]:
    primary_key, _, columns = _DETAILS[name]
    return {
        "name": name,
        "primary_key": primary_key,
        "write_disposition": "merge",
        "columns": _columns(**columns, fetched_at="timestamp!"),
    }


def _reporter_todo(
    name: str, page: pa.Table, loaded: Loaded, full: bool, asked: set[str]
) -> list[Any]:
    """What the detail table `name` needs for one page of reporters: cards and sizes at their
    current sha, first commits never fetched, datasets named and not known (all of them again
    when `full`), each dataset once per run (`asked`)."""
    rows = page.select(["id", "sha", "card_data"]).to_pylist()
    current = [(r["id"], r["sha"]) for r in rows if r["sha"]]
    if name == "model_cards":
        return [key for key in current if key not in loaded.cards]
    if name == "model_sizes":
        return [key for key in current if key not in loaded.sizes]
    if name == "model_first_commits":
        return [(r["id"],) for r in rows if r["id"] not in loaded.first_commits]
    named: set[str] = set()
    for r in rows:
        named |= named_datasets(_json(r["card_data"]))
    # Datasets rarely change: refetched only by a full reconciliation, or once no longer refused.
    todo = sorted(named - asked - (set() if full else loaded.datasets))
    asked.update(todo)
    return todo


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub(
    client: HubClient, loaded: Loaded | None = None, full: bool = False
) -> Iterable[DltResource]:
    """The Hugging Face Hub's public models, their emission reporters and the reporters' details.

    Creating the source sends no request: the listings are resources, and the reporters' details
    (and their claims) transformers of the reporters' listing, page by page, planned against
    `loaded`, so nothing unchanged is fetched twice.

    Args:
        client: the HTTP client (endpoint, token, retries, request counts, the pool of detail
            requests). The token stays in it, out of dlt's config, state and trace.
        loaded: what the destination holds (read before the run; empty before the first load).
        full: list every model instead of only those modified since the last run, and refetch
            the named datasets.
    """
    loaded = loaded or Loaded()
    models, reporters = _models(client, full), _emission_reporters(client)
    for listing in (models, reporters):
        listing.apply_hints(columns=_columns(**_LISTING_COLUMNS))
    asked: set[str] = set()  # datasets, over the pages of this run

    planning = threading.Lock()  # the pages' details run in parallel; `asked` is shared

    # Parallelized: dlt runs each page's details in its pool of futures, so the listings go on
    # while they are fetched (inline, the models listing waited for every page's details: at 4M
    # models, 60,000 requests). Their requests all share the client's pool.
    def details(name: str) -> DltResource:
        progress = Progress(name, client, _DETAILS[name][1])  # one per table, over the pages

        def rows(page: pa.Table) -> Iterator[Any]:
            with planning:
                todo = _reporter_todo(name, page, loaded, full, asked)
            yield from _fetched(client, name, todo, progress)

        hints = _detail_hints(name)
        return dlt.transformer(rows, data_from=reporters, parallelized=True, **hints)

    # A model is observed from the reporters' listing when it carries the tag, from the models
    # listing otherwise: the history's current claim is then the one the reporters table holds.
    claims = [
        _claims_of(models, "model_claims", loaded.claims, tagged=False),
        _claims_of(reporters, "reporter_claims", loaded.claims, tagged=True),
        # Both tables exist after the first load, even empty: the backfill writes to them only.
        _claims_resource(_empty(), "claim_observations"),
        _deletions(_empty()),
    ]
    origin = _load_endpoint(models, client)
    return [models, reporters, origin, *claims, *(details(name) for name in _DETAILS)]


def _load_endpoint(listing: DltResource, client: HubClient) -> DltResource:
    """One `load_endpoints` row per main run: where it loaded from, written once the first page of
    `listing` has arrived (every run lists at least one page), since the answers say what answered
    them. Merged on the load id, so a load job run again after a kill adds nothing."""
    written = False

    def row(page: pa.Table) -> Iterator[dict[str, Any]]:
        nonlocal written
        if not written:
            written = True
            parts = urlsplit(client.endpoint)  # a URL's credentials, if any, stay out of raw
            endpoint = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
            load_id = dlt.current.load_package_state()["load_id"]
            kind = client.endpoint_kind()
            yield {"load_id": load_id, "endpoint": endpoint, "endpoint_kind": kind}

    return dlt.transformer(
        row,
        data_from=listing,
        name="load_endpoints",
        primary_key="load_id",
        write_disposition="merge",
        columns=_columns(**_ENDPOINT_COLUMNS),
    )


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub_backfill(
    client: HubClient, plan: Backfill, claims: dict[str, str] | None = None
) -> Iterable[DltResource]:
    """What `hf_hub` loaded leaves to do (`plan`): the budgeted cards and first commits of models
    that do not report, and a full listing's deletions, observed in the history unless `claims`
    (the last claim hashes, as `Loaded.claims`) already has them deleted. With nothing to do it
    has no resources, and `pipelines.load` skips the run.

    Args:
        client: the HTTP client, as for `hf_hub`.
        plan: what to fetch and record.
        claims: the last claim hashes of the observed models.
    """
    todo = {"model_cards": plan.cards, "model_first_commits": plan.first_commits}
    resources = [
        dlt.resource(_backfilled(client, name, items), **_detail_hints(name))
        for name, items in todo.items()
        if items
    ]
    if plan.deletions:
        resources.append(_deletions(plan.deletions))
    if plan.gone:
        states = [{"model_id": i, "sha": None, **claim_state(None, None, True)} for i in plan.gone]
        resources.append(_claims_resource(_deleted_claims(states, claims or {}), "deleted_claims"))
    return resources


# The listing's arrow types of the history's columns (the dlt types of _OBSERVATION_COLUMNS).
_ARROW_TYPES = {"text": pa.string(), "json": pa.string(), "bool": pa.bool_()}
_CLAIMS_SCHEMA = pa.schema(
    [
        pa.field(name, _ARROW_TYPES[hint["data_type"]], nullable=hint["nullable"])
        for name, hint in _columns(**_OBSERVATION_COLUMNS).items()
    ]
)
# Merged (delete-insert, which also deduplicates the staged rows) on the load that observed a row:
# a load job that a kill -9 left committed in raw.duckdb but not marked done is run again by the
# next load, and must add nothing (insert-only would not: a job run twice stages its rows twice).
_OBSERVATION_DISPOSITION = "merge"
_OBSERVATION_KEY = ("model_id", "load_id")


def _changed_claims(states: list[dict[str, Any]], last: dict[str, str]) -> pa.Table | None:
    """The `states` (rows of model_claim_observations) whose claim hash differs from their model's
    last observation (`last`; a model never observed never claimed): an observation adds a row
    only where the claim changed."""
    changed = [s for s in states if last.get(s["model_id"], NO_CLAIM_HASH) != s["claim_hash"]]
    if not changed:
        return None
    # Called while the package is extracted: its load id is the observation's.
    load_id = dlt.current.load_package_state()["load_id"]
    return pa.Table.from_pylist([{**s, "load_id": load_id} for s in changed], schema=_CLAIMS_SCHEMA)


def _deleted_claims(states: list[dict[str, Any]], last: dict[str, str]) -> Iterator[pa.Table]:
    """The deletion rows of `states` not observed yet, compared when the package is extracted."""
    if (table := _changed_claims(states, last)) is not None:
        yield table


def _claims_of(listing: DltResource, name: str, last: dict[str, str], tagged: bool) -> DltResource:
    """A transformer writing the changed claims of each page of `listing`, for the models that
    carry the co2_eq_emissions tag (`tagged`) or for those that do not."""

    claimed = pa.array(list(last), type=pa.string())

    def rows(page: pa.Table) -> Iterator[pa.Table]:
        listed = _claim_candidates(page, claimed).select(["id", "sha", "tags", "card_data"])
        states = [
            {"model_id": r["id"], "sha": r["sha"], **claim_state(r["tags"], r["card_data"])}
            for r in listed.to_pylist()
            if is_tagged(r["tags"]) == tagged
        ]
        if (table := _changed_claims(states, last)) is not None:
            yield table

    return dlt.transformer(rows, data_from=listing, **_claims_hints(name))


def _claim_candidates(page: pa.Table, claimed: pa.Array) -> pa.Table:
    """The rows of a listing page whose claim can differ from their last observation: those whose
    tags or card metadata mention the emissions key, and those whose last observation claimed
    (`claimed`). Every other row claims nothing, as before: filtered in Arrow, since it is ~99 % of
    the Hub and a claim state per row in Python costs a tenth of the listing's time."""
    mentioned = [
        pc.fill_null(pc.match_substring(page.column(name), settings.EMISSIONS_TAG), False)
        for name in ("tags", "card_data")
    ]
    return page.filter(pc.or_(pc.or_(*mentioned), pc.is_in(page.column("id"), value_set=claimed)))


def _claims_hints(name: str) -> dict[str, Any]:
    """Hints of a resource inserting into model_claim_observations (several resources write it)."""
    return {
        "name": name,
        "table_name": _OBSERVATIONS,
        "primary_key": _OBSERVATION_KEY,
        "write_disposition": _OBSERVATION_DISPOSITION,
        "columns": _columns(**_OBSERVATION_COLUMNS),
    }


def _claims_resource(rows: Any, name: str) -> DltResource:
    return dlt.resource(rows, **_claims_hints(name))


def _empty() -> Iterator[Any]:
    yield dlt.mark.materialize_table_schema()


def _deletions(rows: Iterable[Any]) -> DltResource:
    return dlt.resource(
        rows,
        name="model_deletions",
        primary_key="id",
        write_disposition="merge",
        columns=_columns(**_DELETIONS_COLUMNS),
    )


def _json(value: Any) -> Any:
    """A JSON column as read back from DuckDB (text) as a Python value."""
    return loads(value) if isinstance(value, str | bytes) else value


def _stamped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = _now()
    return [{**row, "fetched_at": now} for row in rows]
