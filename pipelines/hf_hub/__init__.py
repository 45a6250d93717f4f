"""dlt source mining the Hugging Face Hub into the `raw_hub` tables (see docs/architecture.md).

Two kinds of resources:

* listings, one request per 1,000 models: `models` (incremental on `lastModified`, which the Hub
  always sorts descending, merged on `id`) and `emission_reporters` (the `co2_eq_emissions` tag,
  replaced on every run so downloads and likes stay fresh);
* details, one or more requests per repository: `model_cards`, `model_sizes`, `dataset_sizes`,
  `model_first_commits` and, on a full reconciliation, `model_deletions`. They decide what to
  fetch from what the destination already holds, so run them after the listing has been loaded
  (`pipelines.load` does): nothing unchanged is ever fetched twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import dlt
import httpx2
from dlt.sources import DltResource

from . import settings
from .helpers import (
    HubClient,
    Progress,
    dataset_size_bytes,
    listing_table,
    loads,
    model_size_row,
    named_datasets,
    parse_ts,
    quote_id,
)

LISTING_RESOURCES = ("models", "emission_reporters")
DETAIL_RESOURCES = ("model_cards", "model_sizes", "dataset_sizes", "model_first_commits")


def _columns(**types: str) -> dict[str, dict[str, Any]]:
    """Column hints (fresh dicts: dlt writes into them). A `!` suffix makes a column non-null."""
    return {
        name: {"data_type": t.rstrip("!"), "nullable": not t.endswith("!")}
        for name, t in types.items()
    }


# Stand-ins for detail tables that have not been created yet (first run).
_EMPTY = {
    "model_cards": "select null::varchar as model_id, null::varchar as sha where false",
    "model_sizes": "select null::varchar as model_id, null::varchar as sha where false",
    "dataset_sizes": "select null::varchar as dataset_id where false",
    "model_first_commits": "select null::varchar as model_id where false",
    "model_deletions": "select null::varchar as id, null::timestamptz as deleted_at where false",
    "emission_reporters": "select null::varchar as id, null::varchar as sha, "
    "null::json as card_data, null::json as tags where false",
    "models": "select null::varchar as id, null::varchar as sha, null::timestamptz as created_at, "
    "null::timestamptz as last_modified, null::varchar as _dlt_load_id where false",
}


class _ExpectedJsonHints(logging.Filter):
    """dlt warns on every Arrow page that our `json` hints override Arrow's `string`: intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "when merging arrow schema" not in record.getMessage()


logging.getLogger("dlt").addFilter(_ExpectedJsonHints())


def _now() -> datetime:
    return datetime.now(UTC)


def _query(sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run `sql` on the destination, `{table}` placeholders resolved to qualified names (or to
    empty stand-ins for tables not created yet)."""
    pipeline = dlt.current.pipeline()
    with pipeline.sql_client() as client:
        existing = {
            row[0]
            for row in client.execute_sql(
                "select table_name from information_schema.tables where table_schema = ?",
                client.dataset_name,
            )
        }
        names = {
            table: client.make_qualified_table_name(table)
            if table in existing
            else f"({_EMPTY[table]})"
            for table in (*LISTING_RESOURCES, *DETAIL_RESOURCES, "model_deletions")
        }
        return client.execute_sql(sql.format(**names), *params) or []


def _fetch_in_parallel(
    items: Sequence[Any],
    fetch: Callable[[Any], dict[str, Any] | None],
    progress: Progress,
    workers: int,
    batch: int = 500,
) -> Iterator[list[dict[str, Any]]]:
    """Fetch details concurrently, yielding rows in batches (None results are skipped)."""
    rows: list[dict[str, Any]] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hf_hub") as pool:
        for row in pool.map(fetch, items):
            progress.add(1)
            if row is not None:
                rows.append(row)
            if len(rows) >= batch:
                yield rows
                rows = []
    if rows:
        yield rows
    progress.report(done=True)


@dlt.source(name="hf_hub", max_table_nesting=0)
def hf_hub(
    client: HubClient,
    full: bool = False,
    card_budget: int = settings.DEFAULT_CARD_BUDGET,
    first_commit_budget: int = settings.DEFAULT_FIRST_COMMIT_BUDGET,
    detail_workers: int = settings.DEFAULT_DETAIL_WORKERS,
    listing_load_id: str | None = None,
) -> Iterable[DltResource]:
    """The Hugging Face Hub's public models, their emission reporters and their details.

    Args:
        client: the HTTP client (endpoint, token, retries, request counts). The token stays in
            it, out of dlt's config, state and trace.
        full: list every model instead of only those modified since the last run; with
            `listing_load_id`, also reconcile deletions.
        card_budget: cards of non-reporting models fetched per run, most recently modified first.
        first_commit_budget: first commits of non-reporting models with the placeholder
            `createdAt` fetched per run.
        detail_workers: concurrent detail requests.
        listing_load_id: the load id of this run's (full) listing; `model_deletions` marks the
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
        since = None if full else parse_ts(state.get("last_modified"))
        newest = since
        for table in listing("models", {}, since):
            top = table.column("last_modified")[0].as_py()
            newest = top if newest is None or (top and top > newest) else newest
            yield table
        if newest is not None:  # committed with the load package, so a crash keeps the old one
            state["last_modified"] = newest.isoformat()

    @dlt.resource(name="emission_reporters", write_disposition="replace", columns=listing_columns)
    def emission_reporters() -> Iterator[Any]:
        yield from listing("emission_reporters", {"filter": settings.EMISSIONS_TAG}, None)

    @dlt.resource(
        name="model_cards",
        primary_key=("model_id", "sha"),
        write_disposition="merge",
        columns=_columns(model_id="text!", sha="text!", status="text!", fetched_at="timestamp!"),
    )
    def model_cards() -> Iterator[list[dict[str, Any]]]:
        todo = _query(
            """
            select id, sha from {emission_reporters} r
            where sha is not null
              and not exists (select 1 from {model_cards} c
                              where c.model_id = r.id and c.sha = r.sha)
            union all
            (select id, sha from {models} m
             where sha is not null
               and not exists (select 1 from {model_cards} c
                               where c.model_id = m.id and c.sha = m.sha)
               and not exists (select 1 from {emission_reporters} r where r.id = m.id)
               and not exists (select 1 from {model_deletions} d
                               where d.id = m.id and d.deleted_at is not null)
             order by last_modified desc nulls last, id
             limit ?)
            """,
            card_budget,
        )

        def fetch(item: tuple[str, str]) -> dict[str, Any] | None:
            model_id, sha = item
            # One request in the "resolvers" bucket (the largest quota), straight to the file;
            # hf_hub_download would add a HEAD and a write to the local cache per card.
            url = f"/{quote_id(model_id)}/resolve/{sha}/README.md"
            response = client.get(url, "model_cards")
            if response.status_code == 404:
                status, text = "missing", None
            elif response.is_success:
                status, text = "ok", response.content.decode("utf-8", errors="replace")
            else:  # e.g. 401/403: not knowable now, try again on the next run
                return None
            return {"model_id": model_id, "sha": sha, "status": status, "card_text": text}

        yield from _stamp(
            _fetch_in_parallel(
                todo, fetch, Progress("model_cards", client, "cards"), detail_workers
            )
        )

    @dlt.resource(
        name="model_sizes",
        primary_key=("model_id", "sha"),
        write_disposition="merge",
        columns=_columns(
            model_id="text!",
            sha="text!",
            parameters="bigint",
            weight_files_bytes="bigint",
            pytorch_model_bin_bytes="bigint",
            used_storage_bytes="bigint",
            fetched_at="timestamp!",
        ),
    )
    def model_sizes() -> Iterator[list[dict[str, Any]]]:
        todo = _query(
            """
            select id, sha from {emission_reporters} r
            where sha is not null
              and not exists (select 1 from {model_sizes} s
                              where s.model_id = r.id and s.sha = r.sha)
            """
        )

        def fetch(item: tuple[str, str]) -> dict[str, Any] | None:
            model_id, sha = item
            info = client.get_json(
                f"/api/models/{quote_id(model_id)}", "model_sizes", {"blobs": "true"}
            )
            if not isinstance(info, dict):
                return None  # deleted since the listing
            # Keyed by the revision actually measured (the listing's sha may be older).
            return {"model_id": model_id, "sha": info.get("sha") or sha, **model_size_row(info)}

        yield from _stamp(
            _fetch_in_parallel(
                todo, fetch, Progress("model_sizes", client, "models"), detail_workers
            )
        )

    @dlt.resource(
        name="dataset_sizes",
        primary_key="dataset_id",
        write_disposition="merge",
        columns=_columns(
            dataset_id="text!",
            sha="text",
            status="text!",
            dataset_size_bytes="bigint",
            used_storage_bytes="bigint",
            fetched_at="timestamp!",
        ),
    )
    def dataset_sizes() -> Iterator[list[dict[str, Any]]]:
        named: set[str] = set()
        for card_data, tags in _query("select card_data, tags from {emission_reporters}"):
            named |= named_datasets(_json(card_data), _json(tags))
        # Datasets rarely change: refetched only by a full reconciliation.
        known = set() if full else {i for (i,) in _query("select dataset_id from {dataset_sizes}")}

        def fetch(dataset_id: str) -> dict[str, Any]:
            info = client.get_json(f"/api/datasets/{quote_id(dataset_id)}", "dataset_sizes")
            if not isinstance(info, dict):
                return {"dataset_id": dataset_id, "sha": None, "status": "missing"}
            return {
                "dataset_id": dataset_id,
                "sha": info.get("sha"),
                "status": "ok",
                "dataset_size_bytes": dataset_size_bytes(info.get("cardData")),
                "used_storage_bytes": info.get("usedStorage")
                if isinstance(info.get("usedStorage"), int)
                else None,
            }

        todo = sorted(named - known)
        yield from _stamp(
            _fetch_in_parallel(
                todo, fetch, Progress("dataset_sizes", client, "datasets"), detail_workers
            )
        )

    @dlt.resource(
        name="model_first_commits",
        primary_key="model_id",
        write_disposition="merge",
        columns=_columns(
            model_id="text!",
            first_commit_id="text",
            first_commit_at="timestamp",
            fetched_at="timestamp!",
        ),
    )
    def model_first_commits() -> Iterator[list[dict[str, Any]]]:
        todo = _query(
            """
            select id from {emission_reporters} r
            where not exists (select 1 from {model_first_commits} f where f.model_id = r.id)
            union all
            (select id from {models} m
             where created_at = ?::timestamptz
               and not exists (select 1 from {model_first_commits} f where f.model_id = m.id)
               and not exists (select 1 from {emission_reporters} r where r.id = m.id)
               and not exists (select 1 from {model_deletions} d
                               where d.id = m.id and d.deleted_at is not null)
             order by last_modified desc nulls last, id
             limit ?)
            """,
            settings.CREATED_AT_PLACEHOLDER,
            first_commit_budget,
        )

        def fetch(item: tuple[str]) -> dict[str, Any] | None:
            (model_id,) = item
            path = f"/api/models/{quote_id(model_id)}/commits/main"
            last: list[Any] = []
            try:
                for page in client.paginate(path, "model_first_commits"):
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

        yield from _stamp(
            _fetch_in_parallel(
                todo, fetch, Progress("model_first_commits", client, "models"), detail_workers
            )
        )

    @dlt.resource(
        name="model_deletions",
        primary_key="id",
        write_disposition="merge",
        columns=_columns(id="text!", deleted_at="timestamp"),
    )
    def model_deletions() -> Iterator[list[dict[str, Any]]]:
        if not (full and listing_load_id):
            return
        now = _now()
        gone = _query(
            """
            select id from {models} m
            where m._dlt_load_id <> ?
              and not exists (select 1 from {model_deletions} d
                              where d.id = m.id and d.deleted_at is not null)
            """,
            listing_load_id,
        )
        back = _query(
            """
            select d.id from {model_deletions} d join {models} m on m.id = d.id
            where d.deleted_at is not null and m._dlt_load_id = ?
            """,
            listing_load_id,
        )
        rows = [{"id": i, "deleted_at": now} for (i,) in gone]
        rows += [{"id": i, "deleted_at": None} for (i,) in back]
        Progress("model_deletions", client, "models").add(len(rows))
        if rows:
            yield rows

    return (
        models,
        emission_reporters,
        model_cards,
        model_sizes,
        dataset_sizes,
        model_first_commits,
        model_deletions,
    )


def _json(value: Any) -> Any:
    """A JSON column as read back from DuckDB (text) as a Python value."""
    return loads(value) if isinstance(value, str | bytes) else value


def _stamp(batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
    for rows in batches:
        now = _now()
        yield [{**row, "fetched_at": now} for row in rows]
