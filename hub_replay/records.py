"""Model and dataset records, and how the Hub API shapes them into JSON objects."""

from __future__ import annotations

import contextlib
import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

PLACEHOLDER_CREATED_AT = "2022-03-02T23:29:04.000Z"

# Fields the Hub returns for GET /api/models without full/expand.
LIST_DEFAULT_FIELDS = (
    "_id",
    "id",
    "likes",
    "trendingScore",
    "private",
    "downloads",
    "tags",
    "pipeline_tag",
    "library_name",
    "createdAt",
    "modelId",
)
LIST_FULL_FIELDS = (*LIST_DEFAULT_FIELDS, "author", "gated", "lastModified", "sha", "siblings")
# huggingface_hub's ExpandModelProperty_T.
MODEL_EXPANDABLE = frozenset(
    (
        "author", "baseModels", "cardData", "childrenModelCount", "config", "createdAt",
        "disabled", "downloads", "downloadsAllTime", "evalResults", "gated", "gguf", "inference",
        "inferenceProviderMapping", "lastModified", "library_name", "likes", "mask_token",
        "model-index", "pipeline_tag", "private", "resourceGroup", "safetensors", "sha",
        "siblings", "spaces", "tags", "transformersInfo", "trendingScore", "usedStorage",
        "widgetData",
    )
)  # fmt: skip
DATASET_EXPANDABLE = frozenset(
    (
        "author", "cardData", "citation", "createdAt", "description", "disabled", "downloads",
        "downloadsAllTime", "gated", "lastModified", "likes", "mainSize", "paperswithcode_id",
        "private", "resourceGroup", "sha", "siblings", "tags", "trendingScore", "usedStorage",
    )
)  # fmt: skip
# Files above this size live in LFS on the Hub, so blobs=true gives them an `lfs` entry.
LFS_THRESHOLD = 10 * 1024 * 1024


def ms(value: str | datetime) -> int:
    """Milliseconds since the epoch of an ISO timestamp (``Z`` or offset) or an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return int(value.timestamp() * 1000)


def iso_ms(millis: int) -> str:
    """The Hub's timestamp format: ``2024-11-12T07:59:32.000Z``."""
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{millis % 1000:03d}Z"
    )


PLACEHOLDER_CREATED_MS = ms(PLACEHOLDER_CREATED_AT)


def git_blob_sha(data: bytes) -> str:
    """Git's object id of a file: what the Hub reports as blobId and as a small file's ETag."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _digest(*parts: object) -> str:
    return hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()


@dataclass(frozen=True)
class Commit:
    id: str
    date_ms: int
    title: str
    author: str
    readme: str | None  # README.md as of this commit

    def to_api(self, formatted: bool) -> dict:
        item = {
            "id": self.id,
            "title": self.title,
            "message": "",
            "authors": [{"user": self.author, "avatar": None}],
            "date": iso_ms(self.date_ms),
        }
        if formatted:
            item["formatted"] = {"title": f"<p>{self.title}</p>", "message": ""}
        return item


@dataclass(slots=True)
class ModelRecord:
    """One model: its API object plus what the API derives from the repository.

    ``readme`` may be a zero-argument callable so that listing a generated model never renders
    its card. ``created_real`` is the first commit's date: the API's createdAt is the placeholder
    for repos older than 2022-03-02, the commit history is not.
    """

    api: dict
    files: dict[str, int]  # repository files other than README.md, with sizes in bytes
    created_real: str
    n_commits: int
    readme_source: str | Callable[[], str | None] | None
    has_readme: bool | None = None
    later_commits: list[Commit] = field(default_factory=list)  # added by mutations
    first_readme: str | None = None  # README of the original commits, once mutations began

    def __post_init__(self):
        if self.has_readme is None:
            self.has_readme = self.readme_source is not None

    @property
    def id(self) -> str:
        return self.api["id"]

    @property
    def readme(self) -> str | None:
        if callable(self.readme_source):
            self.readme_source = self.readme_source()
        return self.readme_source

    def commits(self) -> list[Commit]:
        """History newest first. The original commits are derived from id, dates and sha."""
        if self.later_commits:
            base_end, base_sha = self.later_commits[0].date_ms - 1000, None
        else:
            base_end, base_sha = ms(self.api["lastModified"]), self.api["sha"]
        start, n = ms(self.created_real), self.n_commits
        author = self.id.split("/")[0]
        readme = self.first_readme if self.later_commits else self.readme
        base = []
        for k in range(n):
            date = start if n == 1 else start + (max(base_end, start) - start) * k // (n - 1)
            title = ("initial commit", "Upload model", "Update README.md")[min(k, 2)]
            sha = base_sha if k == n - 1 and base_sha else _digest(self.id, "commit", k)
            base.append(Commit(sha, date - date % 1000, title, author, readme))
        return [*reversed(self.later_commits), *reversed(base)]

    def siblings(self, blobs: bool) -> list[dict]:
        files = dict(self.files)
        readme = self.readme.encode() if blobs and self.has_readme else b""
        if self.has_readme:
            files["README.md"] = len(readme)
        out = []
        for name in sorted(files):
            if not blobs:
                out.append({"rfilename": name})
                continue
            size = files[name]
            blob = git_blob_sha(readme) if name == "README.md" else _digest(self.id, name, size)
            item = {"rfilename": name, "size": size, "blobId": blob}
            if size > LFS_THRESHOLD:
                lfs_sha = hashlib.sha256(f"{self.id}:{name}:{size}".encode()).hexdigest()
                item["lfs"] = {"size": size, "sha256": lfs_sha, "pointerSize": 134}
            out.append(item)
        return out

    def used_storage(self) -> int:
        """Files plus git history (4 KiB per commit): never renders a lazy README."""
        return sum(self.files.values()) + 4096 * (self.n_commits + len(self.later_commits))

    def to_api(self, fields, *, blobs: bool = False) -> dict:
        """The API object restricted to ``fields``; fields the Hub would omit stay absent."""
        api, out = self.api, {}
        for name in fields:
            if name in api:
                out[name] = api[name]
            elif name in _DERIVED:
                # e.g. model-index without card metadata: the Hub omits the field
                with contextlib.suppress(KeyError, TypeError):
                    out[name] = _DERIVED[name](self, blobs)
        return out

    def mutated(self, now_ms: int, title: str, readme: str | None = None, **api) -> ModelRecord:
        """A copy with one more commit: new sha, lastModified = now, optional new README."""
        clone = copy.copy(self)
        clone.api = {**copy.deepcopy(self.api), **api}
        clone.files = dict(self.files)
        if not self.later_commits:
            clone.first_readme = self.readme
        previous = clone.commits()[0]
        now_ms = max(now_ms - now_ms % 1000, previous.date_ms + 1000)
        sha = _digest(self.id, "mutation", now_ms, len(self.later_commits))
        new_readme = self.readme if readme is None else readme
        clone.api.update(sha=sha, lastModified=iso_ms(now_ms))
        clone.readme_source, clone.has_readme = new_readme, new_readme is not None
        clone.later_commits = [
            *self.later_commits,
            Commit(sha, now_ms, title, self.id.split("/")[0], new_readme),
        ]
        return clone


# API fields computed from the repository rather than stored in ``ModelRecord.api``.
_DERIVED: dict[str, Callable[[ModelRecord, bool], object]] = {
    "modelId": lambda r, _: r.api["id"],
    "siblings": lambda r, blobs: r.siblings(blobs),
    "usedStorage": lambda r, _: r.used_storage(),
    "downloadsAllTime": lambda r, _: r.api["downloads"] * 3,
    "spaces": lambda r, _: [],
    "widgetData": lambda r, _: [],
    "model-index": lambda r, _: r.api["cardData"]["model-index"],
}

MODEL_DETAIL_FIELDS = (
    "_id",
    "id",
    "private",
    "pipeline_tag",
    "library_name",
    "tags",
    "downloads",
    "likes",
    "modelId",
    "author",
    "sha",
    "lastModified",
    "gated",
    "disabled",
    "trendingScore",
    "config",
    "cardData",
    "model-index",
    "widgetData",
    "spaces",
    "safetensors",
    "gguf",
    "siblings",
    "createdAt",
    "usedStorage",
)


@dataclass
class DatasetRecord:
    api: dict
    files: dict[str, int] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.api["id"]

    def to_api(self, fields=None) -> dict:
        out = {k: v for k, v in self.api.items() if fields is None or k in fields}
        if fields is None or "siblings" in fields:
            out["siblings"] = [{"rfilename": n} for n in sorted(self.files)]
        if fields is None or "usedStorage" in fields:
            out["usedStorage"] = self.api.get("usedStorage", sum(self.files.values()))
        return out
