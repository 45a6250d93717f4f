"""A deterministic synthetic Hub population, stored column-wise and materialised per page.

A million models must not become a million dicts: every attribute is one numpy column generated
vectorised from the seed, and a model's API object is built only when a page or a lookup asks for
it. Row ``i`` is the ``i``-th model created; its ``_id`` (ObjectId: creation second + row number)
therefore grows with ``i``, which makes "stable argsort by key" equal to the Hub's keyset order
(key descending, ``_id`` ascending).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cached_property
from typing import NamedTuple

import numpy as np
import yaml

from hub_replay.records import (
    PLACEHOLDER_CREATED_MS,
    ModelRecord,
    ms,
)

# The reference "now" of every corpus: fixed so that a seed always gives the same corpus.
CORPUS_NOW_MS = ms("2026-11-01T00:00:00.000Z")

# (pipeline_tag, domain word for names, main library, share of the Hub)
TASKS: list[tuple[str, str, str, float]] = [
    ("text-classification", "cls", "transformers", 0.17),
    ("reinforcement-learning", "rl", "stable-baselines3", 0.10),
    ("text-generation", "gen", "transformers", 0.11),
    ("text2text-generation", "t2t", "transformers", 0.05),
    ("fill-mask", "mlm", "transformers", 0.05),
    ("token-classification", "ner", "transformers", 0.05),
    ("automatic-speech-recognition", "asr", "transformers", 0.05),
    ("image-classification", "img", "transformers", 0.05),
    ("text-to-image", "dreambooth", "diffusers", 0.05),
    ("question-answering", "qa", "transformers", 0.03),
    ("translation", "mt", "transformers", 0.03),
    ("summarization", "sum", "transformers", 0.03),
    ("sentence-similarity", "st", "sentence-transformers", 0.03),
    ("feature-extraction", "emb", "transformers", 0.02),
    ("audio-classification", "audio", "transformers", 0.01),
    ("object-detection", "det", "transformers", 0.01),
    ("image-segmentation", "seg", "transformers", 0.01),
]
_NO_TASK_SHARE = 1.0 - sum(t[3] for t in TASKS)  # models without a pipeline tag
ARCHS: dict[str, list[str]] = {
    "transformers": [
        "bert-base-uncased",
        "distilbert-base-uncased",
        "roberta-base",
        "xlm-roberta-base",
        "deberta-v3-base",
        "t5-small",
        "bart-large",
        "gpt2",
        "opt-125m",
        "llama-2-7b",
        "mistral-7b",
        "whisper-small",
        "wav2vec2-base",
        "vit-base-patch16-224",
        "swin-tiny",
        "mt5-small",
        "pegasus-xsum",
        "electra-small",
    ],
    "stable-baselines3": [
        "ppo-LunarLander-v2",
        "dqn-SpaceInvadersNoFrameskip-v4",
        "a2c-AntBulletEnv-v0",
    ],
    "diffusers": ["sd-v1-5-dreambooth", "sdxl-lora", "sd-2-1-finetuned"],
    "sentence-transformers": ["all-MiniLM-L6-v2", "paraphrase-multilingual-mpnet", "bge-small-en"],
}
OTHER_LIBRARIES = ["keras", "timm", "peft", "ml-agents", "pytorch", "sklearn", "fastai", "gguf"]
DATASETS = [
    "imdb",
    "glue",
    "squad",
    "conll2003",
    "common_voice",
    "wikitext",
    "cnn_dailymail",
    "xsum",
    "emotion",
    "tweet_eval",
    "amazon_polarity",
    "yelp_review_full",
    "ag_news",
    "mnist",
    "cifar10",
    "beans",
    "food101",
    "librispeech_asr",
    "opus_books",
    "wmt16",
    "samsum",
    "billsum",
    "financial_phrasebank",
    "snli",
    "multi_nli",
    "oscar",
    "c4",
    "the_pile",
    "openwebtext",
    "bookcorpus",
]
LANGUAGES = [
    "en",
    "en",
    "en",
    "en",
    "zh",
    "es",
    "fr",
    "de",
    "ar",
    "ru",
    "ja",
    "pt",
    "ko",
    "hi",
    "it",
    "multilingual",
]
LICENSES = [
    "apache-2.0",
    "apache-2.0",
    "mit",
    "mit",
    "cc-by-4.0",
    "openrail",
    "cc-by-nc-4.0",
    "llama2",
    "other",
]
_GIVEN = [
    "alex",
    "maria",
    "wei",
    "sam",
    "noor",
    "juan",
    "li",
    "anna",
    "omar",
    "yuki",
    "ravi",
    "emma",
    "lucas",
    "fatima",
    "ivan",
    "sofia",
    "chen",
    "david",
    "aisha",
    "kenji",
]
_ORG = ["lab", "ai", "nlp", "research", "ml", "team", "hub", "labs", "group", "studio"]
HARDWARE = [
    "8 V100",
    "1 A100 40GB",
    "4 x NVIDIA A100-SXM4-80GB",
    "1 TPU v3-8",
    "2 RTX 3090",
    "Tesla T4",
    "8x H100 80GB",
    "Apple M2 Max",
]
# Hub growth in new models per month: (year, month, rate); linear in between.
GROWTH = [
    (2020, 1, 1_200),
    (2021, 1, 2_500),
    (2022, 1, 5_000),
    (2022, 7, 7_000),
    (2023, 3, 25_000),
    (2024, 1, 35_000),
    (2025, 1, 50_000),
    (2026, 10, 70_000),
]
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def b36(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = B36[r] + out
        if not n:
            return out


def _monthly_weights() -> tuple[np.ndarray, np.ndarray]:
    """Month starts (ms) and relative weights from 2020-01 up to CORPUS_NOW."""
    knots = [(y * 12 + m - 1, rate) for y, m, rate in GROWTH]
    first, last = knots[0][0], 2026 * 12 + 10
    months = np.arange(first, last)
    weights = np.interp(months, [k for k, _ in knots], [r for _, r in knots])
    starts = np.array(
        [ms(datetime(int(m // 12), int(m % 12) + 1, 1, tzinfo=UTC)) for m in months], dtype=np.int64
    )
    return starts, weights / weights.sum()


def _optional(rng: np.random.Generator, n: int, share: float, choices: int) -> np.ndarray:
    """A code in ``range(choices)`` for ``share`` of the rows, -1 (absent) for the others."""
    return np.where(rng.random(n) < share, rng.integers(0, choices, n), -1).astype(np.int16)


class Population:
    """``size`` synthetic models; ``reporter_share`` of them carry AutoTrain-style co2 metadata."""

    def __init__(self, size: int, *, seed: int = 0, reporter_share: float = 0.0):
        self.size, self.seed, self.reporter_share = size, seed, reporter_share
        rng = np.random.default_rng([seed, 0x48554221])
        n = size
        starts, weights = _monthly_weights()
        month = rng.choice(len(starts), size=n, p=weights)
        month_len = np.diff(np.append(starts, CORPUS_NOW_MS))
        created = np.sort(starts[month] + (rng.random(n) * month_len[month]).astype(np.int64))
        created -= created % 1000  # the Hub stores whole seconds
        self.created_ms = created
        self.created_shown_ms = np.where(
            created < PLACEHOLDER_CREATED_MS, PLACEHOLDER_CREATED_MS, created
        )
        # Sorted order statistics of created+gap dominate those of created: lastModified >= created.
        age = CORPUS_NOW_MS - created
        gap = np.minimum(
            rng.lognormal(np.log(3 * 86_400_000), 2.0, n), age * rng.uniform(0.3, 0.99, n)
        )
        self.last_modified_ms = np.sort(created + gap.astype(np.int64))
        self.last_modified_ms -= self.last_modified_ms % 1000
        self.downloads = np.floor(np.expm1(np.clip(rng.normal(1.2, 2.4, n), 0, 16))).astype(
            np.int64
        )
        self.likes = np.floor(
            np.expm1(np.clip(rng.normal(-1.5, 1.6, n), 0, 9))
            + self.downloads**0.25 * rng.random(n) * 0.3
        ).astype(np.int64)
        recent = self.last_modified_ms > CORPUS_NOW_MS - 30 * 86_400_000
        self.trending = np.where(recent, np.floor(self.likes * rng.random(n)), 0).astype(np.int64)

        shares = np.array([t[3] for t in TASKS] + [_NO_TASK_SHARE])
        task = rng.choice(len(shares), size=n, p=shares / shares.sum())
        self.task = np.where(task == len(TASKS), -1, task).astype(np.int16)
        self.library_names = [*dict.fromkeys(t[2] for t in TASKS), *OTHER_LIBRARIES]
        main_lib = np.array([self.library_names.index(t[2]) for t in TASKS] + [-1])[task]
        other_lib = (
            len(self.library_names)
            - len(OTHER_LIBRARIES)
            + rng.integers(0, len(OTHER_LIBRARIES), n)
        )
        roll = rng.random(n)
        self.library = np.where(
            task == len(TASKS),
            np.where(roll < 0.5, other_lib, -1),
            np.where(roll < 0.07, other_lib, main_lib),
        ).astype(np.int16)
        self.arch = rng.integers(0, 1 << 16, n).astype(np.int32)
        self.dataset = _optional(rng, n, 0.35, len(DATASETS))
        self.language = _optional(rng, n, 0.4, len(LANGUAGES))
        self.license = _optional(rng, n, 0.6, len(LICENSES))
        self.n_authors = max(20, n // 12)
        self.author = np.floor(self.n_authors * rng.random(n) ** 2.5).astype(np.int32)

        self.reporter = rng.random(n) < reporter_share
        self.autotrain = self.reporter & (rng.random(n) < 0.85)
        # card: 0 no README, 1 README without metadata, 2 metadata, 3 metadata + hardware-only text,
        # 4 metadata + the blank "Environmental Impact" template section
        card = rng.choice(5, size=n, p=[0.12, 0.10, 0.56, 0.01, 0.21])
        self.card = np.where(self.reporter, 2, card).astype(np.int8)
        self.emissions = np.round(np.exp(rng.normal(3.0, 2.0, n)), 6)
        self.emission_shape = rng.choice(3, size=n, p=[0.6, 0.25, 0.15]).astype(np.int8)
        self.weights_bytes = np.exp(rng.normal(np.log(4.5e8), 1.3, n)).astype(np.int64)
        self.n_commits = rng.integers(1, 9, n).astype(np.int8)
        self.gated = rng.choice(3, size=n, p=[0.97, 0.02, 0.01]).astype(np.int8)
        self._salt = int(rng.integers(0, 1 << 24))

    # -- rows -------------------------------------------------------------------------------
    def rows(self, indices) -> list[Row]:
        """Plain-Python rows for ``indices``: one vectorised gather per column, not per cell."""
        indices = np.asarray(indices, dtype=np.int64)
        columns = [getattr(self, name)[indices].tolist() for name in Row._fields[1:_N_COLUMNS]]
        for name in ("created_ms", "created_shown_ms", "last_modified_ms"):
            stamps = getattr(self, name)[indices].astype("datetime64[ms]")
            columns.append(
                [f"{text}Z" for text in np.datetime_as_string(stamps, unit="ms").tolist()]
            )
        return [Row(*values) for values in zip(indices.tolist(), *columns, strict=True)]

    def row(self, i: int) -> Row:
        return self.rows([i])[0]

    # -- identity -----------------------------------------------------------------------------
    def author_name(self, code: int) -> str:
        given, org = _GIVEN[code % len(_GIVEN)], _ORG[(code // len(_GIVEN)) % len(_ORG)]
        return f"{given}{code}" if code % 3 else f"{given}-{org}-{code}"

    def model_id(self, row: Row) -> str:
        lib_name = self.library_names[row.library] if row.library >= 0 else ""
        family = ARCHS.get(lib_name, ARCHS["transformers"])
        arch = family[row.arch % len(family)]
        middle = (
            DATASETS[row.dataset]
            if row.dataset >= 0
            else TASKS[row.task][1]
            if row.task >= 0
            else "custom"
        )
        return f"{self.author_name(row.author)}/{arch}-{middle}-{b36(row.i)}"

    def index_of(self, model_id: str) -> int | None:
        """Row of ``model_id``: the base-36 suffix is the row, the rest must match."""
        suffix = model_id.rsplit("-", 1)[-1]
        if not suffix or any(c not in B36 for c in suffix):
            return None
        i = int(suffix, 36)
        return i if i < self.size and self.model_id(self.row(i)) == model_id else None

    @cached_property
    def ids(self) -> list[str]:
        """All ids, built on first use only (search and sort=id need them)."""
        chunk = 100_000
        return [
            self.model_id(row)
            for start in range(0, self.size, chunk)
            for row in self.rows(np.arange(start, min(start + chunk, self.size)))
        ]

    def object_id(self, i: int, created_ms: int | None = None) -> str:
        created = int(self.created_ms[i]) if created_ms is None else created_ms
        return f"{created // 1000:08x}{self._salt:06x}{i:010x}"

    def sha(self, i: int) -> str:
        return hashlib.sha1(f"{self.seed}:{i}".encode()).hexdigest()

    # -- tags ---------------------------------------------------------------------------------
    def tags(self, row: Row) -> list[str]:
        tags = []
        if row.library >= 0:
            tags.append(self.library_names[row.library])
            if self.library_names[row.library] == "transformers":
                tags += ["pytorch", "safetensors"]
        if row.task >= 0:
            tags.append(TASKS[row.task][0])
        if row.autotrain:
            tags.append("autotrain")
        if row.language >= 0:
            tags.append(LANGUAGES[row.language])
        if row.dataset >= 0:
            tags.append(f"dataset:{DATASETS[row.dataset]}")
        if row.reporter:
            tags.append("co2_eq_emissions")
        if row.license >= 0:
            tags.append(f"license:{LICENSES[row.license]}")
        tags.append("region:us")
        return tags

    def tag_mask(self, tag: str) -> np.ndarray:
        """Rows whose tags contain ``tag``, computed column-wise (the inverse of ``tags``)."""
        mask = np.zeros(self.size, dtype=bool)
        if tag == "region:us":
            return ~mask
        if tag in self.library_names:
            mask |= self.library == self.library_names.index(tag)
        if tag in ("pytorch", "safetensors"):
            mask |= self.library == self.library_names.index("transformers")
        for code, task in enumerate(TASKS):
            if task[0] == tag:
                mask |= self.task == code
        flags = {"autotrain": self.autotrain, "co2_eq_emissions": self.reporter}
        if tag in flags:
            mask |= flags[tag]
        for prefix, column, vocab in (
            ("", self.language, LANGUAGES),
            ("dataset:", self.dataset, DATASETS),
            ("license:", self.license, LICENSES),
        ):
            if tag.startswith(prefix) and tag[len(prefix) :] in vocab:
                codes = [c for c, v in enumerate(vocab) if v == tag[len(prefix) :]]
                mask |= np.isin(column, codes)
        return mask

    def author_mask(self, author: str) -> np.ndarray:
        """Every author name ends with its code (see ``author_name``)."""
        digits = author[len(author.rstrip("0123456789")) :]
        if not digits or int(digits) >= self.n_authors or self.author_name(int(digits)) != author:
            return np.zeros(self.size, dtype=bool)
        return self.author == int(digits)

    # -- materialisation ----------------------------------------------------------------------
    def card_data(self, row: Row) -> dict | None:
        if row.card < 2:
            return None
        data: dict = {}
        if row.language >= 0:
            data["language"] = [LANGUAGES[row.language]]
        if row.license >= 0:
            data["license"] = LICENSES[row.license]
        if row.dataset >= 0:
            data["datasets"] = [DATASETS[row.dataset]]
        if row.task >= 0:
            data["pipeline_tag"] = TASKS[row.task][0]
        if row.autotrain:
            data["tags"] = ["autotrain"]
        if row.reporter:
            value = row.emissions
            shape = row.emission_shape if row.autotrain else 2
            if shape == 0:
                data["co2_eq_emissions"] = {"emissions": value}
            elif shape == 1:
                data["co2_eq_emissions"] = value  # AutoNLP-era bare number
            else:
                data["co2_eq_emissions"] = {
                    "emissions": value,
                    "source": "codecarbon",
                    "training_type": "fine-tuning",
                    "geographical_location": "Frankfurt, Germany",
                    "hardware_used": HARDWARE[row.i % len(HARDWARE)],
                }
        return data or {"tags": ["generated_from_trainer"]}

    def readme(self, row: Row, model_id: str, card_data: dict | None) -> str | None:
        if row.card == 0:
            return None
        lines = [f"# {model_id.split('/')[-1]}", "", "This model is a fine-tuned checkpoint.", ""]
        if row.reporter:
            lines += [
                "## Validation Metrics",
                "",
                f"- Accuracy: {0.5 + (row.i % 4999) / 10_000:.4f}",
                f"- CO2 Emissions (in grams): {row.emissions:.4f}",
                "",
            ]
        if row.card == 3:  # the study's "context reporting": hardware in the text, no emissions
            lines += [
                "## Environmental Impact",
                "",
                f"- **Hardware Type:** {HARDWARE[row.i % len(HARDWARE)]}",
                f"- **Hours used:** {1 + row.i % 72}",
                "",
            ]
        if row.card == 4:  # the untouched model-card template
            lines += ["## Environmental Impact", ""] + [
                f"- **{k}:** [More Information Needed]"
                for k in (
                    "Hardware Type",
                    "Hours used",
                    "Cloud Provider",
                    "Compute Region",
                    "Carbon Emitted",
                )
            ]
        return front_matter(card_data) + "\n".join(lines) + "\n"

    def record(self, i: int) -> ModelRecord:
        return self.records([i])[0]

    def records(self, indices) -> list[ModelRecord]:
        """Full records of rows ``indices`` (pages and lookups alike)."""
        return [self._record(row) for row in self.rows(indices)]

    def _record(self, row: Row) -> ModelRecord:
        model_id = self.model_id(row)
        library = self.library_names[row.library] if row.library >= 0 else None
        card_data = self.card_data(row)
        api = {
            "_id": self.object_id(row.i, row.created_ms),
            "id": model_id,
            "author": model_id.split("/")[0],
            "sha": self.sha(row.i),
            "lastModified": row.last_modified,
            "createdAt": row.created_shown,
            "private": False,
            "disabled": False,
            "gated": (False, "auto", "manual")[row.gated],
            "downloads": row.downloads,
            "likes": row.likes,
            "trendingScore": row.trending,
            "tags": self.tags(row),
        }
        if row.task >= 0:
            api["pipeline_tag"] = TASKS[row.task][0]
        if library:
            api["library_name"] = library
        if card_data is not None:
            api["cardData"] = card_data
        weights = row.weights_bytes
        if library == "transformers":
            api["safetensors"] = {"parameters": {"F32": weights // 4}, "total": weights // 4}
            api["config"] = {"architectures": ["AutoModel"], "model_type": "bert"}
        weight_file = "model.safetensors" if library == "transformers" else "pytorch_model.bin"
        return ModelRecord(
            api=api,
            files={".gitattributes": 1_519, "config.json": 700 + row.i % 900, weight_file: weights},
            # Rendering YAML is the costliest part of a record: only when the README is asked for.
            readme_source=lambda: self.readme(row, model_id, card_data),
            has_readme=row.card > 0,
            created_real=row.created,
            n_commits=row.n_commits,
        )


class Row(NamedTuple):
    """One generated model as plain Python values (field names = Population columns)."""

    i: int
    created_ms: int
    created_shown_ms: int
    last_modified_ms: int
    downloads: int
    likes: int
    trending: int
    task: int
    library: int
    arch: int
    dataset: int
    language: int
    license: int
    author: int
    reporter: bool
    autotrain: bool
    card: int
    emissions: float
    emission_shape: int
    weights_bytes: int
    n_commits: int
    gated: int
    # ISO renderings of the three timestamps, vectorised in ``Population.rows``
    created: str
    created_shown: str
    last_modified: str


_N_COLUMNS = Row._fields.index("created")


def front_matter(card_data: dict | None) -> str:
    if not card_data:
        return ""
    return "---\n" + yaml.safe_dump(card_data, sort_keys=False, allow_unicode=True) + "---\n\n"
