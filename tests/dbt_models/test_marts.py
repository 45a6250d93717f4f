"""The marts built from the raw_hub fixture: every card shape ends where the emission contract
says."""

from __future__ import annotations

import json

import pytest

from .raw_hub_fixture import MODELS


def test_build_ran_unit_and_data_tests(warehouse):
    results = json.loads((warehouse.work_dir / "target" / "run_results.json").read_text())[
        "results"
    ]
    by_type = {}
    for result in results:
        kind = result["unique_id"].split(".")[0]
        by_type.setdefault(kind, set()).add(result["status"])
    assert by_type["unit_test"] == {"pass"}
    assert by_type["test"] == {"pass"}
    assert by_type["model"] == {"success"}


FACTS = {
    # model_id: (grams, status, origin)
    "distilbert/distilgpt2": (149_200, "unit_assumed_grams", "card_metadata"),
    "bigscience/bloom": (24_700_000, "unit_assumed_grams", "card_metadata"),
    "abhishek/autonlp-imdb-1": (12.99, "unit_assumed_grams", "card_metadata"),
    "lab/codecarbon-kg": (1_200, "ok", "card_metadata"),
    "lab/misspelled-keys": (3.5, "ok", "card_metadata"),
    "lab/list-of-dicts": (500_000, "ok", "card_metadata"),
    "lab/tons-string": (2_300_000, "ok", "card_metadata"),
    "lab/mg-string": (0.45, "ok", "card_metadata"),
    "lab/grams-of-co2": (1_234.5, "ok", "card_metadata"),
    "lab/yaml-underscore-string": (24_700_000, "unit_assumed_grams", "card_metadata"),
    "lab/template-kg": (4_800, "ok", "card_text"),
    "lab/pasted-yaml": (7_050, "ok", "card_text"),
    "lab/total-above-breakdown": (12_500, "ok", "card_text"),
    "lab/computed-expression": (1_810, "ok", "card_text"),
    "lab/front-matter-wins": (2, "unit_assumed_grams", "card_metadata"),
    "user/autotrain-zero-3": (0, "zero_not_measured", "card_metadata"),
}


def test_facts_hold_grams_with_provenance(warehouse):
    rows = warehouse.query(
        "select model_id, co2_eq_emissions_g, emissions_parse_status, emissions_origin"
        " from marts.fct_model_emissions"
    )
    facts = {model_id: (grams, status, origin) for model_id, grams, status, origin in rows}
    for model_id, (grams, status, origin) in FACTS.items():
        assert facts[model_id][0] == pytest.approx(grams), model_id
        assert facts[model_id][1:] == (status, origin), model_id


def test_junk_is_quarantined_and_placeholders_are_not_reported(warehouse):
    quarantined = dict(
        warehouse.query("select model_id, quarantine_reason from marts.quarantined_emissions")
    )
    assert quarantined == {
        "lab/negative": "negative",
        "lab/kwh": "unknown_unit",
        "lab/range": "range",
        "lab/huge": "implausible_magnitude",
        "lab/words": "unparseable",
        "lab/breakdown-without-total": "multiple_values",
        "lab/ambiguous-comma": "ambiguous_separator",
    }
    status = dict(
        warehouse.query("select model_id, emissions_status from marts.reporting_classification")
    )
    assert status["lab/tbd"] == status["lab/template-key"] == "not_reported_placeholder"
    assert status["lab/template-placeholder"] == "not_reported_placeholder"
    assert status["lab/null-value"] == status["lab/empty-string"] == "not_reported_empty"
    assert status["user/autotrain-zero-3"] == "not_measured"
    assert status["plain/rl-agent"] == "no_claim"


def test_context_is_normalised(warehouse):
    rows = warehouse.query(
        "select model_id, emissions_source, training_type, accelerator_model, accelerator_count,"
        " location_country, cloud_region from marts.fct_model_emissions"
    )
    context = {row[0]: row[1:] for row in rows}
    assert context["distilbert/distilgpt2"] == (
        "MLCO2 Impact Calculator",
        "pretraining",
        "V100",
        8,
        "United States of America",
        None,
    )
    assert context["bigscience/bloom"] == ("Article", "pretraining", "A100", 384, "France", None)
    assert context["lab/misspelled-keys"] == (
        "CodeCarbon",
        "fine-tuning",
        "TPU v3",
        1,
        "Netherlands",
        "europe-west4",
    )
    assert context["lab/list-of-dicts"] == (
        "CarbonTracker",
        "pretraining+fine-tuning",
        "RTX 3090",
        4,
        "United States of America",
        "us-east-1",
    )
    assert context["lab/eco2ai"][0] == "eco2AI"
    assert context["lab/google-cloud"][0] == "Google Cloud Footprint"
    assert context["user/autotrain-news-2"][0] == "AutoTrain"
    assert context["lab/template-kg"][2:] == ("A100", 8, "United States of America", "us-east-1")
    # The fields of a co2_eq_emissions block pasted into the prose.
    assert context["lab/pasted-yaml"][:4] == ("CodeCarbon", "fine-tuning", "A100", 2)


def test_dim_models_has_every_model_once(warehouse):
    rows = warehouse.query(
        "select model_id, domain, card_scan_status, created_at_source, is_deleted"
        " from marts.dim_models"
    )
    assert sorted(r[0] for r in rows) == sorted(row["id"] for row, _, _ in MODELS)
    dim = {r[0]: r[1:] for r in rows}
    assert dim["distilbert/distilgpt2"][2] == "first_commit"  # createdAt is the Hub's placeholder
    assert dim["plain/deleted"][3] is True
    assert dim["plain/no-card"][1:3] == ("no_card", "hub_created_at")
    assert dim["user/autotrain-news-2"][1] == "scanned"
    assert dim["lab/tbd"][1] == "not_yet_scanned"
    assert dim["plain/rl-agent"][0] == "Reinforcement Learning"
    assert dim["user/autotrain-vision-4"][0] == "Computer Vision"
    assert dim["lab/hardware-only"][0] == "Audio"
    # feature-extraction (Multimodal) and bert (NLP): the study's two-domain rule gives NLP.
    assert dim["plain/multi-domain"][0] == "NLP"
    assert dim["plain/no-card"][0] == "Not Specified"


def test_reporting_levels(warehouse):
    levels = {
        model_id: (level, paper)
        for model_id, level, paper in warehouse.query(
            "select model_id, reporting_level, reporting_level_paper"
            " from marts.reporting_classification"
        )
    }
    assert levels["bigscience/bloom"] == ("Awareness", "Awareness")
    assert levels["abhishek/autonlp-imdb-1"] == ("Basic Reporting", "Basic Reporting")
    assert levels["lab/hardware-only"] == ("Context Reporting", "Context Reporting")
    assert levels["lab/template-kg"] == ("Awareness", "Awareness")  # hardware from the card body
    # The study counted any first number as reported, units and junk ignored.
    assert levels["lab/kwh"] == ("Unknown", "Basic Reporting")
    assert levels["plain/optimized"] == ("Unknown", "Unknown")


def test_every_measured_fact_is_labelled(warehouse):
    labelled = warehouse.query(
        "select f.model_id, l.efficiency_label_paper, l.efficiency_label"
        " from marts.fct_model_emissions f left join marts.efficiency_labels l using (model_id)"
        " where f.is_measured and not f.emission_value_inherited"
    )
    assert labelled and {label for _, *labels in labelled for label in labels} <= set("ABCDE")
    zero = warehouse.query(
        "select count(*) from marts.efficiency_labels where model_id = 'user/autotrain-zero-3'"
    )
    assert zero == [(0,)]
    # The reference model has index 1 on every metric it has.
    reference = warehouse.query(
        "select co2_eq_emissions_index, size_efficiency_index, downloads_index"
        " from marts.efficiency_labels where model_id = 'distilbert/distilgpt2'"
    )
    assert reference == [(1.0, 1.0, 1.0)]


def test_boundaries_explain_the_co2_rating(warehouse):
    ((boundary, value),) = warehouse.query(
        "select index_boundary_ab, value_boundary_ab from marts.efficiency_label_boundaries"
        " where metric = 'co2_eq_emissions' and label_variant = 'paper'"
    )
    assert value == pytest.approx(149_200 / boundary)
    ratings = warehouse.query(
        "select co2_eq_emissions_index > ?, co2_eq_emissions_rating_paper"
        " from marts.efficiency_labels",
        boundary,
    )
    assert all((rating == "A") == above for above, rating in ratings)


def test_analysis_marts(warehouse):
    share = warehouse.query(
        "select models_created, models_reporting from marts.rq1_reporting_share_monthly"
        " where created_month = date '2021-10-01' and segment_type = 'all'"
    )
    assert share == [(1, 1)]  # autonlp-imdb-1, dated by its first commit
    medians = dict(warehouse.query(
        "select created_month, median_co2_eq_emissions_g from marts.rq1_emissions_median_monthly"
        " where segment_type = 'all'"
    ))  # fmt: skip
    assert 0 not in medians.values()  # zeros are not measurements
    correlations = {
        r[0]: r[1:] for r in warehouse.query("select * from marts.rq2_emission_correlations")
    }
    assert (
        correlations["downloads"][0]
        == warehouse.query(
            "select count(*) from marts.fct_model_emissions"
            " where is_measured and not emission_value_inherited and downloads is not null"
        )[0][0]
    )
    sources = dict(warehouse.query(
        "select category, reporting_models from marts.rq2_emissions_distributions"
        " where dimension = 'emissions_source'"
    ))  # fmt: skip
    assert sources["AutoTrain"] == 3


def test_a_copied_value_counts_once(warehouse):
    """The GGUF copy declares distilgpt2 as its base (tags and card) and reports its grams."""
    (copy,) = warehouse.query(
        "select emission_value_inherited, inherited_from_model_id, inheritance_evidence"
        " from marts.fct_model_emissions where model_id = 'quant/distilgpt2-GGUF'"
    )
    assert copy == (True, "distilbert/distilgpt2", "base_model_tag")
    assert warehouse.query(
        "select count(*) from marts.efficiency_labels where model_id = 'quant/distilgpt2-GGUF'"
    ) == [(0,)]  # rated once, at its source
    (nlp,) = warehouse.query(
        "select reporting_models, reporting_models_incl_inherited, total_co2_eq_emissions_g,"
        " total_co2_eq_emissions_g_incl_inherited from marts.rq2_emissions_distributions"
        " where dimension = 'domain' and category = 'NLP'"
    )
    assert nlp[1] == nlp[0] + 1
    assert nlp[3] == pytest.approx(nlp[2] + 149_200)
    # The copy still reports: reporting is a property of its card.
    assert warehouse.query(
        "select emissions_status from marts.reporting_classification"
        " where model_id = 'quant/distilgpt2-GGUF'"
    ) == [("reported",)]
