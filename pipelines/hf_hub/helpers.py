"""HTTP to the Hub (pagination, rate limits, retries, request counting) and row shaping."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

import httpx2
import orjson
import pyarrow as pa
from huggingface_hub.utils import build_hf_headers, get_session, parse_ratelimit_headers

from . import settings

log = logging.getLogger("hubcarbon.load")


class HubUnreachable(RuntimeError):
    """The endpoint does not accept connections: nothing was loaded."""


class HubGaveUp(RuntimeError):
    """A request kept failing (5xx, timeouts, 429) for longer than the configured wait budget."""


def hub_endpoint() -> str:
    """The Hub URL, read at call time so tests can point HF_ENDPOINT at a fresh server."""
    return os.environ.get("HF_ENDPOINT", settings.DEFAULT_ENDPOINT).rstrip("/")


def check_reachable(endpoint: str, timeout: float = settings.CONNECT_TIMEOUT_S) -> None:
    """Open (and close) a TCP connection: costs no API request and fails within `timeout`."""
    parts = urlsplit(endpoint)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            pass
    except OSError as err:
        raise HubUnreachable(
            f"Cannot reach the Hub at {endpoint} ({err.strerror or err}). Nothing was loaded. "
            "Set HF_ENDPOINT to a reachable Hub (or mirror), or run `make demo` for the offline "
            "pipeline on the bundled snapshot."
        ) from None


class HubClient:
    """GET requests to the Hub through huggingface_hub's shared session.

    Counts requests per label (the resource asking), retries 5xx/timeouts with exponential
    backoff, waits out 429s using the `RateLimit` reset (or `Retry-After`), paces requests when
    the remaining quota of a rate-limit bucket runs low, and gives up after `max_wait` seconds
    spent waiting for one request. The token lives only in the request headers: never in
    attributes dlt could serialise, nor in messages.

    Detail requests run in one pool of `workers` threads (`submit`), whatever the number of
    pages and tables asking: the concurrency the Hub sees, and the loader's threads, stay the
    same from 1,000 reporters to 100,000. Use as a context manager (or `close()`) to stop it.
    """

    def __init__(
        self,
        endpoint: str,
        token: str | None = None,
        max_wait: float | None = None,
        workers: int = settings.DEFAULT_DETAIL_WORKERS,
    ):
        self.endpoint = endpoint.rstrip("/")
        self.max_wait = settings.DEFAULT_MAX_WAIT_S if max_wait is None else max_wait
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hf_hub")
        self.requests: Counter[str] = Counter()
        self.rate_limit_waits = 0
        self.rate_limit_wait_s = 0.0
        self.replay_corpus: str | None = None  # the imitation's corpus, from its first answer
        self._answered = False
        self._headers = build_hf_headers(token=token or False, library_name="hubcarbon")
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}  # bucket -> earliest time of the next request
        self._interval: dict[str, float] = {}  # bucket -> pacing interval while quota is low

    def __repr__(self) -> str:
        return f"HubClient({self.endpoint!r})"

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the detail pool: queued requests are dropped, running ones end on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def submit(self, fetch: Callable[[Any], Any], item: Any) -> Future[Any]:
        """Run `fetch(item)` (which sends its requests through this client) in the detail pool."""
        return self._pool.submit(fetch, item)

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.endpoint + path

    def get(
        self, path: str, label: str, params: Mapping[str, Any] | None = None
    ) -> httpx2.Response:
        """GET with retries. Returns any final response (2xx or a non-retryable 4xx)."""
        url = self.url(path)
        bucket = "resolvers" if "/resolve/" in url else "api"
        waited, attempt = 0.0, 0
        while True:
            attempt += 1
            self._pace(bucket)
            with self._lock:
                self.requests[label] += 1
            try:
                response = get_session().get(
                    url,
                    params=params,
                    headers=self._headers,
                    timeout=settings.REQUEST_TIMEOUT_S,
                    follow_redirects=True,
                )
            except (httpx2.TimeoutException, httpx2.NetworkError, httpx2.RemoteProtocolError) as e:
                problem, delay = f"{type(e).__name__}", self._backoff(attempt)
            else:
                self._learn_quota(response)
                self._learn_origin(response)
                if response.status_code not in settings.RETRY_STATUS:
                    return response
                problem = f"HTTP {response.status_code}"
                delay = self._retry_delay(response, attempt)
            if waited + delay > self.max_wait:
                raise HubGaveUp(
                    f"Giving up on GET {url}: {problem} after {attempt} attempts and "
                    f"{waited:.0f}s of waiting (limit {self.max_wait:.0f}s; set "
                    "sources.hf_hub.max_wait, or SOURCES__HF_HUB__MAX_WAIT, to wait longer)."
                )
            if problem == "HTTP 429":
                with self._lock:
                    self.rate_limit_waits += 1
                    self.rate_limit_wait_s += delay
                log.warning("%s: rate limited by the Hub, waiting %.0fs", label, delay)
            else:
                log.warning("%s: %s on %s, retry %d in %.1fs", label, problem, url, attempt, delay)
            time.sleep(delay)
            waited += delay

    def _learn_origin(self, response: httpx2.Response) -> None:
        """Remember what the first answer says of the server: the corpus an imitation of the Hub
        announces (the real Hub announces none)."""
        with self._lock:
            if not self._answered:
                self._answered = True
                self.replay_corpus = response.headers.get(settings.REPLAY_CORPUS_HEADER)

    def endpoint_kind(self) -> str:
        """What this client loads from (settings.ENDPOINT_KINDS), once the Hub answered: the
        imitation's bundled snapshot, the real Hub (its host), or another endpoint."""
        if self.replay_corpus == settings.BUNDLED_CORPUS:
            return "bundled_snapshot"
        if urlsplit(self.endpoint).hostname == urlsplit(settings.DEFAULT_ENDPOINT).hostname:
            return "huggingface_hub"
        return "other_endpoint"

    def get_json(self, path: str, label: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET a JSON document; None when the Hub answers 404 (and other client errors)."""
        response = self.get(path, label, params)
        if response.status_code == 404:
            return None
        if response.is_client_error:
            log.warning("%s: HTTP %d for %s, skipped", label, response.status_code, path)
            return None
        response.raise_for_status()
        return loads(response.content)

    def paginate(
        self,
        path: str,
        label: str,
        params: Mapping[str, Any] | None = None,
        last: Callable[[list[Any]], bool] | None = None,
    ) -> Iterator[list[Any]]:
        """Pages of a listing, following the `Link: <...>; rel="next"` header to the end, or
        to the first page for which `last(page)` holds.

        The next page is requested before the current one is yielded, so the Hub prepares it
        while the caller processes this one.
        """
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hf_hub_page") as prefetch:
            pending = prefetch.submit(self.get, self.url(path), label, params)
            while pending is not None:
                response = pending.result()
                response.raise_for_status()
                page = loads(response.content)
                # The next link already carries every query parameter.
                url = response.links.get("next", {}).get("url")
                done = not url or (last is not None and last(page))
                pending = None if done else prefetch.submit(self.get, url, label)
                yield page

    @staticmethod
    def _backoff(attempt: int) -> float:
        return min(settings.BACKOFF_MAX_S, settings.BACKOFF_BASE_S * 2 ** (attempt - 1))

    def _retry_delay(self, response: httpx2.Response, attempt: int) -> float:
        if response.status_code == 429:
            info = parse_ratelimit_headers(response.headers)
            if info is not None:
                return info.reset_in_seconds + 1.0  # +1s: the reset is rounded down to seconds
            retry_after = response.headers.get("retry-after", "")
            if retry_after.strip().isdigit():
                return float(retry_after)
        return self._backoff(attempt)

    def _learn_quota(self, response: httpx2.Response) -> None:
        """Spread the remaining quota over the rest of the window once it runs low."""
        info = parse_ratelimit_headers(response.headers)
        if info is None:
            return
        low = max(1, int((info.limit or 0) * settings.PACE_BELOW_SHARE))
        interval = info.reset_in_seconds / (info.remaining + 1) if info.remaining < low else 0.0
        with self._lock:
            if interval and not self._interval.get(info.resource_type):
                log.info(
                    "%s quota low (%d left, reset in %ds): pacing requests",
                    info.resource_type,
                    info.remaining,
                    info.reset_in_seconds,
                )
            self._interval[info.resource_type] = interval

    def _pace(self, bucket: str) -> None:
        with self._lock:
            interval = self._interval.get(bucket, 0.0)
            if not interval:
                return
            now = time.monotonic()
            slot = max(now, self._next_slot.get(bucket, now))
            self._next_slot[bucket] = slot + interval
        if slot > now:
            time.sleep(slot - now)


class Progress:
    """Throttled, line-based progress on stderr: readable in a terminal and in CI logs."""

    def __init__(self, resource: str, client: HubClient, unit: str = "rows"):
        self.resource, self.client, self.unit = resource, client, unit
        self.pages = self.rows = 0
        self._started = self._last = time.monotonic()
        self._lock = threading.Lock()  # a detail table's pages are fetched in parallel

    def add(self, rows: int, pages: int = 0) -> None:
        with self._lock:
            self.rows += rows
            self.pages += pages
            due = time.monotonic() - self._last >= settings.PROGRESS_EVERY_S
            if due:
                self._last = time.monotonic()
        if due:
            self.report()

    def report(self, done: bool = False) -> None:
        self._last = time.monotonic()
        elapsed = self._last - self._started
        log.info(
            "%s: %s%s %s, %d requests, %d rate-limit waits (%.0fs), %.0fs",
            self.resource,
            "done, " if done else "",
            f"{self.pages:,} pages, " if self.pages else "",
            f"{self.rows:,} {self.unit}",
            self.client.requests[self.resource],
            self.client.rate_limit_waits,
            self.client.rate_limit_wait_s,
            elapsed,
        )


def loads(content: bytes) -> Any:
    """Parse JSON fast; fall back to the standard library for what orjson rejects."""
    try:
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        return json.loads(content)


def dumps(value: Any) -> str | None:
    """JSON text of a Hub value kept verbatim (None stays SQL NULL)."""
    if value is None:
        return None
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # integers beyond 64 bits, which YAML cards can contain
        return json.dumps(value)


def quote_id(repo_id: str) -> str:
    return quote(repo_id, safe="/")


def parse_ts(value: Any) -> datetime | None:
    """An ISO-8601 Hub timestamp (`...Z`) as an aware datetime; None if absent or malformed."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):  # `gated` is false | "auto" | "manual"
        return "true" if value else "false"
    return str(value)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


_TIMESTAMP = pa.timestamp("us", tz="UTC")


def _timestamps(values: list[Any]) -> pa.Array:
    """ISO-8601 timestamps as Arrow parses them, in one call; a page holding one Arrow rejects
    (malformed, or without a zone) is parsed value by value as `parse_ts` does."""
    try:
        return pa.array(values, pa.string()).cast(_TIMESTAMP)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([parse_ts(v) for v in values], _TIMESTAMP)


# The raw `models` columns of a listing page, each once: name, Arrow type, the Hub's property and
# how one value of it is kept (None: as given; a timestamp column is parsed by Arrow, whole). The
# JSON columns are text: card metadata of any shape stays verbatim (no flattening, no variant
# columns).
_LISTING_FIELDS: tuple[tuple[str, pa.DataType, str, Callable[[Any], Any] | None], ...] = (
    ("id", pa.string(), "id", None),
    ("author", pa.string(), "author", _text),
    ("sha", pa.string(), "sha", _text),
    ("created_at", _TIMESTAMP, "createdAt", None),
    ("last_modified", _TIMESTAMP, "lastModified", None),
    ("downloads", pa.int64(), "downloads", _int),
    ("downloads_all_time", pa.int64(), "downloadsAllTime", _int),
    ("likes", pa.int64(), "likes", _int),
    ("tags", pa.string(), "tags", dumps),
    ("pipeline_tag", pa.string(), "pipeline_tag", _text),
    ("library_name", pa.string(), "library_name", _text),
    ("gated", pa.string(), "gated", _text),
    ("private", pa.bool_(), "private", _bool),
    ("disabled", pa.bool_(), "disabled", _bool),
    ("card_data", pa.string(), "cardData", dumps),
    ("safetensors", pa.string(), "safetensors", dumps),
    ("gguf", pa.string(), "gguf", dumps),
)
LISTING_SCHEMA = pa.schema(
    [pa.field(name, kind, nullable=name != "id") for name, kind, _, _ in _LISTING_FIELDS]
)


def _listing_column(
    models: list[dict[str, Any]], kind: pa.DataType, key: str, keep: Callable[[Any], Any] | None
) -> pa.Array:
    if kind == _TIMESTAMP:
        return _timestamps([m.get(key) for m in models])
    if keep is None:
        return pa.array([m[key] for m in models], kind)
    return pa.array([keep(m.get(key)) for m in models], kind)


def listing_table(models: list[dict[str, Any]]) -> pa.Table:
    """One page of `/api/models` as an Arrow table with the raw `models` columns (whole pages as
    Arrow keep dlt's normalizer out of the hot path), built column by column: one Python call per
    value at most, the listing being the loader's hot loop."""
    columns = [_listing_column(models, kind, key, keep) for _, kind, key, keep in _LISTING_FIELDS]
    return pa.Table.from_arrays(columns, schema=LISTING_SCHEMA)


def _sibling(sibling: dict[str, Any]) -> dict[str, Any]:
    """A repo file as the Hub lists it: path, size, and the LFS object's size for LFS files."""
    lfs = sibling.get("lfs")
    return {
        "rfilename": sibling["rfilename"],
        "size": _int(sibling.get("size")),
        "lfs_size": _int(lfs.get("size")) if isinstance(lfs, dict) else None,
    }


def model_size_row(info: dict[str, Any]) -> dict[str, Any]:
    """What `/api/models/{id}?blobs=true` says about a repo's size, as the Hub gives it: every
    file with its size (siblings carry sizes only with blobs=true; dbt decides which are
    weights), the parameter count and the storage used."""
    siblings = info.get("siblings") or []
    safetensors = info.get("safetensors")
    return {
        "parameters": _int(safetensors.get("total")) if isinstance(safetensors, dict) else None,
        "used_storage_bytes": _int(info.get("usedStorage")),
        "siblings": [
            _sibling(s)
            for s in siblings
            if isinstance(s, dict) and isinstance(s.get("rfilename"), str)
        ],
    }


def detail_status(response: httpx2.Response, label: str) -> str:
    """`ok`; `missing` when the Hub answers 404; `refused` for any other 4xx (a private or gated
    repo, a token that cannot read it), which the next load asks again. Raises on the rest."""
    if response.status_code == 404:
        return "missing"
    if response.is_client_error:
        url = response.request.url.copy_with(query=None)
        log.warning("%s: HTTP %d for %s, asked again next load", label, response.status_code, url)
        return "refused"
    response.raise_for_status()
    return "ok"


def dataset_size_bytes(card_data: Any) -> int | None:
    """`dataset_info.dataset_size` of a dataset card: a dict, or a list of configs to sum."""
    info = card_data.get("dataset_info") if isinstance(card_data, dict) else None
    configs = info if isinstance(info, list) else [info]
    sizes = [c.get("dataset_size") for c in configs if isinstance(c, dict)]
    sizes = [s for s in sizes if isinstance(s, int | float) and not isinstance(s, bool)]
    return int(sum(sizes)) if sizes else None


_DATASET_ID = re.compile(settings.DATASET_ID_PATTERN)


def named_datasets(card_data: Any) -> set[str]:
    """Dataset ids a model's card names in `datasets` (a string or a list): exactly those dbt
    sizes (the Hub's `dataset:` tags are not read).

    Card metadata is untrusted: anything that is not a well-formed repo id is ignored.
    """
    declared = card_data.get("datasets") if isinstance(card_data, dict) else None
    names = declared if isinstance(declared, list) else [declared]
    return {n.strip() for n in names if isinstance(n, str) and _DATASET_ID.match(n.strip())}


# The history (`model_claim_observations`) versions only what carbon reporting depends on: the
# card's co2_eq_emissions metadata as written, the tags of a model that claims emissions, and
# whether the model is deleted. Not the sha: every commit changes it, so a touched model would add
# a version; a version records the sha at which it was first observed.
_NO_CLAIM = {"co2_eq_emissions": None, "tags": None, "is_deleted": False}


def is_tagged(tags: str | None) -> bool:
    """Whether a listing's `tags` (JSON text) carry the co2_eq_emissions tag (a reporter)."""
    if settings.EMISSIONS_TAG not in (tags or ""):  # no JSON parsed for ~99 % of the Hub
        return False
    listed = loads(tags)
    return isinstance(listed, list) and settings.EMISSIONS_TAG in listed


def claim_state(tags: str | None, card_data: str | None, deleted: bool = False) -> dict[str, Any]:
    """A model's carbon-relevant state from its listing's JSON text (`tags`, `card_data`), with
    `claim_hash`, the digest the loader compares with the model's last observation."""
    if deleted:
        state: dict[str, Any] = {**_NO_CLAIM, "is_deleted": True}
    # A fast path for the ~99 % of the Hub that claims nothing: no JSON parsed.
    elif settings.EMISSIONS_TAG not in (tags or "") + (card_data or ""):
        state = dict(_NO_CLAIM)
    else:
        metadata = loads(card_data) if card_data else None
        co2 = metadata.get(settings.EMISSIONS_TAG) if isinstance(metadata, dict) else None
        tagged = is_tagged(tags)
        if co2 is None and not tagged:  # the word appears elsewhere in the card
            state = dict(_NO_CLAIM)
        else:
            state = {"co2_eq_emissions": dumps(co2), "tags": tags, "is_deleted": False}
    canonical = orjson.dumps(state, option=orjson.OPT_SORT_KEYS)
    return {**state, "claim_hash": hashlib.sha256(canonical).hexdigest()[:32]}


# The hash of a model that claims nothing: what a model never observed is read as.
NO_CLAIM_HASH = claim_state(None, None)["claim_hash"]
