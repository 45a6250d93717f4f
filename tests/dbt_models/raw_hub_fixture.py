"""A small raw_hub schema, shaped exactly like the dlt loader's tables (docs/architecture.md).

Rows are modelled on real Hub cards: every shape in which `co2_eq_emissions` is written (bare
number, dict, misspelled keys, list of dicts, strings with units, placeholders, zeros, junk),
AutoTrain and template card bodies, deleted models, placeholder creation dates.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from hubcarbon_settings import HUB_CREATED_AT_PLACEHOLDER
from pipelines.hf_hub.helpers import claim_state

LOAD_ID = "1764374400.123456"

_DDL = """
create schema if not exists raw_hub;
create table raw_hub._dlt_loads (
    load_id varchar, schema_name varchar, status bigint, inserted_at timestamptz,
    schema_version_hash varchar);
create table raw_hub.models (
    id varchar, author varchar, sha varchar, created_at timestamptz, last_modified timestamptz,
    downloads bigint, downloads_all_time bigint, likes bigint, tags json, pipeline_tag varchar,
    library_name varchar, gated varchar, private boolean, disabled boolean, card_data json,
    safetensors json, gguf json, _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.emission_reporters as select * from raw_hub.models limit 0;
create table raw_hub.model_deletions (
    id varchar, deleted_at timestamptz, _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.model_cards (
    model_id varchar, sha varchar, status varchar, card_text varchar, fetched_at timestamptz,
    _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.model_sizes (
    model_id varchar, sha varchar, parameters bigint, used_storage_bytes bigint, siblings json,
    fetched_at timestamptz, _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.dataset_sizes (
    dataset_id varchar, sha varchar, status varchar, dataset_size_bytes bigint,
    used_storage_bytes bigint, fetched_at timestamptz, _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.load_endpoints (
    load_id varchar, endpoint varchar, endpoint_kind varchar, _dlt_load_id varchar,
    _dlt_id varchar);
create table raw_hub.model_claim_observations (
    model_id varchar, sha varchar, tags json, co2_eq_emissions json, is_deleted boolean,
    claim_hash varchar, load_id varchar, _dlt_load_id varchar, _dlt_id varchar);
create schema if not exists raw_builds;
create table raw_builds.efficiency_label_boundaries (
    load_id varchar, metric varchar, label_variant varchar, is_higher_better boolean,
    weight double, percentiles varchar, is_computed_on_sqrt_index boolean,
    reference_model_id varchar, reference_value double, index_boundary_ab double,
    value_boundary_ab double, index_boundary_bc double, value_boundary_bc double,
    index_boundary_cd double, value_boundary_cd double, index_boundary_de double,
    value_boundary_de double, _dlt_load_id varchar, _dlt_id varchar);
create table raw_builds.efficiency_labels (
    load_id varchar, model_id varchar, efficiency_label varchar, efficiency_label_paper varchar,
    _dlt_load_id varchar, _dlt_id varchar);
create table raw_hub.model_first_commits (
    model_id varchar, first_commit_id varchar, first_commit_at timestamptz, fetched_at timestamptz,
    _dlt_load_id varchar, _dlt_id varchar);
"""

AUTOTRAIN_BODY = """
# Model Trained Using AutoTrain

- Problem type: Binary Classification
- Model ID: 123456
- CO2 Emissions (in grams): {co2}

## Validation Metrics

- Loss: 0.21
- Accuracy: 0.9{acc}
- Precision: 0.91
- Recall: 0.95
- AUC: 0.97
- F1: 0.93
"""

TEMPLATE_BODY = """
## Environmental Impact

Carbon emissions can be estimated using the [Machine Learning Impact calculator](https://mlco2.github.io/impact#compute).

- **Hardware Type:** {hardware}
- **Hours used:** {hours}
- **Cloud Provider:** {cloud}
- **Compute Region:** {region}
- **Carbon Emitted:** {carbon}
"""

MORE = "[More Information Needed]"


def _model(
    model_id,
    *,
    card=None,
    tags=(),
    created=None,
    modified="2023-01-10T10:00:00Z",
    downloads=10,
    likes=0,
    pipeline_tag="text-classification",
    library="transformers",
    safetensors=None,
    gguf=None,
):
    co2 = card is not None and "co2_eq_emissions" in card
    all_tags = [*tags, *(["co2_eq_emissions"] if co2 else []), "region:us"]
    if pipeline_tag:
        all_tags.append(pipeline_tag)
    return {
        "id": model_id,
        "author": model_id.split("/")[0] if "/" in model_id else None,
        "sha": f"sha-{model_id}",
        "created_at": created or "2022-06-01T00:00:00Z",
        "last_modified": modified,
        "downloads": downloads,
        "downloads_all_time": downloads * 5,
        "likes": likes,
        "tags": json.dumps(all_tags),
        "pipeline_tag": pipeline_tag,
        "library_name": library,
        "gated": "false",
        "private": False,
        "disabled": False,
        "card_data": None if card is None else json.dumps(card),
        "safetensors": None if safetensors is None else json.dumps(safetensors),
        "gguf": None if gguf is None else json.dumps(gguf),
    }


# (model row, card text or None, sizes or None): sizes are (parameters, bytes of all weight files,
# bytes of pytorch_model.bin, used storage), written as the files the Hub would list (_siblings).
MODELS = [
    # --- the study's anchors
    (
        _model(
            "distilbert/distilgpt2",
            tags=["gpt2", "pytorch", "transformers"],
            downloads=1172830,
            likes=170,
            pipeline_tag="text-generation",
            created=HUB_CREATED_AT_PLACEHOLDER,
            card={
                "datasets": ["openwebtext"],
                "co2_eq_emissions": {
                    "emissions": 149200,
                    "source": "mlco2.github.io/impact",
                    "training_type": "pretraining",
                    "geographical_location": "Iowa, USA",
                    "hardware_used": "8 16GB V100",
                },
            },
        ),
        None,
        (81912576, 352833716, 352833716, 2_000_000_000),
    ),
    (
        _model(
            "bigscience/bloom",
            tags=["bloom", "pytorch"],
            downloads=5000,
            likes=4000,
            pipeline_tag="text-generation",
            card={
                "co2_eq_emissions": {
                    "emissions": 24_700_000,
                    "source": "Estimating the Carbon Footprint of BLOOM, a "
                    "176B Parameter Language Model. https://arxiv.org/abs/2211.02001",
                    "training_type": "pre-training",
                    "geographical_location": "Orsay, France",
                    "hardware_used": "384 A100 80GB GPUs",
                }
            },
        ),
        None,
        (176_000_000_000, 360_000_000_000, None, 375_000_000_000),
    ),
    # --- a quantized copy carrying distilgpt2's card, value included: one training run, twice
    (
        _model(
            "quant/distilgpt2-GGUF",
            tags=[
                "gguf",
                "base_model:distilbert/distilgpt2",
                "base_model:quantized:distilbert/distilgpt2",
            ],
            pipeline_tag="text-generation",
            created="2024-05-01T00:00:00Z",
            card={
                "base_model": "distilbert/distilgpt2",
                "co2_eq_emissions": {"emissions": 149200, "hardware_used": "8 16GB V100"},
            },
        ),
        None,
        None,
    ),
    # --- AutoTrain / AutoNLP: bare number (AutoNLP 2021) and dict (AutoTrain 2022-23)
    (
        _model(
            "abhishek/autonlp-imdb-1",
            tags=["autonlp", "pytorch"],
            created="2021-10-12T08:00:00Z",
            card={"co2_eq_emissions": 12.99, "datasets": ["abhishek/autonlp-data-imdb"]},
        ),
        AUTOTRAIN_BODY.format(co2="12.99", acc="4"),
        (None, 438_000_000, 438_000_000, None),
    ),
    (
        _model(
            "user/autotrain-news-2",
            tags=["autotrain", "pytorch"],
            created="2023-02-11T08:00:00Z",
            card={"co2_eq_emissions": {"emissions": 1.3987}},
        ),
        AUTOTRAIN_BODY.format(co2="1.3987", acc="1"),
        (110_000_000, 440_000_000, 440_000_000, None),
    ),
    (
        _model(
            "user/autotrain-zero-3",
            tags=["autotrain"],
            created="2023-03-01T08:00:00Z",
            card={"co2_eq_emissions": {"emissions": 0}},
        ),
        AUTOTRAIN_BODY.format(co2="0", acc="0"),
        None,
    ),
    (
        _model(
            "user/autotrain-vision-4",
            tags=["autotrain", "vit"],
            created="2023-03-05T08:00:00Z",
            pipeline_tag="image-classification",
            card={"co2_eq_emissions": {"emissions": 0.73}},
        ),
        AUTOTRAIN_BODY.format(co2="0.73", acc="7"),
        (86_000_000, 343_000_000, None, None),
    ),
    # --- hand-written dicts with units, misspelled keys, lists of dicts
    (
        _model(
            "lab/codecarbon-kg",
            tags=["sentence-transformers", "feature-extraction"],
            pipeline_tag="sentence-similarity",
            card={
                "co2_eq_emissions": {
                    "emissions": "1.2 kgCO2eq",
                    "source": "codecarbon",
                    "training_type": "fine-tuning",
                    "on_cloud": False,
                    "cpu_model": "AMD EPYC 7B12",
                    "hours_used": 0.4,
                    "hardware_used": "1 x NVIDIA A100-SXM4-40GB",
                }
            },
        ),
        None,
        None,
    ),
    (
        _model(
            "lab/misspelled-keys",
            card={
                "co2_eq_emissions": {
                    "Emissions": "3,5 g",
                    "Source": "Code Carbon",
                    "geographic_location": "Eemshaven, Netherlands, Europe (GCP)",
                    "hardware used": "1 TPU v3-8 VM",
                    "Training Type": "fine tuning",
                }
            },
        ),
        None,
        None,
    ),
    (
        _model(
            "lab/list-of-dicts",
            card={
                "co2_eq_emissions": [
                    {"emissions": "0.5 t"},
                    {"source": "CarbonTracker"},
                    {"training_type": "pretraining + fine-tuning"},
                    {"geographical_location": "us-east-1"},
                    {"hardware_used": "4xRTX 3090"},
                ]
            },
        ),
        None,
        None,
    ),
    (_model("lab/tons-string", card={"co2_eq_emissions": "~2.3 metric tons CO2e"}), None, None),
    (_model("lab/mg-string", card={"co2_eq_emissions": "**450 mg**"}), None, None),
    (
        _model("lab/grams-of-co2", card={"co2_eq_emissions": "1,234.5 (in grams of CO2)"}),
        None,
        None,
    ),
    (_model("lab/yaml-underscore-string", card={"co2_eq_emissions": "24_700_000"}), None, None),
    (
        _model("lab/eco2ai", card={"co2_eq_emissions": {"emissions": 17.4, "source": "eco2AI"}}),
        None,
        None,
    ),
    (
        _model(
            "lab/google-cloud",
            card={
                "co2_eq_emissions": {
                    "emissions": 80.1,
                    "source": "Google Cloud Platform Carbon Footprint",
                    "geographical_location": "europe-west4",
                }
            },
        ),
        None,
        None,
    ),
    # --- placeholders, empty, junk
    (_model("lab/tbd", card={"co2_eq_emissions": "TBD"}), None, None),
    (_model("lab/null-value", card={"co2_eq_emissions": None}), None, None),
    (_model("lab/empty-string", card={"co2_eq_emissions": ""}), None, None),
    (_model("lab/template-key", card={"co2_eq_emissions": {"emissions": MORE}}), None, None),
    (_model("lab/negative", card={"co2_eq_emissions": -5}), None, None),
    (_model("lab/kwh", card={"co2_eq_emissions": "12 kWh"}), None, None),
    (_model("lab/range", card={"co2_eq_emissions": "10-20 kg"}), None, None),
    (_model("lab/huge", card={"co2_eq_emissions": "5e7 t"}), None, None),
    (_model("lab/words", card={"co2_eq_emissions": "a lot"}), None, None),
    # --- claims in the card body only
    (
        _model("lab/template-kg", card={"license": "mit"}, tags=["text-generation"]),
        TEMPLATE_BODY.format(
            hardware="8 x A100", hours="12", cloud="AWS", region="us-east-1", carbon="4.8 kg CO2eq"
        ),
        None,
    ),
    (
        _model("lab/template-placeholder", card={"license": "mit"}),
        TEMPLATE_BODY.format(hardware=MORE, hours=MORE, cloud=MORE, region=MORE, carbon=MORE),
        None,
    ),
    (
        _model(
            "lab/hardware-only",
            card={"license": "mit"},
            pipeline_tag="automatic-speech-recognition",
        ),
        TEMPLATE_BODY.format(
            hardware="1 NVIDIA T4",
            hours="3",
            cloud="Google Cloud",
            region="europe-west1",
            carbon=MORE,
        ),
        None,
    ),
    # --- reports that live only in the prose (no front matter claims them)
    (
        _model("lab/pasted-yaml", card={"license": "mit"}),
        "# Pasted\n\n### Co2_eq_emissions:\n- Emissions: 7,05 kg Co2\n- source: CodeCarbon\n"
        "- training_type: fine-tuning\n- hardware_used: 2 x A100\n\n## Usage\n",
        None,
    ),
    (
        _model("lab/total-above-breakdown", card={"license": "mit"}),
        "## Environmental Impact\n\n- **Carbon Emitted:**\n  - Total: 12,5 kg CO2eq\n"
        "  - Data preparation: 0,5 kg\n  - Training: 11 kg\n  - Inference: 1 kg\n",
        None,
    ),
    (
        _model("lab/computed-expression", card={"license": "mit"}),
        TEMPLATE_BODY.format(
            hardware=MORE,
            hours="12",
            cloud=MORE,
            region=MORE,
            carbon="350W x 12h = 4.2 kWh x 0.43 kg CO2eq/kWh = 1.81 kg CO2eq",
        ),
        None,
    ),
    (
        _model("lab/breakdown-without-total", card={"license": "mit"}),
        "Carbon Emitted:\n  - Training: 11 kg\n  - Inference: 1 kg\n",
        None,
    ),
    (
        _model("lab/ambiguous-comma", card={"license": "mit"}),
        TEMPLATE_BODY.format(hardware=MORE, hours=MORE, cloud=MORE, region=MORE, carbon="1,234 g"),
        None,
    ),
    (
        _model("lab/front-matter-wins", card={"co2_eq_emissions": {"emissions": 2}}),
        TEMPLATE_BODY.format(hardware=MORE, hours=MORE, cloud=MORE, region=MORE, carbon="5 kg"),
        None,
    ),
    # --- no emissions at all
    (_model("plain/no-card", card=None, pipeline_tag=None, library=None), None, None),
    (
        _model(
            "plain/rl-agent",
            card={"tags": ["deep-reinforcement-learning"]},
            tags=["reinforcement-learning", "stable-baselines3"],
            pipeline_tag="reinforcement-learning",
        ),
        None,
        None,
    ),
    (
        _model(
            "plain/multi-domain",
            card={"license": "mit"},
            tags=["feature-extraction", "bert"],
            pipeline_tag="feature-extraction",
        ),
        None,
        None,
    ),
    (
        _model("plain/optimized", card={"license": "mit"}, tags=["distilled", "optimized"]),
        None,
        None,
    ),
    (_model("plain/deleted", card=None, created="2021-05-01T00:00:00Z"), None, None),
]


def _descendant(model_id, relation, *parents, card=None, **kwargs):
    """A model tagged as the Hub tags a declared base: base_model:<id> and
    base_model:<relation>:<id> for each parent."""
    tags = [tag for p in parents for tag in (f"base_model:{p}", f"base_model:{relation}:{p}")]
    return _model(model_id, tags=[*tags, *kwargs.pop("tags", ())], card=card, **kwargs)


def _reports(grams):
    return {"co2_eq_emissions": {"emissions": grams}}


# --- lineage (docs/method.md#lineage): two families, then each bad input of issue #22.
# lin/base-7b (reports) <- chat-ft (finetune, reports) <- chat-ft-GGUF (quantized, depth 2) <-
# chat-ft-GGUF-imat (quantized, depth 3); <- ft-plain (finetune, no report) <- ft-of-ft (reports);
# <- adapter-lora (card base_model + base_model_relation only); other/base-b (no report);
# merges of 2, 3 (base-7b reached by two paths) and 4 parents.
DEEP_CHAIN = 40  # deeper than var lineage_depth_cap (32)
LINEAGE = [
    _model(
        "lin/base-7b",
        card=_reports(1_000_000),
        downloads=1000,
        created="2023-02-01T00:00:00Z",
        safetensors={"parameters": {"BF16": 7_000_000_000}, "total": 7_000_000_000},
    ),
    _descendant(
        "lin/chat-ft",
        "finetune",
        "lin/base-7b",
        card={**_reports(5_000), "base_model": "lin/base-7b"},
        downloads=500,
        created="2023-03-01T00:00:00Z",
        # safetensors and GGUF both: safetensors wins.
        safetensors={"parameters": {"F16": 7_000_000_000}, "total": 7_000_000_000},
        gguf={"total": 7_100_000_000, "architecture": "llama", "context_length": 4096},
    ),
    _descendant(
        "lin/chat-ft-GGUF",
        "quantized",
        "lin/chat-ft",
        downloads=300,
        created="2023-04-01T00:00:00Z",
        gguf={"total": 7_615_616_512, "architecture": "llama", "context_length": 4096},
    ),
    _descendant("lin/chat-ft-GGUF-imat", "quantized", "lin/chat-ft-GGUF", downloads=20),
    _descendant(
        "lin/ft-plain",
        "finetune",
        "lin/base-7b",
        downloads=40,
        safetensors={"parameters": {"F32": 1}, "total": "unknown"},  # no number: null
    ),
    _descendant("lin/ft-of-ft", "finetune", "lin/ft-plain", card=_reports(200), downloads=4),
    _model(
        "lin/adapter-lora",
        card={"base_model": ["lin/base-7b"], "base_model_relation": "adapter"},
        downloads=30,
    ),
    _model("other/base-b", downloads=50),
    _descendant("mrg/merge-2", "merge", "lin/chat-ft", "other/base-b", downloads=8),
    _descendant("mrg/merge-3", "merge", "lin/chat-ft", "other/base-b", "lin/ft-plain", downloads=6),
    _descendant(
        "mrg/merge-4",
        "merge",
        "lin/base-7b",
        "other/base-b",
        "lin/chat-ft",
        "lin/adapter-lora",
        downloads=2,
    ),
    # Tags win over the card's base; the card's base_model_relation still names the relation.
    _descendant(
        "prec/tag-wins",
        "finetune",
        "lin/base-7b",
        card={"base_model": "other/base-b", "base_model_relation": "adapter"},
    ),
    # Bad input: a missing parent, a cycle (and a model below it), a model its own base, a
    # malformed tag (no id; an unknown relation), 60 bases in a card, a chain deeper than the cap.
    _descendant("miss/ft-of-gone", "finetune", "gone/never-listed"),
    _descendant("cyc/a", "finetune", "cyc/b"),
    _descendant("cyc/b", "finetune", "cyc/a"),
    _descendant("cyc/child", "finetune", "cyc/a"),
    _descendant("self/own-base", "finetune", "self/own-base", card={"base_model": "self/own-base"}),
    _model("bad/empty-tag", tags=["base_model:"], card={"base_model": "lin/base-7b"}),
    _model("bad/unknown-relation", tags=["base_model:distill:lin/base-7b"]),
    _model(
        "wide/sixty-parents",
        card={"base_model": [f"wide/p{k:02d}" for k in range(60)], "base_model_relation": "merge"},
    ),
    _model("deep/m00", card=_reports(100)),
    *(
        _descendant(f"deep/m{k:02d}", "finetune", f"deep/m{k - 1:02d}")
        for k in range(1, DEEP_CHAIN + 1)
    ),
]
MODELS += [(row, None, None) for row in LINEAGE]

DELETED = {"plain/deleted": "2023-04-01T00:00:00Z"}
FIRST_COMMITS = {
    "distilbert/distilgpt2": "2019-10-03T10:00:00Z",
    "abhishek/autonlp-imdb-1": "2021-10-12T08:00:00Z",
}
DATASETS = {"openwebtext": 39_769_494_896, "abhishek/autonlp-data-imdb": 1_000_000}


def _siblings(weights: int | None, pytorch_bin: int | None) -> str:
    """The files, as the loader's JSON list, adding up to `weights` bytes of weights,
    `pytorch_bin` of them in pytorch_model.bin (a weight file of unknown size when `weights` is
    unknown), after a config: weights in LFS."""
    files = [("config.json", 700)]
    if pytorch_bin is not None:
        files.append(("pytorch_model.bin", pytorch_bin))
    if weights is None or weights > (pytorch_bin or 0):
        files.append(
            ("model.safetensors", None if weights is None else weights - (pytorch_bin or 0))
        )
    return json.dumps(
        [
            {"rfilename": name, "size": size, "lfs_size": size if k else None}
            for k, (name, size) in enumerate(files)
        ]
    )


def write_raw_hub(path: Path) -> None:
    """Create the raw_hub tables in the DuckDB file at `path` and fill them."""
    now = datetime(2023, 4, 5, tzinfo=UTC)
    with duckdb.connect(str(path)) as con:
        con.execute(_DDL)
        con.execute(
            "insert into raw_hub._dlt_loads values (?, 'hf_hub', 0, ?, 'h')", [LOAD_ID, now]
        )
        con.execute(
            "insert into raw_hub.load_endpoints values (?, 'https://huggingface.co',"
            " 'huggingface_hub', ?, 'endpoint-0')",
            [LOAD_ID, LOAD_ID],
        )
        for i, (row, card_text, sizes) in enumerate(MODELS):
            values = [*row.values(), LOAD_ID, f"dlt-{i}"]
            placeholders = ", ".join("?" * len(values))
            con.execute(f"insert into raw_hub.models values ({placeholders})", values)
            # The baseline of the history: the first load observes every listed model once.
            state = claim_state(row["tags"], row["card_data"])
            con.execute(
                "insert into raw_hub.model_claim_observations values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    *(row["id"], row["sha"], state["tags"], state["co2_eq_emissions"]),
                    *(state["is_deleted"], state["claim_hash"], LOAD_ID, LOAD_ID, f"claim-{i}"),
                ],
            )
            if "co2_eq_emissions" in json.loads(row["tags"]):
                con.execute(
                    f"insert into raw_hub.emission_reporters values ({placeholders})",
                    values,
                )
            if card_text is not None:
                con.execute(
                    "insert into raw_hub.model_cards values (?, ?, 'ok', ?, ?, ?, ?)",
                    [row["id"], row["sha"], card_text, now, LOAD_ID, f"card-{i}"],
                )
            if sizes is not None:
                parameters, weights, pytorch_bin, used = sizes
                con.execute(
                    "insert into raw_hub.model_sizes values (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        *(row["id"], row["sha"], parameters, used),
                        *(_siblings(weights, pytorch_bin), now, LOAD_ID, f"size-{i}"),
                    ],
                )
        con.execute(
            "insert into raw_hub.model_cards values"
            " ('plain/no-card', 'sha-plain/no-card', 'missing',"
            " null, ?, ?, 'card-missing')",
            [now, LOAD_ID],
        )
        for model_id, deleted_at in DELETED.items():
            con.execute(
                "insert into raw_hub.model_deletions values (?, ?, ?, ?)",
                [model_id, deleted_at, LOAD_ID, f"del-{model_id}"],
            )
        for model_id, first_at in FIRST_COMMITS.items():
            con.execute(
                "insert into raw_hub.model_first_commits values (?, 'c0', ?, ?, ?, ?)",
                [model_id, first_at, now, LOAD_ID, f"fc-{model_id}"],
            )
        for dataset_id, size in DATASETS.items():
            con.execute(
                "insert into raw_hub.dataset_sizes values (?, 's', 'ok', ?, ?, ?, ?, ?)",
                [dataset_id, size, size, now, LOAD_ID, f"ds-{dataset_id}"],
            )
