"""The models and datasets the imitation serves, how they are listed, and test mutations.

Two sources feed one listing: *explicit* records (the bundled snapshot, models added or changed by
mutations) kept as objects, and an optional generated ``Population`` kept as columns. A page is
the keyset merge of both streams, so a mutated generated model is simply shadowed in the
population and re-enters the listing as an explicit record.
"""

from __future__ import annotations

import copy
import gzip
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hub_replay.population import CORPUS_NOW_MS, DATASETS, Population, front_matter
from hub_replay.records import (
    PLACEHOLDER_CREATED_AT,
    DatasetRecord,
    ModelRecord,
    git_blob_sha,
    iso_ms,
    ms,
)

# The name the imitation announces for this corpus (with changes made to it, as the demo's second
# load serves, it is still the bundled snapshot, not anything the real Hub holds).
BUNDLED = "bundled"
SNAPSHOT_PATH = Path(__file__).parent / "data" / "snapshot.jsonl.gz"
# Generated non-reporters beside the snapshot in `Corpus.bundled()` and `serve`: a 2.6 % reporting
# share (the study saw 0.8 %) while the demo's load still takes about a minute (see README).
DEFAULT_POPULATION = 100_000
SORT_FIELDS = ("trendingScore", "createdAt", "lastModified", "downloads", "likes", "id")
# huggingface_hub sends camelCase; older clients and humans write snake_case.
SORT_ALIASES = {
    "created_at": "createdAt",
    "last_modified": "lastModified",
    "trending_score": "trendingScore",
}
_NUMERIC_COLUMNS = {
    "trendingScore": "trending",
    "createdAt": "created_shown_ms",
    "lastModified": "last_modified_ms",
    "downloads": "downloads",
    "likes": "likes",
}

Cursor = tuple[int | str, str]  # (sort value, _id) of the last item served


@dataclass(frozen=True)
class Query:
    search: str | None = None
    author: str | None = None
    filters: tuple[str, ...] = ()
    sort: str = "trendingScore"

    def matches(self, record: ModelRecord) -> bool:
        api = record.api
        return (
            (self.search is None or self.search.lower() in api["id"].lower())
            and (self.author is None or api.get("author") == self.author)
            and all(tag in api["tags"] for tag in self.filters)
        )


def sort_value(record: ModelRecord, sort: str) -> int | str:
    if sort == "id":
        return record.api["id"]
    if sort in ("createdAt", "lastModified"):
        return ms(record.api[sort])
    return int(record.api.get(sort) or 0)


def _after(value: int | str, object_id: str, cursor: Cursor | None) -> bool:
    """Whether an item follows ``cursor`` in the Hub's order: value descending, _id ascending."""
    if cursor is None:
        return True
    return value < cursor[0] or (value == cursor[0] and object_id > cursor[1])


def _first_after(length: int, item_at, cursor: Cursor | None) -> int:
    """Binary search over a sorted stream for the first position after ``cursor``."""
    lo, hi = 0, length
    while lo < hi:
        mid = (lo + hi) // 2
        if _after(*item_at(mid), cursor):
            hi = mid
        else:
            lo = mid + 1
    return lo


class Corpus:
    """Thread-safe store of the imitation's repositories."""

    def __init__(
        self,
        models: Iterable[ModelRecord] = (),
        datasets: Iterable[DatasetRecord] = (),
        population: Population | None = None,
        name: str | None = None,
    ):
        self.population = population
        self.name = name  # what the server announces in X-Hub-Replay-Corpus; None: nothing
        self._models: dict[str, ModelRecord] = {}
        self._datasets = {d.id: d for d in datasets}
        self._deleted: set[str] = set()
        self._graveyard: dict[str, ModelRecord] = {}  # deleted records, for restore_model
        self._shadow = np.zeros(population.size if population else 0, dtype=bool)
        self._lock = threading.RLock()
        self._version = 0
        self._orders: dict[str, np.ndarray] = {}
        self._pages_cache: OrderedDict = OrderedDict()
        for record in models:
            self._put(record)
        if population is not None:
            for dataset in generated_datasets():
                self._datasets.setdefault(dataset.id, dataset)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def bundled(cls, population: int = DEFAULT_POPULATION, seed: int = 0) -> Corpus:
        """The committed snapshot (real reporters) plus ``population`` generated non-reporters."""
        models, datasets = load_snapshot(SNAPSHOT_PATH)
        generated = Population(population, seed=seed) if population else None
        return cls(models, datasets, generated, name=BUNDLED)

    @classmethod
    def generated(cls, models: int, reporter_share: float = 0.005, seed: int = 0) -> Corpus:
        """Only generated models (benchmarks); ``reporter_share`` of them report co2."""
        return cls(population=Population(models, seed=seed, reporter_share=reporter_share))

    def __len__(self) -> int:
        generated = int(self._shadow.size - self._shadow.sum())
        return len(self._models) + generated

    # -- reads --------------------------------------------------------------------------------
    def model(self, model_id: str) -> ModelRecord | None:
        with self._lock:
            record = self._models.get(model_id)
            if record is not None or model_id in self._deleted or self.population is None:
                return record
            index = self.population.index_of(model_id)
            return None if index is None else self.population.record(index)

    def dataset(self, dataset_id: str) -> DatasetRecord | None:
        return self._datasets.get(dataset_id)

    def page(
        self, query: Query, cursor: Cursor | None, limit: int
    ) -> tuple[list[ModelRecord], Cursor | None]:
        """Up to ``limit`` models after ``cursor``; the cursor of the next page, or None if last."""
        with self._lock:
            explicit = self._explicit_order(query)
            start = _first_after(
                len(explicit), lambda p: (explicit[p][0], explicit[p][1].api["_id"]), cursor
            )
            items = [(v, r.api["_id"], r) for v, r in explicit[start : start + limit + 1]]
            if self.population is not None:
                items += self._generated_items(query, cursor, limit + 1)
        # Two stable sorts give value descending, _id ascending.
        items.sort(key=lambda item: item[1])
        items.sort(key=lambda item: item[0], reverse=True)
        page = items[:limit]
        # Generated rows are materialised only once they made it onto the page.
        rows = [row for _, _, row in page if isinstance(row, int)]
        built = iter(self.population.records(rows) if rows else ())
        records = [next(built) if isinstance(row, int) else row for _, _, row in page]
        has_more = len(items) > limit
        return records, (page[-1][0], page[-1][1]) if has_more and page else None

    def _explicit_order(self, query: Query) -> list[tuple[int | str, ModelRecord]]:
        key = ("explicit", query, self._version)
        if key not in self._pages_cache:
            rows = [
                (sort_value(r, query.sort), r) for r in self._models.values() if query.matches(r)
            ]
            rows.sort(key=lambda row: row[1].api["_id"])
            rows.sort(key=lambda row: row[0], reverse=True)
            self._cache(key, rows)
        return self._pages_cache[key]

    def _generated_items(self, query: Query, cursor: Cursor | None, count: int) -> list[tuple]:
        """(sort value, _id, row) of the next ``count`` generated models after ``cursor``."""
        pop = self.population
        order = self._generated_order(query)
        values = pop.ids if query.sort == "id" else getattr(pop, _NUMERIC_COLUMNS[query.sort])

        def item_at(p: int):
            i = int(order[p])
            value = values[i]
            return (value if query.sort == "id" else int(value)), pop.object_id(i)

        start = _first_after(len(order), item_at, cursor)
        rows = order[start : start + count].tolist()
        values = [pop.ids[i] for i in rows] if query.sort == "id" else values[rows].tolist()
        return [(v, pop.object_id(i), i) for v, i in zip(values, rows, strict=True)]

    def _generated_order(self, query: Query) -> np.ndarray:
        """Rows matching ``query`` in the Hub's order; cached per query and corpus version."""
        key = ("generated", query, self._version)
        if key not in self._pages_cache:
            pop = self.population
            if query.sort not in self._orders:
                if query.sort == "id":
                    ids = pop.ids
                    order = np.array(sorted(range(pop.size), key=ids.__getitem__, reverse=True))
                else:
                    column = getattr(pop, _NUMERIC_COLUMNS[query.sort])
                    order = np.argsort(-column, kind="stable")  # ties stay in row (= _id) order
                self._orders[query.sort] = order
            mask = ~self._shadow
            for tag in query.filters:
                mask &= pop.tag_mask(tag)
            if query.author is not None:
                mask &= pop.author_mask(query.author)
            if query.search is not None:
                needle = query.search.lower()
                mask &= np.fromiter((needle in i.lower() for i in pop.ids), bool, pop.size)
            order = self._orders[query.sort]
            self._cache(key, order[mask[order]])
        return self._pages_cache[key]

    def _cache(self, key, value) -> None:
        self._pages_cache[key] = value
        self._pages_cache.move_to_end(key)
        while len(self._pages_cache) > 8:  # an entry can be 8 MB (1M rows)
            self._pages_cache.popitem(last=False)

    # -- mutations (tests and demos of incremental loading) ----------------------------------
    def _put(self, record: ModelRecord) -> None:
        self._models[record.id] = record
        self._deleted.discard(record.id)
        if self.population is not None:
            index = self.population.index_of(record.id)
            if index is not None:
                self._shadow[index] = True
        self._version += 1

    def _mutate(self, model_id: str, title: str, readme: str | None = None, **api) -> ModelRecord:
        with self._lock:
            record = self.model(model_id)
            if record is None:
                raise KeyError(f"no model {model_id!r} in the corpus")
            changed = record.mutated(int(time.time() * 1000), title, readme, **api)
            self._put(changed)
            return changed

    def put_dataset(self, record: DatasetRecord) -> None:
        """Add or replace a dataset."""
        with self._lock:
            self._datasets[record.id] = record

    def touch(self, model_id: str) -> ModelRecord:
        """A new commit without content change: new sha, lastModified = now."""
        return self._mutate(model_id, "Update model")

    def set_card_data(
        self, model_id: str, card_data: dict | None, readme: str | None = None
    ) -> ModelRecord:
        """Replace the card metadata (and README body if given) in a new commit."""
        with self._lock:
            record = self.model(model_id)
            if record is None:
                raise KeyError(f"no model {model_id!r} in the corpus")
            body = readme if readme is not None else strip_front_matter(record.readme or "")
            tags = [t for t in record.api["tags"] if t != "co2_eq_emissions"]
            if card_data and "co2_eq_emissions" in card_data:
                tags.append("co2_eq_emissions")
            api = {"tags": tags, "cardData": card_data}
            changed = self._mutate(
                model_id, "Update README.md", front_matter(card_data) + body, **api
            )
            if not card_data:
                del changed.api["cardData"]
            return changed

    def set_emissions(self, model_id: str, emissions: object) -> ModelRecord:
        """A new commit changing only the card's co2_eq_emissions value (the `emissions` field of
        a dict, or the bare value), e.g. a value written in kg fixed to grams."""
        with self._lock:
            record = self.model(model_id)
            if record is None:
                raise KeyError(f"no model {model_id!r} in the corpus")
            card_data = copy.deepcopy(record.api.get("cardData") or {})
            co2 = card_data.get("co2_eq_emissions")
            if isinstance(co2, dict):
                co2["emissions"] = emissions
            else:
                card_data["co2_eq_emissions"] = emissions
            return self.set_card_data(model_id, card_data)

    def remove_emissions(self, model_id: str) -> ModelRecord:
        """A new commit removing the card's co2_eq_emissions (and so the Hub's tag)."""
        with self._lock:
            record = self.model(model_id)
            if record is None:
                raise KeyError(f"no model {model_id!r} in the corpus")
            card_data = dict(record.api.get("cardData") or {})
            card_data.pop("co2_eq_emissions", None)
            return self.set_card_data(model_id, card_data or None)

    def add_model(
        self,
        model_id: str,
        *,
        card_data: dict | None = None,
        readme: str | None = None,
        tags: Iterable[str] = (),
        created_at: str | None = None,
        downloads: int = 0,
        likes: int = 0,
        pipeline_tag: str | None = None,
        library_name: str | None = None,
        files: dict[str, int] | None = None,
    ) -> ModelRecord:
        """A new repository, created now unless ``created_at`` is given."""
        now = int(time.time() * 1000)
        created = created_at or iso_ms(now - now % 1000)
        full_readme = (front_matter(card_data) + readme) if readme is not None else None
        if full_readme is None and card_data:
            full_readme = front_matter(card_data)
        tags = list(tags)
        if card_data and "co2_eq_emissions" in card_data:
            tags.append("co2_eq_emissions")
        api = {
            "_id": f"{ms(created) // 1000:08x}" + git_blob_sha(model_id.encode())[:16],
            "id": model_id,
            "author": model_id.split("/")[0] if "/" in model_id else None,
            "sha": git_blob_sha(f"{model_id}:{created}".encode()),
            "lastModified": created,
            "createdAt": max(created, PLACEHOLDER_CREATED_AT),
            "private": False,
            "disabled": False,
            "gated": False,
            "downloads": downloads,
            "likes": likes,
            "trendingScore": 0,
            "tags": tags,
        }
        api.update(
            {
                k: v
                for k, v in (
                    ("pipeline_tag", pipeline_tag),
                    ("library_name", library_name),
                    ("cardData", card_data),
                )
                if v
            }
        )
        record = ModelRecord(api, dict(files or {}), created, 1, full_readme)
        with self._lock:
            if self.model(model_id) is not None:
                raise ValueError(f"model {model_id!r} already exists")
            self._put(record)
        return record

    def delete_model(self, model_id: str) -> None:
        with self._lock:
            if self.model(model_id) is None:
                raise KeyError(f"no model {model_id!r} in the corpus")
            self._graveyard[model_id] = self.model(model_id)
            self._models.pop(model_id, None)
            self._deleted.add(model_id)
            if (
                self.population is not None
                and (i := self.population.index_of(model_id)) is not None
            ):
                self._shadow[i] = True
            self._version += 1

    def restore_model(self, model_id: str) -> ModelRecord:
        """Bring back a model deleted by `delete_model`, as it was (the Hub restores a repo
        unchanged: same sha and lastModified, so only a full listing sees it again)."""
        with self._lock:
            if model_id not in self._graveyard:
                raise KeyError(f"no deleted model {model_id!r} to restore")
            record = self._graveyard.pop(model_id)
            self._put(record)
            return record


def strip_front_matter(text: str) -> str:
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) != -1:
        return text[end + 5 :].lstrip("\n")
    return text


def generated_datasets() -> list[DatasetRecord]:
    """Canonical datasets the generated models cite, with a dataset_info size each."""
    out = []
    for k, name in enumerate(DATASETS):
        size = 10 ** (5 + k % 6) * (1 + k % 7)
        created = iso_ms(CORPUS_NOW_MS - (k + 1) * 86_400_000 * 40)
        api = {
            "_id": f"{ms(created) // 1000:08x}{k:016x}",
            "id": name,
            "author": None,
            "sha": git_blob_sha(name.encode()),
            "lastModified": created,
            "createdAt": PLACEHOLDER_CREATED_AT,
            "private": False,
            "disabled": False,
            "gated": False,
            "downloads": 1000 * (k + 1),
            "likes": k,
            "tags": ["region:us"],
            "cardData": {"dataset_info": {"dataset_size": size, "download_size": size // 3}},
        }
        out.append(DatasetRecord(api, {"README.md": 2_000, "data/train.parquet": size // 3}))
    return out


def load_snapshot(path: Path) -> tuple[list[ModelRecord], list[DatasetRecord]]:
    """Read the committed snapshot (see build_snapshot.py for the line format)."""
    models, datasets = [], []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            if row["type"] == "model":
                models.append(
                    ModelRecord(
                        row["api"],
                        row["files"],
                        row["created_real"],
                        row["n_commits"],
                        row["readme"],
                    )
                )
            else:
                datasets.append(DatasetRecord(row["api"], row["files"]))
    return models, datasets
