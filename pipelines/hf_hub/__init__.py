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

Every raw table is created by the main run, empty when it has nothing to write (dlt's
`materialize_table_schema`), with exactly the columns of the resources' hints: dlt's schema is the
one definition of the raw tables, which dbt's sources file describes.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from functools import cache, partial
from itertools import islice
from typing import Any

import dlt
import httpx2
import pyarrow as pa
from dlt.sources import DltResource

from hubcarbon_settings import HUB_CREATED_AT_PLACEHOLDER

from . import settings
from .helpers import (
    LISTING_SCHEMA,
    HubClient,
    Progress,
    claim_state,
    dataset_size_bytes,
    detail_status,
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


# Keys bound per query: a few thousand reporters take a few queries.
_KEYS_PER_QUERY = 1000


# What is loaded is read through dlt's own clients in dlt's portable form (tables found by the job
# client, named by the SQL client, `%s` parameters), not pipeline.dataset(): in dlt 1.31 with the
# locked sqlglot 30.30 its relations fail to compile (qualify() rejects dlt's `infer_schema`).
class _Destination:
    """Queries on the destination over one connection, opened by the first query (so nothing
    holds raw.duckdb before), `{table}` placeholders resolved to qualified names. A context
    manager: leaving it closes the connection."""

    def __init__(self, pipeline: dlt.Pipeline):
        self._pipeline = pipeline
        self._connection = ExitStack()
        self._client: Any = None
        self._names: dict[str, str] = {}

    def __enter__(self) -> _Destination:
        return self

    def __exit__(self, *exc: object) -> None:
        self._connection.close()

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        self._connect()
        return self._client.execute_sql(sql.format(**self._names), *params) or []

    def held(self, table: str, columns: str, keys: list[Any], key: str = "model_id") -> set[Any]:
        """The `columns` of `table` held for `keys` (none before the first load created it)."""
        self._connect()
        if table not in self._names:
            return set()
        held: set[Any] = set()
        todo = iter(keys)
        while chunk := list(islice(todo, _KEYS_PER_QUERY)):
            marks = ", ".join(["%s"] * len(chunk))
            held |= set(
                self.query(f"select {columns} from {{{table}}} where {key} in ({marks})", *chunk)
            )
        return held

    def has(self, table: str) -> bool:
        self._connect()
        return table in self._names

    def _connect(self) -> None:
        if self._client is not None:
            return
        # Before the first load the pipeline has no schema: dlt lends an empty one, no tables.
        job = self._connection.enter_context(self._pipeline.destination_client())
        tables = job.schema.data_table_names(include_incomplete=True)
        existing = [table for table, columns in job.get_storage_tables(tables) if columns]
        self._names = {t: job.sql_client.make_qualified_table_name(t) for t in existing}
        self._client = job.sql_client


def _fetch_in_parallel(
    items: Sequence[Any],
    fetch: Callable[[Any], dict[str, Any] | None],
    progress: Progress,
    workers: int,
    batch: int = 500,
) -> Iterator[list[dict[str, Any]]]:
    """Fetch details concurrently, yielding rows stamped with `fetched_at` in batches (None
    results are skipped). At most `4 * workers` requests run ahead of what was yielded, so
    memory stays bounded however long `items` and however slowly the rows are consumed."""
    rows: list[dict[str, Any]] = []
    todo = iter(items)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hf_hub") as pool:
        running = deque(pool.submit(fetch, item) for item in islice(todo, 4 * workers))
        try:
            while running:
                row = running.popleft().result()
                running.extend(pool.submit(fetch, item) for item in islice(todo, 1))
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
    progress.report(done=True)


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


def _budget(columns: str, missing: str, where: str = "true") -> str:
    """SQL: up to `%s` live models that do not report and are `missing` a detail (after the
    parameters of `where`), most recently modified first."""
    return f"""
    select {columns} from {{models}} m
    where {where} and {missing}
      and not exists (select 1 from {{emission_reporters}} r where r.id = m.id)
      and not exists (select 1 from {{model_deletions}} d
                      where d.id = m.id and d.deleted_at is not null)
    order by last_modified desc nulls last, id
    limit %s
    """


# What the backfill fetches, decided from what the destination already holds.
_CARDS_TODO = _budget(
    "id, sha",
    "sha is not null and not exists "
    "(select 1 from {model_cards} c where c.model_id = m.id and c.sha = m.sha)",
)
_FIRST_COMMITS_TODO = _budget(
    "id",
    "not exists (select 1 from {model_first_commits} f where f.model_id = m.id)",
    where="created_at = %s",
)


# Known models the (full) listing `%s` did not list, and deleted ones it listed again.
_GONE = """
    select id from {models} m
    where m._dlt_load_id <> %s
      and not exists (select 1 from {model_deletions} d
                      where d.id = m.id and d.deleted_at is not null)
"""
_BACK = """
    select d.id from {model_deletions} d join {models} m on m.id = d.id
    where d.deleted_at is not null and m._dlt_load_id = %s
"""


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


@dlt.resource(name="emission_reporters", write_disposition="replace")
def _emission_reporters(pages: Callable[[], list[pa.Table]]) -> Iterator[pa.Table]:
    """The models carrying the co2_eq_emissions tag, listed whole on every run (`pages`)."""
    yield from pages()


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


# Not a parallelized @dlt.transformer: dlt's futures pool is sized by its extract settings for
# every resource at once, while each detail table runs `detail_workers` requests in its own
# bounded window (kept by `_fetch_in_parallel`) and yields its rows in batches of 500.
def _detail(
    client: HubClient, name: str, todo: Callable[[], Sequence[Any]], workers: int
) -> DltResource:
    """A resource merging what the fetcher of `name` returns for each of `todo()`, fetched in
    parallel (`todo` is called when the extraction reaches the resource)."""
    primary_key, unit, columns = _DETAILS[name]

    def rows() -> Iterator[Any]:
        items = todo()
        if not items:  # the table still exists, empty, after the first load
            yield from _empty()
            return
        progress = Progress(name, client, unit)
        fetch = partial(_FETCHERS[name], client)
        yield from _fetch_in_parallel(items, fetch, progress, workers)

    return dlt.resource(
        rows,
        name=name,
        primary_key=primary_key,
        write_disposition="merge",
        columns=_columns(**columns, fetched_at="timestamp!"),
    )


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub(
    client: HubClient,
    full: bool = False,
    detail_workers: int = settings.DEFAULT_DETAIL_WORKERS,
) -> Iterable[DltResource]:
    """The Hugging Face Hub's public models, their emission reporters and the reporters' details.

    The source lists the reporters in the background from its creation on (a few requests);
    their details are planned from that listing against what the destination holds, so nothing
    unchanged is fetched twice.

    Args:
        client: the HTTP client (endpoint, token, retries, request counts). The token stays in
            it, out of dlt's config, state and trace.
        full: list every model instead of only those modified since the last run, and refetch
            the named datasets.
        detail_workers: concurrent detail requests.
    """
    pipeline = dlt.current.pipeline()

    # The reporters are listed whole on every run (a few pages), in the background while the
    # models are listed (`listed`, started below); their details are planned from that listing,
    # once, by whichever of these resources the extraction reaches first.
    @cache
    def reporters() -> tuple[list[pa.Table], dict[str, list[Any]]]:
        pages = listed.result()
        table = pa.concat_tables(pages) if pages else LISTING_SCHEMA.empty_table()
        with _Destination(pipeline) as dest:
            plan = _reporter_details(dest, table, full)
        return pages or [table], plan  # no page at all still replaces: with an empty table

    listings = [_models(client, full), _emission_reporters(lambda: reporters()[0])]
    for listing in listings:
        listing.apply_hints(columns=_columns(**_LISTING_COLUMNS))
    claims = _claim_observations(pipeline, listings[0], lambda: reporters()[0])
    details = [
        _detail(client, name, lambda name=name: reporters()[1][name], detail_workers)
        for name in _DETAILS
    ]
    # Written by a full reconciliation's backfill only; created here so that it always exists.
    resources = [*listings, *claims, *details, _deletions(_empty())]

    # Started once the resources exist: creating one, dlt checks whether its data is a pandas
    # frame, which fails while the listing's thread is importing pandas (through pyarrow).
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hf_hub_reporters")
    tagged = {"filter": settings.EMISSIONS_TAG}
    listed = pool.submit(lambda: list(_listing(client, "emission_reporters", tagged, None)))
    pool.shutdown(wait=False)  # the listing goes on; nothing else will be submitted
    return resources


def _claim_observations(
    pipeline: dlt.Pipeline, models: DltResource, reporter_pages: Callable[[], list[pa.Table]]
) -> list[DltResource]:
    """The history rows of the main run: each listed model whose claim changed, from the
    reporters' listing for reporters and from the models listing for every other model (a model in
    both is observed once, as reporter: their listings are seconds apart)."""

    @cache
    def reporter_ids() -> set[str]:
        return {i for page in reporter_pages() for i in page.column("id").to_pylist()}

    def from_models(page: pa.Table) -> Iterator[pa.Table]:
        if (table := _listed_claims(pipeline, page, reporter_ids())) is not None:
            yield table

    def from_reporters() -> Iterator[Any]:
        tables = [
            t for page in reporter_pages() if (t := _listed_claims(pipeline, page)) is not None
        ]
        yield from tables or _empty()  # the table exists after the first load, even empty

    listed = dlt.transformer(from_models, name="model_claims", data_from=models)
    listed.apply_hints(
        table_name=_OBSERVATIONS,
        primary_key=_OBSERVATION_KEY,
        write_disposition=_OBSERVATION_DISPOSITION,
        columns=_columns(**_OBSERVATION_COLUMNS),
    )
    return [listed, _claims_resource(from_reporters, "reporter_claims")]


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub_backfill(
    client: HubClient,
    full: bool = False,
    card_budget: int = settings.DEFAULT_CARD_BUDGET,
    first_commit_budget: int = settings.DEFAULT_FIRST_COMMIT_BUDGET,
    detail_workers: int = settings.DEFAULT_DETAIL_WORKERS,
    listing_load_id: str | None = None,
) -> Iterable[DltResource]:
    """What `hf_hub` loaded leaves to do: the budgeted cards and first commits of models that do
    not report, most recently modified first, and a full listing's deletions. Create it after
    `hf_hub` was loaded (`pipelines.load` does); with nothing to do it has no resources.

    Args:
        client: the HTTP client, as for `hf_hub`.
        full: with `listing_load_id`, reconcile deletions.
        card_budget: cards of non-reporting models fetched per load.
        first_commit_budget: first commits of non-reporting models with the placeholder
            `createdAt` fetched per load.
        detail_workers: concurrent detail requests.
        listing_load_id: the load id of this load's (full) listing; `model_deletions` marks the
            models it did not list.
    """
    # One connection for the whole plan: each new one opens raw.duckdb again.
    with _Destination(dlt.current.pipeline()) as dest:
        todo = {
            "model_cards": dest.query(_CARDS_TODO, card_budget) if card_budget > 0 else [],
            "model_first_commits": dest.query(
                _FIRST_COMMITS_TODO, parse_ts(HUB_CREATED_AT_PLACEHOLDER), first_commit_budget
            )
            if first_commit_budget > 0
            else [],
        }
        resources = [
            _detail(client, name, lambda items=items: items, detail_workers)
            for name, items in todo.items()
            if items
        ]
        if full and listing_load_id:
            now = _now()
            gone = dest.query(_GONE, listing_load_id)
            back = dest.query(_BACK, listing_load_id)
            deletions = [{"id": i, "deleted_at": now} for (i,) in gone]
            deletions += [{"id": i, "deleted_at": None} for (i,) in back]
            if deletions:
                resources.append(_deletions(deletions))
            # A model back in the listing was observed, not deleted, by the main run.
            gone_claims = [
                {"model_id": i, "sha": None, **claim_state(None, None, True)} for (i,) in gone
            ]
            if gone_claims:
                resources.append(_claims_resource(_deleted_claims(gone_claims), "deleted_claims"))
    return resources


def _reporter_details(dest: _Destination, reporters: pa.Table, full: bool) -> dict[str, list[Any]]:
    """What the listed reporters' details need: cards and sizes at their current sha, first
    commits never fetched, datasets named and not known (all of them again when `full`)."""
    rows = reporters.select(["id", "sha", "card_data"]).to_pylist()
    ids = [r["id"] for r in rows]
    current = [(r["id"], r["sha"]) for r in rows if r["sha"]]
    have_card = dest.held("model_cards", "model_id, sha", ids)
    have_size = dest.held("model_sizes", "model_id, sha", ids)
    dated = {i for (i,) in dest.held("model_first_commits", "model_id", ids)}
    named: set[str] = set()
    for r in rows:
        named |= named_datasets(_json(r["card_data"]))
    # Datasets rarely change: refetched only by a full reconciliation, or once no longer refused.
    known: set[str] = set()
    if not full:
        known = {
            i
            for (i, status) in dest.held(
                "dataset_sizes", "dataset_id, status", [*named], "dataset_id"
            )
            if status != "refused"
        }
    return {
        "model_cards": [key for key in current if key not in have_card],
        "model_sizes": [key for key in current if key not in have_size],
        "dataset_sizes": sorted(named - known),
        "model_first_commits": [(i,) for i in ids if i not in dated],
    }


def history_started(pipeline: dlt.Pipeline) -> bool:
    """Whether the destination keeps the history (loads before it existed did not)."""
    with _Destination(pipeline) as dest:
        return dest.has(_OBSERVATIONS)


_CLAIMS_SCHEMA = pa.schema(
    [
        pa.field("model_id", pa.string(), nullable=False),
        ("sha", pa.string()),
        ("tags", pa.string()),
        ("co2_eq_emissions", pa.string()),
        pa.field("is_deleted", pa.bool_(), nullable=False),
        pa.field("claim_hash", pa.string(), nullable=False),
        pa.field("load_id", pa.string(), nullable=False),
    ]
)
# Merged (delete-insert, which also deduplicates the staged rows) on the load that observed a row:
# a load job that a kill -9 left committed in raw.duckdb but not marked done is run again by the
# next load, and must add nothing (insert-only would not: a job run twice stages its rows twice).
_OBSERVATION_DISPOSITION = "merge"
_OBSERVATION_KEY = ("model_id", "load_id")


def _changed_claims(dest: _Destination, states: list[dict[str, Any]]) -> pa.Table | None:
    """The `states` (rows of model_claim_observations) whose claim hash differs from their model's
    last observation: an observation adds a row only where the claim changed."""
    if not states:
        return None
    ids = [s["model_id"] for s in states]
    # Sorted by model, then load: each model's newest observation is written last and wins.
    observed = sorted(dest.held(_OBSERVATIONS, "model_id, load_id, claim_hash", ids))
    last = {model_id: claim_hash for model_id, _, claim_hash in observed}
    changed = [s for s in states if last.get(s["model_id"]) != s["claim_hash"]]
    if not changed:
        return None
    # Called while the package is extracted: its load id is the observation's.
    load_id = dlt.current.load_package_state()["load_id"]
    return pa.Table.from_pylist([{**s, "load_id": load_id} for s in changed], schema=_CLAIMS_SCHEMA)


def _deleted_claims(states: list[dict[str, Any]]) -> Callable[[], Iterator[pa.Table]]:
    """The deletion rows of `states` not observed yet, compared when the package is extracted."""

    def rows() -> Iterator[pa.Table]:
        with _Destination(dlt.current.pipeline()) as dest:
            table = _changed_claims(dest, states)
        yield from [] if table is None else [table]

    return rows


def _listed_claims(
    pipeline: dlt.Pipeline, page: pa.Table, skip: set[str] = frozenset()
) -> pa.Table | None:
    """The changed claims of one listing page, but for the ids in `skip`."""
    rows = page.select(["id", "sha", "tags", "card_data"]).to_pylist()
    states = [
        {"model_id": r["id"], "sha": r["sha"], **claim_state(r["tags"], r["card_data"])}
        for r in rows
        if r["id"] not in skip
    ]
    with _Destination(pipeline) as dest:
        return _changed_claims(dest, states)


def _claims_resource(rows: Any, name: str) -> DltResource:
    """A resource inserting into model_claim_observations (several resources write it)."""
    return dlt.resource(
        rows,
        name=name,
        table_name=_OBSERVATIONS,
        primary_key=_OBSERVATION_KEY,
        write_disposition=_OBSERVATION_DISPOSITION,
        columns=_columns(**_OBSERVATION_COLUMNS),
    )


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
