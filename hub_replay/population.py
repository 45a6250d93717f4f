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
_GEN = [t[0] for t in TASKS].index("text-generation")
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
# Lineage (see README "Families"): how a declared child relates to its parents, as the Hub's tags
# `base_model:<relation>:<id>` name it. Codes are the `relation` column; -1 declares nothing.
RELATIONS = ("finetune", "adapter", "quantized", "merge")
FINETUNE, ADAPTER, QUANTIZED, MERGE = range(4)
# Share of the rows with card metadata that declare a base, by creation date: base_model came
# into use in 2023 and is common since.
DECLARE_SHARE = [((2022, 6), 0.03), ((2023, 6), 0.3), ((2025, 1), 0.55)]
# A declaring model's kind (finetune, adapter, quantized, merge).
KIND_SHARE = [0.6, 0.15, 0.2, 0.05]
# Safetensors dtypes (name, bytes per parameter); a family keeps its root's.
DTYPES = (("F32", 4), ("BF16", 2))
# The GGUF header fields of an architecture, by the ARCHS name a family's ids carry.
GGUF_ARCH = {"llama-2-7b": "llama", "mistral-7b": "llama", "gpt2": "gpt2", "opt-125m": "opt"}
# Bad input (README "Bad input"): rows counted from the end of a population of at least
# BAD_INPUT_MIN_SIZE models. A chain of DEEP_CHAIN models (its root, then DEEP_CHAIN - 1
# fine-tunes each of the previous), then one row per other case.
BAD_INPUT_MIN_SIZE = 200
DEEP_CHAIN = 41
BAD_CASES = (
    "self_base",
    "cycle_a",
    "cycle_b",
    "empty_base_tag",
    "unknown_relation",
    "base_list_60",
)
BAD_INPUT_ROWS = DEEP_CHAIN + len(BAD_CASES) + 1  # and the population's last row, left alone
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


def _pick(
    rng: np.random.Generator,
    candidates: np.ndarray,
    weight: np.ndarray,
    group: np.ndarray,
    children: np.ndarray,
) -> np.ndarray:
    """For each child row, a candidate row of its group created before it (a lower row),
    chosen with probability proportional to ``weight``; -1 where there is none. Vectorised:
    candidates sorted by (group, row), a child's choices are a contiguous run of them."""
    if not len(candidates) or not len(children):
        return np.full(len(children), -1, dtype=np.int64)
    span = np.int64(len(group))
    keys = group[candidates] * span + candidates
    order = np.argsort(keys, kind="stable")
    keys, rows = keys[order], candidates[order]
    cumulative = np.concatenate([[0.0], np.cumsum(weight[rows])])
    lo = np.searchsorted(keys, group[children] * span)
    hi = np.searchsorted(keys, group[children] * span + children)
    target = cumulative[lo] + rng.random(len(children)) * (cumulative[hi] - cumulative[lo])
    chosen = np.clip(np.searchsorted(cumulative, target, side="right") - 1, lo, hi - 1)
    return np.where(hi > lo, rows[np.maximum(chosen, 0)], -1)


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
        self._families()

    # -- lineage ------------------------------------------------------------------------------
    def _families(self) -> None:
        """Bases, the parents each declaring model names, and the parameters a family shares.

        Its own random stream, drawn after every other column: the columns above stay exactly
        as they were. Parents are created before their children (bar the bad input), chosen
        by popularity among the earlier models of the same library and task, stage by stage:
        fine-tunes and adapters of bases, then of fine-tunes, then quantizations of those."""
        n, rng = self.size, np.random.default_rng([self.seed, 0x4C494E45])
        knots = [ms(datetime(y, m, 1, tzinfo=UTC)) for (y, m), _ in DECLARE_SHARE]
        share = np.interp(self.created_ms, knots, [p for _, p in DECLARE_SHARE])
        declares = (self.card >= 2) & (rng.random(n) < share)
        transformers = self.library == self.library_names.index("transformers")
        kind = rng.choice(len(KIND_SHARE), size=n, p=KIND_SHARE).astype(np.int8)
        # Quantizations (GGUF, AWQ) are of transformers models, LoRAs and merges also of diffusers.
        lora = transformers | (self.library == self.library_names.index("diffusers"))
        kind[((kind == QUANTIZED) & ~transformers) | ((kind != QUANTIZED) & ~lora)] = FINETUNE
        # Depth of the parent sought: 0 a base, 1 a fine-tune of one, 2 a fine-tune of that.
        thresholds = np.array([[0.75, 1.0], [0.7, 1.0], [0.2, 0.7], [1.0, 1.0]])[kind]
        level = (rng.random(n)[:, None] > thresholds).sum(axis=1).astype(np.int8)
        # Open (CodeCarbon) reporters are often the bases that pretrain; AutoTrain runs fine-tune.
        open_reporter = self.reporter & ~self.autotrain
        p_base = np.where(open_reporter, 0.3, np.where(self.autotrain, 0.0, 0.006))
        self.is_base = ~declares & (rng.random(n) < p_base)
        weight = rng.pareto(1.1, n) + 1.0  # popularity: heavy-tailed children per parent
        group = (self.library.astype(np.int64) + 1) * 32 + self.task + 1  # library and task
        if n >= BAD_INPUT_MIN_SIZE:  # the bad input's rows take part in nothing else
            declares[n - BAD_INPUT_ROWS :] = self.is_base[n - BAD_INPUT_ROWS :] = False
        self.dtype = np.where(
            (self.created_ms >= ms("2023-01-01T00:00:00Z")) & (self.task == _GEN), 1, 0
        ).astype(np.int8)
        self.params = self.weights_bytes // np.array([b for _, b in DTYPES])[self.dtype]
        self.parent = np.full(n, -1, dtype=np.int32)
        self.relation = np.full(n, -1, dtype=np.int8)
        self.depth = np.zeros(n, dtype=np.int8)
        # Parents no longer (or never publicly) on the Hub: deleted or private foundations.
        self.n_withdrawn = max(2, int(self.is_base.sum()) // 40)
        self.withdrawn_params = np.exp(rng.normal(np.log(7e9), 1.0, self.n_withdrawn)).astype(
            np.int64
        )

        def adopt(children: np.ndarray, parents: np.ndarray, relation: np.ndarray) -> None:
            self.parent[children], self.relation[children] = parents, relation
            self.depth[children] = self.depth[parents] + 1
            for column in (self.dtype, self.params, self.weights_bytes, self.arch):
                column[children] = column[parents]

        for stage in range(3):
            seeking = declares & (kind != MERGE) & (level == stage)
            if stage == 0:
                candidates = self.is_base
            else:  # a fine-tune one level up, else a base
                candidates = (self.depth == stage) & (self.relation == FINETUNE)
            children = np.flatnonzero(seeking)
            parents = _pick(rng, np.flatnonzero(candidates), weight, group, children)
            if stage:
                lost = parents < 0
                parents[lost] = _pick(
                    rng, np.flatnonzero(self.is_base), weight, group, children[lost]
                )
            found = parents >= 0
            adopt(children[found], parents[found], kind[children[found]])
            if stage == 0:  # a few name a parent that is not on the Hub
                orphans = children[~found & (rng.random(len(children)) < 0.5)]
                orphans = np.concatenate([orphans, children[found][rng.random(found.sum()) < 0.02]])
                k = rng.integers(0, self.n_withdrawn, len(orphans))
                self.parent[orphans], self.relation[orphans] = -2 - k, kind[orphans]
                self.depth[orphans] = 1
                self.params[orphans] = self.withdrawn_params[k]
                self.weights_bytes[orphans] = self.params[orphans] * 2
                self.dtype[orphans] = 1
        self._merges(rng, declares & (kind == MERGE), weight, group)
        # What each kind's repo holds: adapters are PEFT LoRAs, most quantizations GGUF files.
        adapters = (self.relation == ADAPTER) & transformers
        self.library[adapters] = self.library_names.index("peft")
        ggufs = (self.relation == QUANTIZED) & (rng.random(n) < 0.75)
        self.library[ggufs] = self.library_names.index("gguf")
        self.weights_bytes[ggufs] = self.params[ggufs] * 9 // 16  # Q4_K_M: 4.5 bits a parameter
        self.weights_bytes[(self.relation == QUANTIZED) & ~ggufs] //= 4  # AWQ/GPTQ int4
        # How the card writes it: bit 0 base_model_relation given, bit 1 a single base as a
        # list, bit 2 the card only (no base_model tags: the Hub could not resolve the id).
        told = rng.random(n) < np.array([0.1, 0.4, 0.5, 0.8, 0.0])[self.relation]  # -1: 0.0
        as_list = rng.random(n) < 0.15
        card_only = (self.parent < -1) & (rng.random(n) < 0.5)
        self.lineage_form = (told | as_list << 1 | card_only << 2).astype(np.int8)
        # The bases carry most downloads: twice the rest of the Hub, by popularity.
        bases = np.flatnonzero(self.is_base)
        if len(bases):
            total = 2 * int(self.downloads.sum())
            self.downloads[bases] += (total * weight[bases] / weight[bases].sum()).astype(np.int64)
        self._bad_input(weight)

    def _merges(self, rng, merges: np.ndarray, weight: np.ndarray, group: np.ndarray) -> None:
        """Merges of 2-4 fine-tunes (or bases); ``merge_parents`` holds a merge's parents by
        row of ``merge_rows``, padded with -1; the first is its ``parent``."""
        children = np.flatnonzero(merges)
        candidates = np.flatnonzero(
            self.is_base | ((self.relation == FINETUNE) & (self.parent >= 0))
        )
        picks = np.stack(
            [_pick(rng, candidates, weight, group, children) for _ in range(4)], axis=1
        )
        wanted = rng.choice([2, 3, 4], size=len(children), p=[0.6, 0.3, 0.1])
        picks[np.arange(4) >= wanted[:, None]] = -1
        picks = np.sort(np.where(picks < 0, np.iinfo(np.int32).max, picks), axis=1)
        picks[:, 1:][picks[:, 1:] == picks[:, :-1]] = np.iinfo(np.int32).max  # distinct parents
        picks = np.sort(picks, axis=1)
        picks[picks == np.iinfo(np.int32).max] = -1
        kept = (picks >= 0).sum(axis=1) >= 2
        self.merge_rows, self.merge_parents = children[kept], picks[kept].astype(np.int32)
        self.parent[self.merge_rows] = self.merge_parents[:, 0]
        self.relation[self.merge_rows] = MERGE
        depths = np.where(self.merge_parents >= 0, self.depth[self.merge_parents], 0)
        self.depth[self.merge_rows] = depths.max(axis=1) + 1
        for column in (self.dtype, self.params, self.weights_bytes, self.arch):
            column[self.merge_rows] = column[self.merge_parents[:, 0]]

    def _bad_input(self, weight: np.ndarray) -> None:
        """The rows of README "Bad input" (from the end of the population, when it is large
        enough): ``bad_input`` maps each case to its rows."""
        self.bad_input: dict[str, list[int]] = {}
        self._bad_case: dict[int, str] = {}
        self.base_list_60: list[int] = []
        n = self.size
        if n < BAD_INPUT_MIN_SIZE:
            return
        start = n - BAD_INPUT_ROWS
        chain = np.arange(start, start + DEEP_CHAIN)
        self.is_base[chain[0]] = True
        self.parent[chain[1:]], self.relation[chain[1:]] = chain[:-1], FINETUNE
        self.depth[chain] = np.minimum(np.arange(DEEP_CHAIN), np.iinfo(np.int8).max)
        for column in (self.dtype, self.params, self.weights_bytes, self.arch):
            column[chain] = column[chain[0]]
        self.bad_input["deep_chain"] = chain.tolist()
        rows = dict(zip(BAD_CASES, range(start + DEEP_CHAIN, n - 1), strict=True))
        bases = np.flatnonzero(self.is_base[:start])
        heaviest = bases[np.argsort(-weight[bases], kind="stable")]
        self.parent[rows["self_base"]] = rows["self_base"]
        self.parent[rows["cycle_a"]] = rows["cycle_b"]
        self.parent[rows["cycle_b"]] = rows["cycle_a"]
        self.parent[rows["unknown_relation"]] = heaviest[0] if len(heaviest) else 0
        self.base_list_60 = (heaviest if len(heaviest) >= 60 else np.arange(60))[:60].tolist()
        self.parent[rows["base_list_60"]] = self.base_list_60[0]
        for case, row in rows.items():
            self.relation[row] = -1 if case == "empty_base_tag" else FINETUNE
            self.bad_input[case] = [row]
            self._bad_case[row] = case
        self.relation[rows["base_list_60"]] = MERGE
        self.card[start:] = np.maximum(self.card[start:], 2)  # lineage lives in the metadata
        self.lineage_form[start:] = 0

    def family_statistics(self) -> dict[str, object]:
        """The families' shape, from the columns (``python -m hub_replay families``)."""
        declared = self.parent != -1
        on_hub = self.parent >= 0
        finetunes = np.bincount(
            self.parent[on_hub & (self.relation == FINETUNE) & self.is_base[self.parent * on_hub]],
            minlength=self.size,
        )[self.is_base]
        descendants = np.zeros(self.size, dtype=bool)
        descendants[self.parent[on_hub]] = True
        quantized = self.relation == QUANTIZED
        parents_per_merge = (self.merge_parents >= 0).sum(axis=1)
        library = np.array(self.library_names)[self.library]
        return {
            "models": self.size,
            "bases": int(self.is_base.sum()),
            "bases with descendants": int((self.is_base & descendants).sum()),
            "reporting bases": int((self.is_base & self.reporter).sum()),
            "declaring a parent": int(declared.sum()),
            **{name: int((self.relation == code).sum()) for code, name in enumerate(RELATIONS)},
            "fine-tunes per base (p50/p90/p99/max)": [
                int(v) for v in np.percentile(finetunes, [50, 90, 99, 100])
            ]
            if len(finetunes)
            else [],
            "share of base fine-tunes under the top 1% of bases": round(
                float(np.sort(finetunes)[::-1][: max(1, len(finetunes) // 100)].sum())
                / max(1, int(finetunes.sum())),
                3,
            ),
            "quantizations at depth 1/2/3": [
                int((quantized & (self.depth == d)).sum()) for d in (1, 2, 3)
            ],
            "merges with 2/3/4 parents": [int((parents_per_merge == k).sum()) for k in (2, 3, 4)],
            "depth of declaring models": {
                int(d): int(c) for d, c in enumerate(np.bincount(self.depth[declared])) if c
            },
            "declaring a parent not on the Hub": int((self.parent < -1).sum()),
            "parents not on the Hub": len(np.unique(self.parent[self.parent < -1])),
            "card-only lineage (no base_model tags)": int(
                (declared & (self.lineage_form & 4 > 0)).sum()
            ),
            "safetensors": int(np.isin(library, ["transformers", "peft"]).sum()),
            "gguf": int((library == "gguf").sum()),
            "share of downloads on bases": round(
                float(self.downloads[self.is_base].sum()) / max(1, int(self.downloads.sum())), 3
            ),
            "bad input": {
                case: self.model_id(self.row(rows[-1])) for case, rows in self.bad_input.items()
            },
        }

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

    def withdrawn_id(self, k: int) -> str:
        """A parent not on the Hub: never a generated id (no ``-<row>`` suffix of one)."""
        return f"withdrawn-{_ORG[k % len(_ORG)]}/foundation-{k}-base"

    def parents_of(self, rows: list[Row]) -> dict[int, list[str]]:
        """The ids of the parents each of ``rows`` declares (one gather for the whole page)."""
        wanted = {}
        for row in rows:
            if row.parent == -1:  # no lineage (the empty base_model tag included)
                continue
            if row.relation == MERGE:
                at = np.searchsorted(self.merge_rows, row.i)
                if at < len(self.merge_rows) and self.merge_rows[at] == row.i:
                    wanted[row.i] = [p for p in self.merge_parents[at].tolist() if p >= 0]
                    continue
            wanted[row.i] = (
                self.base_list_60 if self._bad_case.get(row.i) == "base_list_60" else [row.parent]
            )
        needed = sorted({p for parents in wanted.values() for p in parents if p >= 0})
        known = dict(zip(needed, (self.model_id(r) for r in self.rows(needed)), strict=True))
        return {
            i: [known[p] if p >= 0 else self.withdrawn_id(-2 - p) for p in parents]
            for i, parents in wanted.items()
        }

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
    def tags(self, row: Row, parents: list[str] | None = None) -> list[str]:
        """The Hub's tags; ``parents`` (from ``parents_of``) adds the declared lineage."""
        if parents is None:
            parents = self.parents_of([row]).get(row.i, [])
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
        tags += self._lineage_tags(row, parents)
        if row.reporter:
            tags.append("co2_eq_emissions")
        if row.license >= 0:
            tags.append(f"license:{LICENSES[row.license]}")
        tags.append("region:us")
        return tags

    def _lineage_tags(self, row: Row, parents: list[str]) -> list[str]:
        """``base_model:<id>`` and ``base_model:<relation>:<id>`` per parent, as the Hub
        computes them from the card; none when only the card declares them."""
        case = self._bad_case.get(row.i)
        if case == "empty_base_tag":
            return ["base_model:"]
        if not parents or row.lineage_form & 4 or case == "base_list_60":
            return []
        relation = "distillation" if case == "unknown_relation" else RELATIONS[row.relation]
        return [f"base_model:{p}" for p in parents] + [
            f"base_model:{relation}:{p}" for p in parents
        ]

    def _lineage_mask(self, tag: str) -> np.ndarray:
        """Rows tagged ``tag`` (a ``base_model:`` tag): candidates from the columns, then
        each candidate's own tags."""
        parent_id = tag.removeprefix("base_model:")
        head, _, rest = parent_id.partition(":")
        if rest and "/" not in head:  # base_model:<relation>:<id>
            parent_id = rest
        index = self.index_of(parent_id)
        withdrawn = [k for k in range(self.n_withdrawn) if self.withdrawn_id(k) == parent_id]
        code = index if index is not None else -2 - withdrawn[0] if withdrawn else None
        candidates = set(self._bad_case)
        if code is not None:
            candidates.update(np.flatnonzero(self.parent == code).tolist())
            candidates.update(self.merge_rows[(self.merge_parents == code).any(axis=1)].tolist())
        rows = self.rows(sorted(candidates))
        parents = self.parents_of(rows)
        mask = np.zeros(self.size, dtype=bool)
        for row in rows:
            mask[row.i] = tag in self._lineage_tags(row, parents.get(row.i, []))
        return mask

    def tag_mask(self, tag: str) -> np.ndarray:
        """Rows whose tags contain ``tag``, computed column-wise (the inverse of ``tags``)."""
        if tag.startswith("base_model:"):
            return self._lineage_mask(tag)
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
    def card_data(self, row: Row, parents: list[str] | None = None) -> dict | None:
        if row.card < 2:
            return None
        if parents is None:
            parents = self.parents_of([row]).get(row.i, [])
        data: dict = {}
        case = self._bad_case.get(row.i)
        if parents:  # what the Hub's base_model tags are computed from
            single = len(parents) == 1 and row.relation != MERGE and not row.lineage_form & 2
            data["base_model"] = parents[0] if single else parents
            if case == "unknown_relation":
                data["base_model_relation"] = "distillation"
            elif row.lineage_form & 1 or case == "base_list_60":
                data["base_model_relation"] = RELATIONS[row.relation]
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
                    "training_type": "pre-training" if row.is_base else "fine-tuning",
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
        rows = self.rows(indices)
        parents = self.parents_of(rows)
        return [self._record(row, parents.get(row.i, [])) for row in rows]

    def _record(self, row: Row, parents: list[str]) -> ModelRecord:
        model_id = self.model_id(row)
        library = self.library_names[row.library] if row.library >= 0 else None
        card_data = self.card_data(row, parents)
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
            "tags": self.tags(row, parents),
        }
        if row.task >= 0:
            api["pipeline_tag"] = TASKS[row.task][0]
        if library:
            api["library_name"] = library
        if card_data is not None:
            api["cardData"] = card_data
        weights = row.weights_bytes
        weight_file = "pytorch_model.bin"
        if library == "transformers":
            api["safetensors"] = self._safetensors(row)
            api["config"] = {"architectures": ["AutoModel"], "model_type": "bert"}
            weight_file = "model.safetensors"
        elif library == "peft":  # a LoRA adapter: its own small share of the base's parameters
            adapter = max(1, row.params // 256)
            api["safetensors"] = {"parameters": {"F32": adapter}, "total": adapter}
            weight_file = "adapter_model.safetensors"
        elif library == "gguf":
            api["gguf"] = self._gguf(row, weights)
            weight_file = f"{model_id.split('/')[-1]}.Q4_K_M.gguf"
        return ModelRecord(
            api=api,
            files={".gitattributes": 1_519, "config.json": 700 + row.i % 900, weight_file: weights},
            # Rendering YAML is the costliest part of a record: only when the README is asked for.
            readme_source=lambda: self.readme(row, model_id, card_data),
            has_readme=row.card > 0,
            created_real=row.created,
            n_commits=row.n_commits,
        )

    def _safetensors(self, row: Row) -> dict:
        """Parameters by dtype: the family's; an AWQ/GPTQ quantization packs 8 int4 weights
        into each I32 and keeps F16 scales."""
        if row.relation == QUANTIZED:
            packed = {"I32": row.params // 8, "F16": row.params // 64}
            return {"parameters": packed, "total": sum(packed.values())}
        return {"parameters": {DTYPES[row.dtype][0]: row.params}, "total": row.params}

    def _gguf(self, row: Row, file_bytes: int) -> dict:
        """The GGUF header summary the Hub shows: the parent's parameters, Q4_K_M file."""
        arch = ARCHS["transformers"][row.arch % len(ARCHS["transformers"])]
        header = {
            "total": row.params,
            "architecture": GGUF_ARCH.get(arch, arch.split("-")[0]),
            "context_length": (2048, 4096, 8192, 32768, 131072)[row.arch % 5],
        }
        if GGUF_ARCH.get(arch) == "llama":  # chat models ship a template; absent otherwise
            header["chat_template"] = "{% for m in messages %}{{ m.content }}{% endfor %}"
        return {**header, "bos_token": "<s>", "eos_token": "</s>", "totalFileSize": file_bytes}


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
    is_base: bool
    dtype: int
    params: int
    parent: int
    relation: int
    lineage_form: int
    # ISO renderings of the three timestamps, vectorised in ``Population.rows``
    created: str
    created_shown: str
    last_modified: str


_N_COLUMNS = Row._fields.index("created")
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(card_data: dict | None) -> str:
    if not card_data:
        return ""
    # libyaml's emitter: the same text as the pure-Python one, five times faster.
    text = yaml.dump(card_data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True)
    return "---\n" + text + "---\n\n"
