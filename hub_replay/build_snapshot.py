"""Build the bundled Hub snapshot from the study's published data (developers only).

    python -m hub_replay.build_snapshot /path/to/study-data [--out FILE]

Inputs (see the data MANIFEST): study_2023/HFCO2.csv (1,419 reporters, April 2023),
study_2023/HFClean.csv (48 curated models with card text), hub_extract_2026/
emissions_enrichmentv2.parquet (2,514 reporters, 2026). Output: gzipped JSON lines, one
``{"type": "model", "api", "files", "readme", "created_real", "n_commits"}`` or
``{"type": "dataset", "api", "files"}`` per line, sorted, byte-for-byte reproducible.

What is real: ids (author recovered where possible), emission values and their card fields, tags,
libraries, downloads, likes, study creation dates, weight and dataset sizes, metrics, curated card
text. What is synthesized (deterministic, from hashes of the id): authors that could not be
recovered, missing and 2026 dates, times of day, shas, commit counts, README bodies of
non-curated models, the documented share of messy co2 shapes (``MESSY`` below), and the base model
that repacks declare (``declare_base_models``: the data has no ``base_model``, the Hub does).
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from hub_replay.corpus import SNAPSHOT_PATH
from hub_replay.population import front_matter
from hub_replay.records import PLACEHOLDER_CREATED_AT, git_blob_sha, iso_ms, ms

STUDY_EXTRACT = datetime(2023, 4, 5, tzinfo=UTC)  # the study's full-Hub extract
EXTRACT_2026 = datetime(2026, 4, 15, tzinfo=UTC)
# Canonical models whose author the 2026 extract cannot give us.
KNOWN_AUTHORS = {
    "distilgpt2": "distilbert",
    "dalle-mini": "dalle-mini",
    "dalle-mega": "dalle-mini",
    **dict.fromkeys(("it5-small", "it5-base", "it5-large"), "gsarti"),
}
# Messy co2 shapes real cards have (numbers, dicts, lists, strings with units), as basis points
# of the non-curated reporters, chosen by a hash of the id. Order matters only for reproducibility.
MESSY = [
    ("unit_string", 80),
    ("list_of_dicts", 30),
    ("placeholder", 50),
    ("misspelled_keys", 40),
    ("text_only", 40),
    ("range", 6),
    ("negative", 6),
    ("implausible", 6),
    ("unknown_unit", 10),
    ("prose", 20),
]
PLACEHOLDERS = ["TBD", "[More Information Needed]", "N/A", "unknown", None, ""]
# Name suffixes of repacks: quantized or converted copies, and instruction-tuned finetunes.
QUANTIZED_SUFFIX = re.compile(
    r"[-_.](gguf|gptq|awq|exl2|mlx|onnx|openvino|fp8|fp16|bf16|f16|int4|int8|bnb|[48]bit"
    r"|q\d(_[a-z0-9]+)*)$",
    re.IGNORECASE,
)
FINETUNE_SUFFIX = re.compile(r"[-_.](instruct|chat)$", re.IGNORECASE)


def _h(*parts: object) -> int:
    return int(hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _clean(value):
    """``None`` for NaN/NA and the study's 'Not Specified' filler, else the value."""
    if _missing(value) or (
        isinstance(value, str) and value.strip().lower() in ("not specified", "")
    ):
        return None
    return value


def _literal(text, default):
    if _missing(text):
        return default
    try:
        return ast.literal_eval(text) if isinstance(text, str) and text[:1] in "[{(" else text
    except (ValueError, SyntaxError):
        return default


def _between(key: str, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds())
    return start + timedelta(seconds=_h(key, "date") % max(span, 1))


def _parse_params(value) -> int | None:
    if _missing(value):
        return None
    text = str(value).strip().upper()
    scale = {"B": 1e9, "M": 1e6, "K": 1e3}.get(text[-1:], 1)
    try:
        return int(float(text.rstrip("BMK")) * scale)
    except ValueError:
        return None


@dataclass
class Reporter:
    """One model of the study data, before it is shaped into a Hub record."""

    id: str
    created: datetime
    last_modified: datetime
    emissions: float
    auto: bool
    downloads: int = 0
    likes: int = 0
    library_tags: list[str] = field(default_factory=list)
    pipeline_tag: str | None = None
    languages: list[str] = field(default_factory=list)
    license: str | None = None
    datasets: list[str] = field(default_factory=list)
    source: str | None = None
    training_type: str | None = None
    location: str | None = None
    hardware: str | None = None
    cloud_provider: str | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    weights_bytes: int | None = None
    dataset_bytes: int | None = None  # the study's datasets_size (sum over the cited datasets)
    parameters: int | None = None
    card_text: str | None = None  # curated models: the real card body
    origins: set[str] = field(default_factory=set)
    base_model: tuple[str, str] | None = None  # (relation, base id) the card declares


# -- reading the study data -------------------------------------------------------------------
def _authors_2026(extract: pd.DataFrame) -> dict[str, list[str]]:
    """Name -> authors in the 2026 extract, most liked first (forks reuse popular names)."""
    by_name: dict[str, list[tuple[int, str]]] = {}
    for model_id, likes in zip(extract.model_id, extract.likes, strict=True):
        author, _, name = model_id.rpartition("/")
        by_name.setdefault(name, []).append((-(likes or 0), author))
    return {name: [a for _, a in sorted(pairs)] for name, pairs in by_name.items()}


def _dataset_author(datasets: list[str]) -> str | None:
    for ds in datasets:
        author, _, name = ds.partition("/")
        if name and re.match(r"auto(nlp|train)-data-", name):
            return author.replace(" ", "")
    return None


def _recover_author(name: str, datasets: list[str], by_name: dict[str, list[str]], taken) -> str:
    """HFCO2 strips authors. Try, in order: a known canonical author, the 2026 extract's authors
    of that name (the AutoTrain data repo's owner first, then most liked first), the data repo's
    owner, and finally a stable fake one. ``taken`` holds ids already given to other models."""
    in_2026, owner = by_name.get(name, []), _dataset_author(datasets)
    candidates = [
        KNOWN_AUTHORS.get(name),
        *sorted(in_2026, key=lambda author: author != owner),
        owner,
        f"user{_h(name, len(taken)) % 90_000 + 10_000}",
    ]
    return next(a for a in candidates if a and f"{a}/{name}" not in taken)


_DOMAIN_TASK = {
    "Computer Vision": "image-classification",
    "Audio": "audio-classification",
    "Multimodal": "text-to-image",
}


def _pipeline_tag(name: str, domain: str | None, metrics: dict[str, float]) -> str | None:
    """The study kept domains, not tasks: infer a task consistent with domain and metrics."""
    lowered = name.lower()
    if domain in _DOMAIN_TASK:
        return _DOMAIN_TASK[domain]
    if domain != "NLP":
        return None
    if "rouge1" in metrics:
        return (
            "translation"
            if re.search(r"translat|_[a-z]{2}_[a-z]{2}$|mt5|marian", lowered)
            else "summarization"
        )
    if re.search(r"ner|token|pos", lowered):
        return "token-classification"
    if re.search(r"gpt|kekbot|bloom|generat", lowered):
        return "text-generation"
    return "text-classification"


def read_study(data: Path, by_name: dict[str, list[str]]) -> dict[str, Reporter]:
    co2 = pd.read_csv(data / "study_2023" / "HFCO2.csv")
    clean = pd.read_csv(data / "study_2023" / "HFClean.csv")
    curated: dict[str, list] = {}
    for r in clean.itertuples():
        curated.setdefault(r.modelId, []).append(r)
    # A few curated models (it5-small/base/large) are missing from HFCO2: read them as HFCO2 rows.
    missing = clean[~clean.modelId.isin(co2.modelId)]
    metrics = [
        repr({k: getattr(r, k) for k in ("accuracy", "f1", "rouge1", "rougeL")})
        for r in missing.itertuples()
    ]
    missing = (
        missing.rename(columns={"hardware_used": "environment"})
        .copy()  # HFClean's 138 columns come fragmented
        .assign(performance_metrics=metrics)
        .reindex(columns=co2.columns)
    )
    out: dict[str, Reporter] = {}
    seen: set[tuple] = set()
    for row in [*co2.itertuples(), *missing.itertuples()]:
        datasets = [d for d in _literal(row.datasets, []) if d]
        metrics = {
            k: v for k, v in _literal(row.performance_metrics, {}).items() if not _missing(v)
        }
        key = (row.modelId, str(row.created_at)[:10])
        same_name = curated.get(row.modelId, [])
        cur = next((c for c in same_name if str(c.created_at)[:10] == key[1]), None)
        if cur is None and len(same_name) == 1:
            cur = same_name[0]
        fingerprint = (row.modelId, key[1], row.co2_eq_emissions, row.downloads)
        if fingerprint in seen:
            continue  # the study's merge duplicates: an identical row
        seen.add(fingerprint)
        model_id = f"{_recover_author(row.modelId, datasets, by_name, out)}/{row.modelId}"
        auto = str(row.auto) in ("True", "1")
        if cur is not None:
            created = datetime.fromisoformat(cur.created_at)
            last_modified = datetime.fromisoformat(cur.lastModified)
        else:
            if _clean(row.created_at):
                day = datetime.fromisoformat(row.created_at).replace(tzinfo=UTC)
                created = _between(model_id, day, day + timedelta(days=1))
            elif "autonlp" in row.modelId.lower():
                created = _between(
                    model_id, datetime(2021, 6, 1, tzinfo=UTC), datetime(2022, 3, 1, tzinfo=UTC)
                )
            else:
                created = _between(
                    model_id, datetime(2022, 3, 3, tzinfo=UTC), datetime(2023, 3, 1, tzinfo=UTC)
                )
            last_modified = _between(
                model_id, created, max(created + timedelta(hours=1), STUDY_EXTRACT)
            )
        libs = _literal(row.library_name, [])
        out[model_id] = Reporter(
            id=model_id,
            created=created,
            last_modified=last_modified,
            emissions=float(cur.co2_eq_emissions if cur is not None else row.co2_eq_emissions),
            auto=auto,
            downloads=int(row.downloads),
            likes=int(row.likes),
            library_tags=[lib for lib in libs if isinstance(lib, str)],
            pipeline_tag=_pipeline_tag(row.modelId, _clean(row.domain), metrics),
            datasets=datasets,
            source=_clean(row.source)
            if not (auto is False and row.source == "AutoTrain")
            else None,
            training_type=_clean(row.training_type),
            location=_clean(row.geographical_location),
            hardware=_clean(cur.hardware_used if cur is not None else row.environment),
            cloud_provider=_clean(cur.cloud_provider) if cur is not None else None,
            metrics=metrics,
            weights_bytes=None if _missing(row.size) else int(row.size),
            parameters=_parse_params(cur.parameters) if cur is not None else None,
            card_text=_clean(cur.modelcard_text) if cur is not None else None,
            origins={"HFCO2", "HFClean"} if cur is not None else {"HFCO2"},
            dataset_bytes=None if _missing(row.datasets_size) else int(row.datasets_size),
        )
    return out


def merge_2026(reporters: dict[str, Reporter], extract: pd.DataFrame) -> None:
    """Add the 2026 reporters; for models already known, take the 2026 card and counters."""
    for row in extract.itertuples():
        model_id = row.model_id
        languages = _literal(row.language, [])
        languages = (
            [languages] if isinstance(languages, str) else [x for x in languages if x != "unk"]
        )
        metrics = {
            k: float(getattr(row, k))
            for k in ("accuracy", "f1", "loss", "rouge1", "rougeL")
            if not _missing(getattr(row, k))
        }
        datasets = [d.strip() for d in str(row.datasets or "").split(",") if d.strip()]
        known = reporters.get(model_id)
        if known is None:
            if row.is_autotrain:
                start, end = datetime(2022, 3, 3, tzinfo=UTC), datetime(2024, 9, 1, tzinfo=UTC)
            else:
                start, end = datetime(2022, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
            created = _between(model_id, start, end)
            known = reporters[model_id] = Reporter(
                id=model_id,
                created=created,
                last_modified=_between(model_id, created, EXTRACT_2026),
                emissions=float(row.co2_emissions_grams),
                auto=bool(row.is_autotrain),
                datasets=datasets,
                weights_bytes=None if _missing(row.model_size_mb) else int(row.model_size_mb * 1e6),
            )
        elif known.card_text is None:  # the curated values stay; others follow the 2026 card
            known.emissions = float(row.co2_emissions_grams)
        known.origins.add("2026")
        known.downloads, known.likes = int(row.downloads or 0), int(row.likes or 0)
        if row.library_name and row.library_name not in known.library_tags:
            known.library_tags.insert(0, row.library_name)
        known.pipeline_tag = row.pipeline_tag or known.pipeline_tag
        known.languages = languages or known.languages
        known.license = row.license or known.license
        known.metrics = known.metrics or metrics
        for attr, value in (
            ("source", row.source),
            ("training_type", row.training_type),
            ("location", row.geographical_location),
            ("hardware", row.hardware_used),
        ):
            if getattr(known, attr) is None:
                setattr(known, attr, _clean(value))
        known.parameters = known.parameters or _parse_params(row.parameter_size)


def declare_base_models(reporters: dict[str, Reporter]) -> None:
    """Give repacks the ``base_model`` their card would declare on the Hub (the data lacks it).

    A reporter whose name is another reporter's name plus repack suffixes (``-GGUF``,
    ``-Q4_K_M``, ``-openvino-8bit``, ``-Instruct``...) and that reports the same grams declares
    the nearest such reporter as its base, oldest first among namesakes (the original, not a
    mirror): ``quantized`` when the first suffix stripped is a quantization or conversion, else
    ``finetune``. Same-name mirrors declare nothing, as re-uploads usually do not. A repack is
    younger than its base: a synthesized creation date (2026 extract only) that is not moves to
    after the base's.
    """
    by_name: dict[tuple[str, float], list[Reporter]] = {}
    for r in sorted(reporters.values(), key=lambda r: (r.created, r.id)):
        by_name.setdefault((r.id.split("/")[1].lower(), r.emissions), []).append(r)
    # Shorter names first: a base's name is a strict prefix of its repacks', so its date is final.
    for r in sorted(reporters.values(), key=lambda r: (len(r.id.split("/")[1]), r.id)):
        name, relation = r.id.split("/")[1], None
        while match := QUANTIZED_SUFFIX.search(name) or FINETUNE_SUFFIX.search(name):
            relation = relation or ("quantized" if match.re is QUANTIZED_SUFFIX else "finetune")
            name = name[: match.start()]
            bases = by_name.get((name.lower(), r.emissions))
            if bases:
                r.base_model = (relation, bases[0].id)
                if r.origins == {"2026"} and r.created <= bases[0].created:
                    r.created = _between(r.id, bases[0].created + timedelta(days=1), EXTRACT_2026)
                    r.last_modified = _between(f"{r.id}:modified", r.created, EXTRACT_2026)
                break


# -- shaping Hub records ----------------------------------------------------------------------
def _messy_kind(reporter: Reporter) -> str | None:
    if reporter.card_text is not None:
        return None  # curated cards stay as the study saw them
    bucket, upper = _h(reporter.id, "messy") % 10_000, 0
    for kind, share in MESSY:
        upper += share
        if bucket < upper:
            return kind
    return None


def _with_unit(grams: float, variant: int) -> str:
    if grams >= 1e6:
        return f"{grams / 1e6:g} tonnes"
    if grams >= 1000:
        return (f"{grams / 1000:g} kg", f"{grams:,.1f} g")[variant % 2]
    return (f"{grams:g} g", f"{grams:g} grams", f"{grams:g}g CO2eq")[variant % 3]


def emission_metadata(r: Reporter, kind: str | None):
    """The ``co2_eq_emissions`` value as the card writes it (``...`` = no metadata key)."""
    v = int(r.emissions) if r.emissions.is_integer() and r.emissions > 1e5 else r.emissions
    autonlp = r.auto and (r.created < datetime(2022, 3, 2, tzinfo=UTC) or "autonlp" in r.id.lower())
    variant = _h(r.id, "variant")
    if kind == "text_only":
        return ...
    if kind == "unit_string":
        v = _with_unit(r.emissions, variant)
    elif kind == "placeholder":
        v = PLACEHOLDERS[variant % len(PLACEHOLDERS)]
    elif kind == "range":
        kg = r.emissions / 1000
        v = f"{max(1, round(kg * 0.8))}-{max(2, round(kg * 1.6))} kg"
    elif kind == "negative":
        v = -abs(v) or -1.0
    elif kind == "implausible":
        v = r.emissions * 1e9 + 1e12
    elif kind == "unknown_unit":
        v = f"{r.emissions / 100:g} kWh"
    elif kind == "prose":
        v = f"{r.emissions:g} (in grams of CO2)" if variant % 2 else f"**{r.emissions:g}**"
    if kind == "list_of_dicts":
        return [{"emissions": v}, {"source": r.source or "AutoTrain"}]
    if kind == "misspelled_keys":
        return (
            {"emission": v, "source": r.source or "AutoTrain"}
            if variant % 2
            else {
                "emissions": v,
                "geographic_location": r.location or "us-east-1",
                "hardware used": r.hardware or "1 GPU",
            }
        )
    if autonlp and kind is None:
        return v
    if r.auto:
        return {"emissions": v}
    out = {"emissions": v}
    for key, value in (
        ("source", r.source),
        ("training_type", r.training_type),
        ("geographical_location", r.location),
        ("hardware_used", r.hardware),
    ):
        if value:
            out[key] = value
    if "sentence-transformers" in r.library_tags or "setfit" in r.library_tags:
        out["energy_consumed"] = round(r.emissions / 1000 / 0.35, 6)
    return out


def _autotrain_body(r: Reporter, name: str, text_only_kg: float | None) -> str:
    problem = {
        "summarization": "Summarization",
        "translation": "Translation",
        "token-classification": "Entity Extraction",
        "image-classification": "Image Classification",
    }.get(r.pipeline_tag or "", "Binary Classification")
    tool = "AutoNLP" if "autonlp" in name.lower() else "AutoTrain"
    lines = [
        f"# Model Trained Using {tool}",
        "",
        f"- Problem type: {problem}",
        f"- Model ID: {_h(r.id, 'mid') % 10**10}",
    ]
    if text_only_kg is None:
        lines.append(f"- CO2 Emissions (in grams): {r.emissions:.4f}")
    lines += ["", "## Validation Metrics", ""]
    names = {
        "loss": "Loss",
        "accuracy": "Accuracy",
        "f1": "F1",
        "rouge1": "Rouge1",
        "rougeL": "RougeL",
    }
    lines += [f"- {names[k]}: {v:.3f}" for k, v in r.metrics.items() if k in names] or [
        "- Loss: n/a"
    ]
    lines += ["", "## Usage", "", f"You can use cURL to access this model: `{r.id}`", ""]
    return "\n".join(lines)


def _generic_body(r: Reporter, name: str, carbon_text: str | None) -> str:
    lines = [f"# {name}", "", "Fine-tuned model.", ""]
    if r.metrics:
        lines += ["## Evaluation", ""] + [f"- {k}: {v:.4f}" for k, v in r.metrics.items()] + [""]
    lines += ["## Environmental Impact", ""]
    lines += [
        f"- **Hardware Type:** {r.hardware or '[More Information Needed]'}",
        f"- **Cloud Provider:** {r.cloud_provider or '[More Information Needed]'}",
        f"- **Compute Region:** {r.location or '[More Information Needed]'}",
    ]
    if carbon_text:
        lines.append(f"- **Carbon Emitted:** {carbon_text}")
    return "\n".join(lines) + "\n"


def model_record(r: Reporter) -> dict:
    kind = _messy_kind(r)
    name = r.id.split("/")[-1]
    co2 = emission_metadata(r, kind)
    library = r.library_tags[0] if r.library_tags else None
    card: dict = {}
    if r.languages:
        card["language"] = r.languages if len(r.languages) > 1 else r.languages[0]
    if r.license:
        card["license"] = r.license
    if r.auto:
        card["tags"] = ["autotrain" if "autonlp" not in name.lower() else "autonlp"]
    if r.datasets:
        card["datasets"] = r.datasets
    if r.base_model:
        card["base_model"] = r.base_model[1]
    if co2 is not ...:
        card["co2_eq_emissions"] = co2
    if r.metrics and not r.auto:
        card["model-index"] = [
            {
                "name": name,
                "results": [
                    {
                        "task": {"type": r.pipeline_tag},
                        "metrics": [{"type": k, "value": v} for k, v in r.metrics.items()],
                    }
                ],
            }
        ]
    text_kg = f"{r.emissions / 1000:g} kg" if kind == "text_only" else None
    if r.card_text:
        body = r.card_text.lstrip("\n")
    elif r.auto:
        body = _autotrain_body(r, name, text_kg)
    else:
        body = _generic_body(r, name, text_kg)
    tags = list(dict.fromkeys([*r.library_tags, *([r.pipeline_tag] if r.pipeline_tag else [])]))
    tags += [*card.get("tags", []), *([r.languages[0]] if r.languages else [])]
    tags += [f"dataset:{d}" for d in r.datasets]
    if r.base_model:  # the Hub's tags for a declared base: plain, and with the relation
        relation, base = r.base_model
        tags += [f"base_model:{base}", f"base_model:{relation}:{base}"]
    tags += [
        *(["co2_eq_emissions"] if co2 is not ... else []),
        *(["model-index"] if "model-index" in card else []),
    ]
    tags += [*([f"license:{r.license}"] if r.license else []), "region:us"]
    created_ms = ms(r.created)
    created_ms -= created_ms % 1000
    last_modified_ms = max(ms(r.last_modified), created_ms)
    api = {
        "_id": f"{created_ms // 1000:08x}{_h(r.id, 'oid') % 16**16:016x}",
        "id": r.id,
        "author": r.id.split("/")[0],
        "sha": hashlib.sha1(f"{r.id}:head".encode()).hexdigest(),
        "lastModified": iso_ms(last_modified_ms - last_modified_ms % 1000),
        "createdAt": max(iso_ms(created_ms), PLACEHOLDER_CREATED_AT),
        "private": False,
        "disabled": False,
        "gated": False,
        "downloads": r.downloads,
        "likes": r.likes,
        "trendingScore": 0,
        "tags": list(dict.fromkeys(tags)),
    }
    if r.pipeline_tag:
        api["pipeline_tag"] = r.pipeline_tag
    if library:
        api["library_name"] = library
    if card:
        api["cardData"] = card
    files = {".gitattributes": 1_477, "config.json": 600 + _h(r.id, "cfg") % 1_500}
    if r.weights_bytes:
        safetensors = "safetensors" in r.library_tags or (
            "2026" in r.origins and library == "transformers"
        )
        files["model.safetensors" if safetensors else "pytorch_model.bin"] = r.weights_bytes
        # Only a count the data has: the Hub omits the summary when it cannot read one (e.g. a
        # pytorch_model.bin repo), and a count guessed from the file size would pass for the Hub's.
        if r.parameters:
            api["safetensors"] = {"parameters": {"F32": r.parameters}, "total": r.parameters}
    return {
        "type": "model",
        "api": api,
        "files": files,
        "readme": front_matter(card or None) + body,
        "created_real": iso_ms(created_ms),
        "n_commits": 1 + _h(r.id, "commits") % (3 if r.auto else 8),
        "_messy": kind,  # dropped before writing; counted for the README
    }


def dataset_records(reporters: dict[str, Reporter]) -> list[dict]:
    """Datasets the reporters cite, sized from the study; AutoTrain data repos are private (404)."""
    out: dict[str, dict] = {}
    for r in reporters.values():
        size = r.dataset_bytes
        public = [
            d for d in r.datasets if " " not in d and not re.search(r"auto(nlp|train)-data-", d)
        ]
        for ds in public:
            if ds in out:
                continue
            own = size // len(public) if size else int(10 ** (6 + _h(ds, "size") % 400 / 100))
            configs = 1 + _h(ds, "configs") % 3
            infos = [
                {
                    "config_name": f"config_{k}" if k else "default",
                    "dataset_size": own // configs,
                    "download_size": own // configs // 3,
                    "splits": [
                        {
                            "name": "train",
                            "num_bytes": own // configs,
                            "num_examples": own // configs // 500,
                        }
                    ],
                }
                for k in range(configs)
            ]
            created = _between(
                ds, datetime(2020, 6, 1, tzinfo=UTC), datetime(2023, 1, 1, tzinfo=UTC)
            )
            out[ds] = {
                "type": "dataset",
                "api": {
                    "_id": f"{ms(created) // 1000:08x}{_h(ds, 'oid') % 16**16:016x}",
                    "id": ds,
                    "author": ds.split("/")[0] if "/" in ds else None,
                    "sha": hashlib.sha1(f"{ds}:head".encode()).hexdigest(),
                    "lastModified": iso_ms(ms(created) + _h(ds, "lm") % 10**10),
                    "createdAt": max(iso_ms(ms(created)), PLACEHOLDER_CREATED_AT),
                    "private": False,
                    "disabled": False,
                    "gated": False,
                    "downloads": _h(ds, "dl") % 50_000,
                    "likes": _h(ds, "likes") % 300,
                    "tags": ["region:us"],
                    "cardData": {"dataset_info": infos[0] if configs == 1 else infos},
                    "usedStorage": own // 3,
                },
                "files": {
                    "README.md": 1_000 + own % 5_000,
                    "data/train-00000-of-00001.parquet": own // 3,
                },
            }
    return list(out.values())


def build(data: Path, out: Path) -> dict:
    extract = pd.read_parquet(data / "hub_extract_2026" / "emissions_enrichmentv2.parquet")
    extract = extract.astype(object).where(extract.notna(), None)  # NA -> None, numbers stay
    reporters = read_study(data, _authors_2026(extract))
    merge_2026(reporters, extract)
    declare_base_models(reporters)
    models = [model_record(r) for r in sorted(reporters.values(), key=lambda r: r.id)]
    datasets = sorted(dataset_records(reporters), key=lambda d: d["api"]["id"])
    stats = {
        "models": len(models),
        "datasets": len(datasets),
        "origins": dict(Counter("+".join(sorted(r.origins)) for r in reporters.values())),
        "messy": dict(Counter(m.pop("_messy") or "regular" for m in models)),
        "base_model": dict(Counter(r.base_model[0] for r in reporters.values() if r.base_model)),
        "with_co2_tag": sum("co2_eq_emissions" in m["api"]["tags"] for m in models),
        "with_parameters": sum("safetensors" in m["api"] for m in models),
        "placeholder_created_at": sum(
            m["api"]["createdAt"] == PLACEHOLDER_CREATED_AT for m in models
        ),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # No name, no mtime in the gzip header: identical bytes on every build.
    with open(out, "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz:
        for row in models + datasets:
            gz.write(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    stats["bytes"] = out.stat().st_size
    stats["sha1"] = git_blob_sha(out.read_bytes())
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data directory (holds MANIFEST.md)")
    parser.add_argument("--out", type=Path, default=SNAPSHOT_PATH)
    args = parser.parse_args()
    print(json.dumps(build(args.data, args.out), indent=2))


if __name__ == "__main__":
    main()
