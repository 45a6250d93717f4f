"""The HTTP side: routes shaped like huggingface.co, rate limits, injected faults, request log."""

from __future__ import annotations

import base64
import binascii
import json
import math
import random
import re
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import orjson

from hub_replay.corpus import SORT_ALIASES, SORT_FIELDS, Corpus, Query
from hub_replay.records import (
    DATASET_EXPANDABLE,
    LIST_DEFAULT_FIELDS,
    LIST_FULL_FIELDS,
    MODEL_DETAIL_FIELDS,
    MODEL_EXPANDABLE,
    git_blob_sha,
)

MAX_PAGE = 1000
# Sent on every answer of an imitation serving a named corpus (`Corpus.name`, e.g. "bundled"): the
# real Hub never sends it, so a loader can tell, from the answers alone, what it loaded.
CORPUS_HEADER = "X-Hub-Replay-Corpus"
COMMITS_PAGE = 50
_REPO = r"(?P<repo>[^/]+(?:/[^/]+)?)"
_ROUTES = [
    ("list_models", re.compile(r"^/api/models/?$")),
    ("commits", re.compile(rf"^/api/models/{_REPO}/commits/(?P<rev>[^/]+)$")),
    ("model", re.compile(rf"^/api/models/{_REPO}(?:/revision/(?P<rev>[^/]+))?$")),
    ("dataset", re.compile(rf"^/api/datasets/{_REPO}(?:/revision/(?P<rev>[^/]+))?$")),
    ("resolve", re.compile(rf"^/{_REPO}/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")),
]


class HubError(Exception):
    """An error response: status, JSON ``{"error": message}``, optional X-Error-Code."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


@dataclass(frozen=True)
class RateLimit:
    """Fixed-window quotas per bucket, as the Hub announces them in ``RateLimit-Policy``."""

    quota: int
    window_s: float
    resolvers_quota: int | None = None  # defaults to ``quota``

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"Q/W"``: Q requests per W seconds."""
        quota, _, window = text.partition("/")
        return cls(int(quota), float(window or 300))


class _Limiter:
    def __init__(self, limit: RateLimit, clock: Callable[[], float] = time.monotonic):
        self.limit, self.clock = limit, clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, bucket: str) -> tuple[bool, dict[str, str]]:
        quota = self.limit.quota
        if bucket == "resolvers" and self.limit.resolvers_quota is not None:
            quota = self.limit.resolvers_quota
        window = self.limit.window_s
        with self._lock:
            now = self.clock()
            start, used = self._windows.get(bucket, (now, 0))
            if now - start >= window:
                start, used = now, 0
            allowed = used < quota
            used += allowed
            self._windows[bucket] = (start, used)
        reset = max(1, math.ceil(start + window - now))
        headers = {
            "RateLimit": f'"{bucket}";r={quota - used};t={reset}',
            "RateLimit-Policy": f'"fixed window";"{bucket}";q={quota};w={int(window)}',
        }
        if not allowed:
            headers["Retry-After"] = str(reset)
        return allowed, headers


@dataclass(frozen=True)
class Faults:
    """Seeded random 5xx answers: each request fails with probability ``rate``."""

    rate: float = 0.0
    statuses: tuple[int, ...] = (502, 503, 504)
    seed: int = 0


class HubReplay:
    """A local Hugging Face Hub on 127.0.0.1 serving ``corpus``; use as a context manager."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        rate_limit: RateLimit | tuple[int, float] | None = None,
        faults: Faults | float | None = None,
        latency_s: float = 0.0,
        tokens: set[str] | None = None,
        log_path: str | Path | None = None,
        page_size: int = MAX_PAGE,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        if isinstance(rate_limit, tuple):
            rate_limit = RateLimit(*rate_limit)
        if isinstance(faults, int | float):
            faults = Faults(rate=float(faults))
        self.corpus = corpus
        self.latency_s = latency_s
        self.tokens = tokens  # None: any Authorization is accepted
        self.page_size = min(page_size, MAX_PAGE)
        self.requests: list[dict] = []
        self._limiter = _Limiter(rate_limit) if rate_limit else None
        self._faults = faults or Faults()
        self._random = random.Random(self._faults.seed)
        self._fail_next: list[tuple[int, int]] = []  # (status, Retry-After of a 429)
        self._lock = threading.Lock()
        self._log = open(log_path, "a", encoding="utf-8") if log_path else None  # noqa: SIM115
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    def _authorized(self, headers) -> bool:
        """As the Hub: no Authorization is anonymous access, a Bearer token must be a valid one."""
        auth = headers.get("Authorization")
        return auth is None or auth.removeprefix("Bearer ") in (self.tokens or ())

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HubReplay:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="hub-replay", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._log:
            self._log.close()

    def __enter__(self) -> HubReplay:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def fail_next(self, count: int, status: int = 503, retry_after: int = 1) -> None:
        """Make the next ``count`` requests answer ``status`` (a 429 with ``Retry-After``)."""
        with self._lock:
            self._fail_next += [(status, retry_after)] * count

    # -- per-request hooks --------------------------------------------------------------------
    def _injected_fault(self) -> tuple[int, int] | None:
        with self._lock:
            if self._fail_next:
                return self._fail_next.pop(0)
            if self._faults.rate and self._random.random() < self._faults.rate:
                return self._random.choice(self._faults.statuses), 1
        return None

    def _record(self, entry: dict) -> None:
        with self._lock:
            self.requests.append(entry)
            if self._log:
                self._log.write(json.dumps(entry) + "\n")
                self._log.flush()


def _flag(params: dict[str, list[str]], name: str) -> bool:
    return params.get(name, ["false"])[-1].lower() in ("1", "true", "yes")


def _expand(params: dict[str, list[str]], allowed: frozenset[str]) -> list[str] | None:
    names = params.get("expand", []) + params.get("expand[]", [])
    if not names:
        return None
    unknown = sorted(set(names) - allowed)
    if unknown:
        raise HubError(
            400, f'"expand" contains invalid values: {unknown}; allowed: {sorted(allowed)}'
        )
    return ["_id", "id", *dict.fromkeys(n for n in names if n not in ("_id", "id"))]


def _json_bytes(body: object) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:  # integers beyond 64 bits, which YAML card metadata can hold
        return json.dumps(body).encode()


def _encode_cursor(cursor) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(cursor)).encode()).decode()


def _decode_cursor(text: str, sort: str):
    """The keyset of a ``cursor`` parameter; it must come from a listing with the same sort."""
    try:
        value, object_id = json.loads(base64.urlsafe_b64decode(text.encode()))
    except (ValueError, TypeError, binascii.Error) as e:
        raise HubError(400, "Invalid cursor") from e
    if not isinstance(object_id, str) or not isinstance(value, str if sort == "id" else int):
        raise HubError(400, f"Invalid cursor for sort={sort}")
    return value, object_id


class _Api:
    """Route handlers: each returns (status, headers, body bytes)."""

    def __init__(self, hub: HubReplay):
        self.hub, self.corpus = hub, hub.corpus

    def list_models(self, base_url: str, params: dict[str, list[str]], **_) -> tuple:
        sort = params.get("sort", ["trendingScore"])[-1]
        sort = SORT_ALIASES.get(sort, sort)
        if sort not in SORT_FIELDS:
            raise HubError(400, f"Invalid sort {sort!r}; allowed: {list(SORT_FIELDS)}")
        try:
            limit = int(params.get("limit", [self.hub.page_size])[-1])
        except ValueError as e:
            raise HubError(400, "limit must be an integer") from e
        limit = max(1, min(limit, MAX_PAGE))
        fields = _expand(params, MODEL_EXPANDABLE)
        if fields is None:
            fields = list(LIST_FULL_FIELDS if _flag(params, "full") else LIST_DEFAULT_FIELDS)
            fields += [f for f in ("cardData", "config") if _flag(params, f)]
        query = Query(
            search=params.get("search", [None])[-1],
            author=params.get("author", [None])[-1],
            filters=tuple(params.get("filter", [])),
            sort=sort,
        )
        cursor = _decode_cursor(params["cursor"][-1], sort) if "cursor" in params else None
        records, next_cursor = self.corpus.page(query, cursor, limit)
        headers = {}
        if next_cursor is not None:
            kept = [(k, v) for k, values in params.items() if k != "cursor" for v in values]
            if "sort" not in params:
                kept.append(("sort", sort))
            kept.append(("cursor", _encode_cursor(next_cursor)))
            headers["Link"] = f'<{base_url}/api/models?{urlencode(kept)}>; rel="next"'
        return 200, headers, [r.to_api(fields) for r in records]

    def _model(self, repo: str):
        record = self.corpus.model(repo)
        if record is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        return record

    def _commit(self, record, rev: str | None):
        """The commit a revision names (branch main or a commit id), its position, the history."""
        commits = record.commits()
        if rev in (None, "main"):
            return 0, commits
        for position, commit in enumerate(commits):
            if commit.id == rev:
                return position, commits
        raise HubError(404, f"Invalid rev id: {rev}", "RevisionNotFound")

    def model(self, repo: str, rev: str | None, params, **_) -> tuple:
        record = self._model(repo)
        position, commits = self._commit(record, rev)
        fields = _expand(params, MODEL_EXPANDABLE) or MODEL_DETAIL_FIELDS
        body = record.to_api(fields, blobs=_flag(params, "blobs"))
        if "sha" in body:
            body["sha"] = commits[position].id
        return 200, {}, body

    def commits(self, repo: str, rev: str, base_url: str, params, path: str, **_) -> tuple:
        record = self._model(repo)
        position, commits = self._commit(record, rev)
        try:
            page = int(params.get("p", ["0"])[-1])
            limit = max(1, min(int(params.get("limit", [COMMITS_PAGE])[-1]), MAX_PAGE))
        except ValueError as e:
            raise HubError(400, "p and limit must be integers") from e
        formatted = "formatted" in params.get("expand[]", []) + params.get("expand", [])
        history = commits[position:]
        chunk = history[page * limit : (page + 1) * limit]
        headers = {}
        if (page + 1) * limit < len(history):
            kept = [(k, v) for k, values in params.items() if k != "p" for v in values]
            headers["Link"] = (
                f'<{base_url}{path}?{urlencode([*kept, ("p", page + 1)])}>; rel="next"'
            )
        return 200, headers, [c.to_api(formatted) for c in chunk]

    def dataset(self, repo: str, rev: str | None, params, authenticated: bool, **_) -> tuple:
        record = self.corpus.dataset(repo)
        if record is None:
            raise HubError(404, "Repository not found", "RepoNotFound")
        if record.api.get("private") and not authenticated:  # as the Hub: 401 without a token
            raise HubError(401, "Repository not found", "RepoNotFound")
        if rev not in (None, "main", record.api.get("sha")):
            raise HubError(404, f"Invalid rev id: {rev}", "RevisionNotFound")
        return 200, {}, record.to_api(_expand(params, DATASET_EXPANDABLE))

    def resolve(self, repo: str, rev: str, file: str, **_) -> tuple:
        record = self._model(repo)
        position, commits = self._commit(record, rev)
        commit = commits[position]
        if file != "README.md":
            raise HubError(404, "hub_replay serves README.md only", "EntryNotFound")
        if commit.readme is None:
            raise HubError(404, "Entry not found", "EntryNotFound")
        data = commit.readme.encode()
        etag = f'"{git_blob_sha(data)}"'
        headers = {
            "Content-Type": "text/plain; charset=utf-8",
            "ETag": etag,
            "X-Repo-Commit": commit.id,
            "Accept-Ranges": "bytes",
        }
        return 200, headers, data


def _handler_for(hub: HubReplay) -> type[BaseHTTPRequestHandler]:
    api = _Api(hub)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection per page
        # Headers and body go out in two writes; with Nagle on, the body waits for the client's
        # delayed ACK (~40 ms a response).
        disable_nagle_algorithm = True

        def log_message(self, format, *args):  # the request log replaces stderr chatter
            pass

        def do_HEAD(self):
            self._serve(head=True)

        def do_GET(self):
            self._serve(head=False)

        def _serve(self, head: bool):
            split = urlsplit(self.path)
            path = unquote(split.path)  # clients percent-encode ids (quote(repo_id, safe="/"))
            params = parse_qs(split.query, keep_blank_values=True)
            bucket = "resolvers" if "/resolve/" in path else "api"
            arrived, started = time.time(), time.perf_counter()
            headers: dict[str, str] = {}
            if hub.latency_s:
                time.sleep(hub.latency_s)
            try:
                if hub.tokens is not None and not hub._authorized(self.headers):
                    raise HubError(401, "Invalid credentials in Authorization header")
                if hub._limiter is not None:
                    allowed, headers = hub._limiter.take(bucket)
                    if not allowed:
                        raise HubError(429, "You have exceeded our request rate limit.")
                if (fault := hub._injected_fault()) is not None:
                    status, retry_after = fault
                    if status == 429:  # an injected throttle says when to come back, as the Hub
                        headers = {**headers, "Retry-After": str(retry_after)}
                    raise HubError(status, "Injected fault")
                status, extra, body = self._route(path, params)
                headers.update(extra)
            except HubError as e:
                status, body = e.status, {"error": e.message}
                if e.code:
                    headers["X-Error-Code"] = e.code
                    headers["X-Error-Message"] = e.message
            except Exception:  # a bug here must still answer, and show where it is
                traceback.print_exc()
                # 501, which no client retries: a bug of the imitation fails a test at once,
                # rather than after the loader's retries of a 500 for up to 15 minutes.
                status, body = 501, {"error": "Internal error in hub_replay (a bug of its own)"}
            if not isinstance(body, bytes):
                body = _json_bytes(body)
                headers.setdefault("Content-Type", "application/json; charset=utf-8")
            # Logged before answering, so a client that got its answer finds it in the log.
            hub._record(
                {
                    "time": time.time(),
                    "arrived": arrived,
                    "method": self.command,
                    "path": path,
                    "params": params,
                    "status": status,
                    "auth": "Authorization" in self.headers,  # presence only, never the value
                    "bucket": bucket,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    # What the client was told about its quota, to check when it came back.
                    **{h.lower(): headers[h] for h in ("RateLimit", "Retry-After") if h in headers},
                }
            )
            if hub.corpus.name:
                headers[CORPUS_HEADER] = hub.corpus.name
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def _route(self, path: str, params):
            base_url = f"http://{self.headers.get('Host') or hub.url.removeprefix('http://')}"
            for name, pattern in _ROUTES:
                if match := pattern.match(path):
                    handler = getattr(api, name)
                    return handler(
                        base_url=base_url,
                        params=params,
                        path=path,
                        authenticated="Authorization" in self.headers,
                        **match.groupdict(),
                    )
            raise HubError(404, "Not Found")

    return Handler
