"""dlt source mining the Hugging Face Hub into the `raw_hub` tables (see docs/architecture.md).

A load is at most two runs of this source:

* the main run: the listings, one request per 1,000 models: `models` (incremental on
  `lastModified`, which the Hub always sorts descending, merged on `id`) and `emission_reporters`
  (the `co2_eq_emissions` tag, listed whole and replaced on every run so downloads and likes stay
  fresh); with them, the reporters' details that the destination does not hold yet:
  `model_cards`, `model_sizes`, `dataset_sizes` and `model_first_commits`;
* the backfill (`backfill=True`), planned from what the main run loaded: the per-run budgets of
  cards and first commits of models that do not report, most recently modified first, and, on a
  full reconciliation, `model_deletions`. With nothing to do it has no resources, and a load
  skips the run.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from typing import Any

import dlt
import httpx2
import pyarrow as pa
from dlt.sources import DltResource

from . import settings
from .helpers import (
    LISTING_SCHEMA,
    HubClient,
    Progress,
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
        name: {"data_type": t.rstrip("!"), "nullable": not t.endswith("!")}
        for name, t in types.items()
    }


# Stand-ins for tables not created yet (the details of a first run).
_EMPTY = {
    "model_cards": "select null::varchar as model_id, null::varchar as sha where false",
    "model_sizes": "select null::varchar as model_id, null::varchar as sha where false",
    "dataset_sizes": "select null::varchar as dataset_id, null::varchar as status where false",
    "model_first_commits": "select null::varchar as model_id where false",
    "model_deletions": "select null::varchar as id, null::timestamptz as deleted_at where false",
    "emission_reporters": "select null::varchar as id where false",
    "models": "select null::varchar as id, null::varchar as sha, null::timestamptz as created_at, "
    "null::timestamptz as last_modified, null::varchar as _dlt_load_id where false",
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


class _Destination:
    """Queries on the destination over one connection, opened by the first query (so nothing
    holds raw.duckdb before), `{table}` placeholders resolved to qualified names (or to empty
    stand-ins for tables not created yet). A context manager: leaving it closes the connection."""

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
        if self._client is None:
            self._connect()
        return self._client.execute_sql(sql.format(**self._names), *params) or []

    def _connect(self) -> None:
        client = self._connection.enter_context(self._pipeline.sql_client())
        existing = {
            row[0]
            for row in client.execute_sql(
                "select table_name from information_schema.tables where table_schema = ?",
                client.dataset_name,
            )
        }
        self._names = {
            table: client.make_qualified_table_name(table)
            if table in existing
            else f"({_EMPTY[table]})"
            for table in _EMPTY
        }
        self._client = client


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
        {"model_id": "text!", "sha": "text!", "status": "text!"},
    ),
    "model_sizes": (
        ("model_id", "sha"),
        "models",
        {
            "model_id": "text!",
            "sha": "text!",
            "parameters": "bigint",
            "weight_files_bytes": "bigint",
            "pytorch_model_bin_bytes": "bigint",
            "used_storage_bytes": "bigint",
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


def _budget(columns: str, missing: str, where: str = "true") -> str:
    """SQL: up to `?` live models that do not report and are `missing` a detail (after the
    parameters of `where`), most recently modified first."""
    return f"""
    select {columns} from {{models}} m
    where {where} and {missing}
      and not exists (select 1 from {{emission_reporters}} r where r.id = m.id)
      and not exists (select 1 from {{model_deletions}} d
                      where d.id = m.id and d.deleted_at is not null)
    order by last_modified desc nulls last, id
    limit ?
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
    where="created_at = ?::timestamptz",
)


def _held(table: str, columns: str, key: str = "model_id") -> str:
    """SQL: the `columns` of `table` the destination holds for the `?` list of `key`s."""
    return f"select {columns} from {{{table}}} where {key} in (select unnest(?))"


# Known models the (full) listing `?` did not list, and deleted ones it listed again.
_GONE = """
    select id from {models} m
    where m._dlt_load_id <> ?
      and not exists (select 1 from {model_deletions} d
                      where d.id = m.id and d.deleted_at is not null)
"""
_BACK = """
    select d.id from {model_deletions} d join {models} m on m.id = d.id
    where d.deleted_at is not null and m._dlt_load_id = ?
"""


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub(
    client: HubClient,
    full: bool = False,
    backfill: bool = False,
    card_budget: int = settings.DEFAULT_CARD_BUDGET,
    first_commit_budget: int = settings.DEFAULT_FIRST_COMMIT_BUDGET,
    detail_workers: int = settings.DEFAULT_DETAIL_WORKERS,
    listing_load_id: str | None = None,
) -> Iterable[DltResource]:
    """The Hugging Face Hub's public models, their emission reporters and their details.

    The main source lists the reporters in the background from its creation on (a few
    requests); their details are planned from that listing against what the destination holds,
    so nothing unchanged is fetched twice.

    Args:
        client: the HTTP client (endpoint, token, retries, request counts). The token stays in
            it, out of dlt's config, state and trace.
        full: list every model instead of only those modified since the last run (and refetch
            the named datasets); with `backfill` and `listing_load_id`, reconcile deletions.
        backfill: instead of the main run, the budgeted details of models that do not report
            (and deletions): create it after the main run was loaded (`pipelines.load` does).
        card_budget: cards of non-reporting models fetched per load, most recently modified
            first.
        first_commit_budget: first commits of non-reporting models with the placeholder
            `createdAt` fetched per load.
        detail_workers: concurrent detail requests.
        listing_load_id: the load id of this load's (full) listing; `model_deletions` marks the
            models it did not list.
    """

    def listing(name: str, params: dict[str, Any], since: datetime | None) -> Iterator[Any]:
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

    listing_columns = _columns(tags="json", card_data="json")  # verbatim, never flattened

    @dlt.resource(
        name="models", primary_key="id", write_disposition="merge", columns=listing_columns
    )
    def models() -> Iterator[Any]:
        state = dlt.current.resource_state()
        since = None if full else parse_ts(state.get(_CURSOR))
        newest = since
        for table in listing("models", {}, since):
            top = table.column("last_modified")[0].as_py()
            newest = top if newest is None or (top and top > newest) else newest
            yield table
        if newest is not None:  # committed with the load package, so a crash keeps the old one
            state[_CURSOR] = newest.isoformat()

    def fetch_card(item: tuple[str, str]) -> dict[str, Any] | None:
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

    def fetch_size(item: tuple[str, str]) -> dict[str, Any] | None:
        model_id, sha = item
        info = client.get_json(
            f"/api/models/{quote_id(model_id)}", "model_sizes", {"blobs": "true"}
        )
        if not isinstance(info, dict):
            return None  # deleted since the listing
        # Keyed by the revision actually measured (the listing's sha may be older).
        return {"model_id": model_id, "sha": info.get("sha") or sha, **model_size_row(info)}

    def fetch_dataset(dataset_id: str) -> dict[str, Any]:
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

    def fetch_first_commit(item: tuple[str]) -> dict[str, Any] | None:
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

    fetchers = {
        "model_cards": fetch_card,
        "model_sizes": fetch_size,
        "dataset_sizes": fetch_dataset,
        "model_first_commits": fetch_first_commit,
    }

    def detail(name: str, todo: Callable[[], Sequence[Any]]) -> DltResource:
        """A resource merging what the fetcher of `name` returns for each of `todo()`, fetched
        in parallel (`todo` is called when the extraction reaches the resource)."""
        primary_key, unit, columns = _DETAILS[name]

        def rows() -> Iterator[list[dict[str, Any]]]:
            items = todo()
            if items:
                progress = Progress(name, client, unit)
                yield from _fetch_in_parallel(items, fetchers[name], progress, detail_workers)

        return dlt.resource(
            rows,
            name=name,
            primary_key=primary_key,
            write_disposition="merge",
            columns=_columns(**columns, fetched_at="timestamp!"),
        )

    pipeline = dlt.current.pipeline()
    if backfill:
        # One connection for the whole plan: each new one opens raw.duckdb again.
        with _Destination(pipeline) as dest:
            return _backfill(dest, detail, full, card_budget, first_commit_budget, listing_load_id)

    # The reporters are listed whole on every run (a few pages), in the background while the
    # models are listed; their details are planned from that listing, once, by whichever of
    # these resources the extraction reaches first.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hf_hub_reporters")
    listed = pool.submit(
        lambda: list(listing("emission_reporters", {"filter": settings.EMISSIONS_TAG}, None))
    )
    pool.shutdown(wait=False)  # the listing goes on; nothing else will be submitted

    @cache
    def reporters() -> tuple[list[pa.Table], dict[str, list[Any]]]:
        pages = listed.result()
        table = pa.concat_tables(pages) if pages else LISTING_SCHEMA.empty_table()
        with _Destination(pipeline) as dest:
            plan = _reporter_details(dest, table, full)
        return pages or [table], plan  # no page at all still replaces: with an empty table

    @dlt.resource(name="emission_reporters", write_disposition="replace", columns=listing_columns)
    def emission_reporters() -> Iterator[Any]:
        yield from reporters()[0]

    details = [detail(name, lambda name=name: reporters()[1][name]) for name in _DETAILS]
    return [models, emission_reporters, *details]


def _reporter_details(dest: _Destination, reporters: pa.Table, full: bool) -> dict[str, list[Any]]:
    """What the listed reporters' details need: cards and sizes at their current sha, first
    commits never fetched, datasets named and not known (all of them again when `full`)."""
    rows = reporters.select(["id", "sha", "card_data", "tags"]).to_pylist()
    ids = [r["id"] for r in rows]
    current = [(r["id"], r["sha"]) for r in rows if r["sha"]]
    have_card = set(dest.query(_held("model_cards", "model_id, sha"), ids))
    have_size = set(dest.query(_held("model_sizes", "model_id, sha"), ids))
    dated = {i for (i,) in dest.query(_held("model_first_commits", "model_id"), ids)}
    named: set[str] = set()
    for r in rows:
        named |= named_datasets(_json(r["card_data"]), _json(r["tags"]))
    # Datasets rarely change: refetched only by a full reconciliation, or once readable.
    known: set[str] = set()
    if not full:
        held = dest.query(
            _held("dataset_sizes", "dataset_id", key="dataset_id") + " and status <> 'refused'",
            [*named],
        )
        known = {i for (i,) in held}
    return {
        "model_cards": [key for key in current if key not in have_card],
        "model_sizes": [key for key in current if key not in have_size],
        "dataset_sizes": sorted(named - known),
        "model_first_commits": [(i,) for i in ids if i not in dated],
    }


def _backfill(
    dest: _Destination,
    detail: Callable[[str, Callable[[], Sequence[Any]]], DltResource],
    full: bool,
    card_budget: int,
    first_commit_budget: int,
    listing_load_id: str | None,
) -> list[DltResource]:
    """The budgeted details of models that do not report, and a full listing's deletions."""
    todo = {
        "model_cards": dest.query(_CARDS_TODO, card_budget) if card_budget > 0 else [],
        "model_first_commits": dest.query(
            _FIRST_COMMITS_TODO, settings.CREATED_AT_PLACEHOLDER, first_commit_budget
        )
        if first_commit_budget > 0
        else [],
    }
    resources = [detail(name, lambda items=items: items) for name, items in todo.items() if items]
    if full and listing_load_id:
        now = _now()
        deletions = [{"id": i, "deleted_at": now} for (i,) in dest.query(_GONE, listing_load_id)]
        deletions += [{"id": i, "deleted_at": None} for (i,) in dest.query(_BACK, listing_load_id)]
        if deletions:
            resources.append(
                dlt.resource(
                    deletions,
                    name="model_deletions",
                    primary_key="id",
                    write_disposition="merge",
                    columns=_columns(id="text!", deleted_at="timestamp"),
                )
            )
    return resources


def _json(value: Any) -> Any:
    """A JSON column as read back from DuckDB (text) as a Python value."""
    return loads(value) if isinstance(value, str | bytes) else value


def _stamped(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now = _now()
    return [{**row, "fetched_at": now} for row in rows]
