"""make label and make labels: well-formed SVG, the marts' numbers on every card, the index, the
explanation and snippet for a model without a label, clear failures."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from labels_support import Labelled, records
from pipeline_support import DEMO_ORIGIN, run_module

from hubcarbon_settings import Paths

SVG = "{http://www.w3.org/2000/svg}"
UNIT_G = {"mg": 1e-3, "g": 1.0, "kg": 1e3, "t": 1e6}  # literal, not the code's own table
METRICS = ("co2_eq_emissions", "size_efficiency", "dataset_size_efficiency", "downloads")
METRICS += ("performance_score",)
SPEC_KEYS = {"emissions", "source", "training_type", "geographical_location", "hardware_used"}


def card_file(labelled: Labelled, model_id: str, suffix: str) -> Path:
    return labelled.paths.labels_dir / "cards" / f"{model_id}{suffix}"


def by_id_suffix(root: ET.Element, suffix: str) -> ET.Element:
    (element,) = [e for e in root.iter() if e.get("id", "").endswith(suffix)]
    return element


def grams_on_card(text: str) -> float:
    number, unit = text.split()
    return float(number) * UNIT_G[unit]


def test_every_labelled_model_has_a_well_formed_card_and_badge(labelled: Labelled) -> None:
    labels = {
        r["model_id"]: r["efficiency_label"]
        for r in records(labelled.paths, "select * from marts.efficiency_labels")
    }
    assert len(labels) > 1000
    for model_id, letter in labels.items():
        card = ET.parse(card_file(labelled, model_id, ".svg")).getroot()
        assert card.tag == f"{SVG}svg"
        title, desc = card.find(f"{SVG}title"), card.find(f"{SVG}desc")
        assert title.text == f"CO₂ efficiency label {letter} for {model_id}"
        assert f"{model_id} is rated {letter}" in desc.text
        assert card.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        badge = ET.parse(card_file(labelled, model_id, ".badge.svg")).getroot()
        assert badge.get("aria-label") == f"CO₂ label: {letter} ({DEMO_ORIGIN})"
        texts = [t.text for t in badge.iter(f"{SVG}text")]
        # "B?" for a suspected value (test_a_suspected_value_carries_its_caveat_...).
        assert texts[-1].rstrip("?") == letter and texts[-2] == "CO₂ label, demo"
        assert by_id_suffix(card, "-origin").text == f"Data: {DEMO_ORIGIN}"
    assert f"{len(labels):,} label cards" in labelled.everything.stdout


def test_the_card_shows_the_marts_letter_grams_and_ratings(labelled: Labelled) -> None:
    # Every letter, both unit provenances, and a spread of models (hash order).
    sample = records(
        labelled.paths,
        "select labels.*, e.co2_eq_emissions_g, e.emissions_parse_status, e.emissions_source,"
        " c.reporting_level from marts.efficiency_labels as labels"
        " inner join marts.fct_model_emissions as e using (model_id)"
        " inner join marts.reporting_classification as c using (model_id)"
        " qualify row_number() over (partition by efficiency_label, e.emissions_parse_status"
        "  order by hash(model_id)) <= 4",
    )
    assert len(sample) >= 20
    for row in sample:
        card = ET.parse(card_file(labelled, row["model_id"], ".svg")).getroot()
        assert by_id_suffix(card, "-letter").text == row["efficiency_label"]
        assert grams_on_card(by_id_suffix(card, "-grams").text) == pytest.approx(
            row["co2_eq_emissions_g"], rel=5e-3
        )
        for metric in METRICS:
            expected = row[f"{metric}_rating"] or "\u2013"  # en dash: not rated
            assert by_id_suffix(card, f"-{metric}").text == expected, (row["model_id"], metric)
        text = " ".join("".join(t.itertext()) for t in card.iter(f"{SVG}text"))
        assert f"Source: {row['emissions_source']}" in text
        assert ("Unit: none on the card" in text) == (
            row["emissions_parse_status"] == "unit_assumed_grams"
        )
        assert f"Reporting level: {row['reporting_level']}" in text
        assert f"own variant rates it {row['efficiency_label_paper']}" in text


def test_the_card_names_the_reference_model_except_its_own_and_speaks_in_words(
    labelled: Labelled,
) -> None:
    ((reference,),) = (
        r.values()
        for r in records(
            labelled.paths,
            "select distinct reference_model_id from marts.efficiency_label_boundaries"
            " where label_variant = 'consistent' and valid_to is null",
        )
    )
    ((other,),) = (
        r.values()
        for r in records(
            labelled.paths,
            "select model_id from marts.efficiency_labels where model_id <> ? order by 1 limit 1",
            [reference],
        )
    )
    own, others = (card_file(labelled, m, ".svg").read_text() for m in (reference, other))
    assert "This is the reference model the ratings compare with" in own
    assert f"reference model, {reference}" not in own
    assert f"Ratings compare with the reference model, {reference}" in others
    for svg in (own, others):
        assert "√" not in svg and "index" not in svg  # words, not the method's symbols


def test_each_rating_shows_the_boundary_the_mart_names_for_it(labelled: Labelled) -> None:
    (row,) = records(
        labelled.paths,
        "select * from marts.efficiency_labels where model_id = ?",
        [labelled.example],
    )
    card = ET.parse(card_file(labelled, labelled.example, ".svg")).getroot()
    texts = ["".join(t.itertext()) for t in card.iter(f"{SVG}text")]
    bounds = [text for text in texts if re.match(r"[<>≤≥] ", text)]
    rated = [m for m in METRICS if row[f"{m}_rating"] is not None]
    assert len(bounds) == len(rated)
    for metric, bound in zip(rated, bounds, strict=True):
        shown = float(re.match(r"[<>≤≥] ([0-9.,]+)", bound)[1].replace(",", ""))
        value = row[f"{metric}_rating_boundary_value"]
        scale = value / shown  # the unit prefix: 1, 1e3, 1e6 ...
        assert min(abs(scale / 10**k - 1) for k in range(-3, 13, 3)) < 5e-3, (metric, bound, value)


def test_one_model_gets_a_png_and_the_markdown_line(labelled: Labelled) -> None:
    png = card_file(labelled, labelled.example, ".png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (880, 1436)  # the 440 x 718 card at 2x
    (row,) = records(
        labelled.paths,
        "select efficiency_label from marts.efficiency_labels where model_id = ?",
        [labelled.example],
    )
    letter = row["efficiency_label"]
    assert f"{labelled.example} is rated {letter}" in labelled.one.stdout
    line = labelled.one.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"\[!\[CO₂ label: ([A-E])\]\((\S+\.badge\.svg)\)\]\((\S+\.svg)\)", line)
    assert match, line
    assert match[1] == letter
    for relative in match[2], match[3]:  # relative to the labels folder
        assert (labelled.paths.labels_dir / relative).is_file()


def test_the_base_url_prefixes_the_markdown_links(labelled: Labelled) -> None:
    done = run_module(
        f"hubcarbon.labels {labelled.example}",
        labelled.paths.data_dir,
        LABELS_BASE_URL="https://labels.example.org/",
    )
    assert done.returncode == 0, done.stderr
    assert f"(https://labels.example.org/cards/{labelled.example}.svg)" in done.stdout


def test_the_index_lists_every_labelled_model_once(labelled: Labelled) -> None:
    html = (labelled.paths.labels_dir / "index.html").read_text(encoding="utf-8")
    rows = json.loads(re.search(r"const ROWS = (.*);\n", html)[1])
    expected = records(
        labelled.paths,
        "select model_id, efficiency_label, domain, emissions_source from marts.efficiency_labels"
        " inner join marts.fct_model_emissions using (model_id)",
    )
    assert sorted(tuple(r[:4]) for r in rows) == sorted(tuple(e.values()) for e in expected)
    downloads = [r[5] for r in rows]
    assert downloads == sorted(downloads, reverse=True)  # most downloaded first
    assert f'<strong id="data-origin">{DEMO_ORIGIN}</strong>' in html
    assert "<svg" not in html  # the cards are linked, never inlined
    assert not re.search(r"""(src|href)\s*=\s*["']https?:""", html)


def test_make_labels_removes_cards_of_models_without_a_label(labelled: Labelled) -> None:
    assert not labelled.stale.exists() and not labelled.stale.parent.exists()
    assert "(1 stale files removed)" in labelled.everything.stdout
    # ... and keeps the PNG make label drew, its card unchanged.
    assert card_file(labelled, labelled.example, ".png").exists()


@pytest.mark.parametrize(
    ("which", "reason"),
    [
        ("c.emissions_status = 'no_claim'", "holds no co2_eq_emissions metadata"),
        ("c.emissions_status = 'not_reported_placeholder'", "holds a placeholder"),
        ("c.emissions_status = 'not_measured'", "which means not measured"),
        ("c.emissions_status = 'quarantined'", "cannot be trusted as grams"),
        ("e.emission_value_inherited", "is inherited from "),
    ],
)
def test_a_model_without_a_label_gets_why_and_the_snippet(
    labelled: Labelled, which: str, reason: str
) -> None:
    ((model_id, level, filled, raw, parent, meaning, why),) = (
        r.values()
        for r in records(
            labelled.paths,
            "select c.model_id, c.reporting_level, c.co2_fields_filled_count,"
            " coalesce(q.co2_eq_emissions_raw, e.co2_eq_emissions_raw) as raw,"
            " e.inherited_from_model_id as parent, q.quarantine_reason_meaning,"
            " coalesce(e.inheritance_evidence_meaning, c.emissions_status_meaning)"
            " from marts.reporting_classification as c"
            " left join marts.quarantined_emissions as q using (model_id)"
            " left join marts.fct_model_emissions as e using (model_id)"
            f" where {which} order by c.model_id limit 1",
        )
    )
    done = run_module(f"hubcarbon.labels {model_id}", labelled.paths.data_dir)
    assert done.returncode == 1
    assert f"{model_id} has no efficiency label: " in done.stderr
    assert reason in done.stderr
    assert why in done.stderr  # the marts' words, not the card's own
    if raw is not None:
        assert f"“{raw}”" in done.stderr
    if meaning is not None:  # why a quarantined value is refused, as its mart says
        assert f"({meaning})" in done.stderr
    if parent is not None:  # where the label is: the model the value comes from
        assert f"make label MODEL={parent}" in done.stderr
    assert f"Reporting level: {level}; the card fills {filled} of the 5" in done.stderr
    snippet = done.stderr.split("---\n")[1]
    assert set(yaml.safe_load(snippet)["co2_eq_emissions"]) == SPEC_KEYS
    assert not card_file(labelled, model_id, ".svg").exists()


def test_an_unknown_model_is_named_with_a_hint(labelled: Labelled) -> None:
    done = run_module("hubcarbon.labels nobody/no-such-model", labelled.paths.data_dir)
    assert done.returncode == 2
    assert "nobody/no-such-model is not a model in " in done.stderr
    shouted = run_module(f"hubcarbon.labels {labelled.example.upper()}", labelled.paths.data_dir)
    assert shouted.returncode == 2
    assert f"Did you mean {labelled.example}?" in shouted.stderr


def test_without_a_warehouse_it_says_what_to_do(tmp_path: Path) -> None:
    done = run_module("hubcarbon.labels --all", tmp_path / "empty")
    assert done.returncode == 2
    assert "make build" in done.stderr
    assert not Paths(tmp_path / "empty").labels_dir.exists()


UPSTREAM_LINE = re.compile(r"[Bb]ase model (\S+)(?: \((\d+) levels up\))? reported (\S+ \S+) for")


def upstream_of(labelled: Labelled, model_id: str) -> list[dict]:
    """The model's reporting ancestors as the mart lists them, nearest first."""
    return records(
        labelled.paths,
        "select ancestor_model_id, depth, ancestor_own_emissions_g"
        " from marts.model_reporting_ancestors where model_id = ?"
        " order by depth, ancestor_own_emissions_g desc, ancestor_model_id",
        [model_id],
    )


def test_a_card_without_an_upstream_footprint_has_no_line_for_it(labelled: Labelled) -> None:
    """The demo's labelled models: none descends from a reporting base (its lineage is thin;
    tests/dbt_models/test_lineage.py draws cards that do)."""
    ((model_id,),) = (
        r.values()
        for r in records(
            labelled.paths,
            "select model_id from marts.efficiency_labels"
            " anti join marts.model_reporting_ancestors using (model_id) order by 1 limit 1",
        )
    )
    done = run_module(f"hubcarbon.labels {model_id}", labelled.paths.data_dir)
    assert done.returncode == 0, done.stderr
    assert "Upstream: " not in done.stdout
    card = ET.parse(card_file(labelled, model_id, ".svg")).getroot()
    assert card.get("height") == "718"
    assert "upstream" not in ET.tostring(card, encoding="unicode")


def test_a_model_without_a_label_names_the_base_model_that_reported(labelled: Labelled) -> None:
    (model_id,) = (
        r["model_id"]
        for r in records(
            labelled.paths,
            "select model_id from marts.model_reporting_ancestors"
            " anti join marts.efficiency_labels using (model_id)"
            " order by depth, model_id limit 1",
        )
    )
    nearest = upstream_of(labelled, model_id)[0]
    done = run_module(f"hubcarbon.labels {model_id}", labelled.paths.data_dir)
    assert done.returncode == 1  # no label of its own: the data says no
    assert f"{model_id} has no efficiency label: " in done.stderr
    reported = re.search(r"Its lineage reports: (.*)\.\n", done.stderr)
    assert reported, done.stderr
    named, _, grams = UPSTREAM_LINE.match(reported[1]).groups()
    assert named == nearest["ancestor_model_id"]
    assert grams_on_card(grams) == pytest.approx(nearest["ancestor_own_emissions_g"], rel=5e-3)
    letter = records(
        labelled.paths,
        "select efficiency_label from marts.efficiency_labels where model_id = ?",
        [named],
    )
    if letter:  # where the base model's own card is
        assert f"(rated {letter[0]['efficiency_label']}: make label MODEL={named})" in reported[1]
    assert "co2_eq_emissions:" in done.stderr  # and how to report its own training
    assert not card_file(labelled, model_id, ".svg").exists()


def test_a_suspected_value_carries_its_caveat_on_card_badge_and_index(labelled: Labelled) -> None:
    """Issue #25 §5: the mart's suspicion (marts.suspected_emissions) is on every output of the
    value, and only there: holistic-ai/rejection_detection's 79.9 mg and OLMoE's placeholder 1 g
    for 13.2 GB among them, each still rated A."""
    suspected = {
        r["model_id"]: r["suspicion_reason"]
        for r in records(
            labelled.paths,
            "select model_id, string_agg(suspicion_reason, '; ' order by suspicion)"
            " as suspicion_reason from marts.suspected_emissions"
            " where model_id in (select model_id from marts.efficiency_labels) group by model_id",
        )
    }
    assert "holistic-ai/rejection_detection" in suspected
    assert "likely kilograms written as grams" in suspected["holistic-ai/rejection_detection"]
    assert suspected["allenai/OLMoE-1B-7B-0924"].startswith(
        "1.0 g for 13.2 GB of weights, 347 times below the median grams per byte of its"
    )
    labels = records(labelled.paths, "select model_id from marts.efficiency_labels")
    for model_id in (r["model_id"] for r in labels):
        card = ET.parse(card_file(labelled, model_id, ".svg")).getroot()
        badge = ET.parse(card_file(labelled, model_id, ".badge.svg")).getroot()
        caveats = [e for e in card.iter() if e.get("id", "").endswith("-caveat")]
        mark = [t.text for t in badge.iter(f"{SVG}text")][-1]
        if model_id in suspected:
            assert caveats and caveats[0].text.startswith("⚠ Suspected value: "), model_id
            assert suspected[model_id] in card.find(f"{SVG}desc").text, model_id
            assert mark.endswith("?") and suspected[model_id] in badge.find(f"{SVG}title").text
            if model_id in ("holistic-ai/rejection_detection", "allenai/OLMoE-1B-7B-0924"):
                assert mark == "A?", model_id
        else:
            assert not caveats and not mark.endswith("?"), model_id
    html = (labelled.paths.labels_dir / "index.html").read_text(encoding="utf-8")
    rows = json.loads(re.search(r"const ROWS = (.*);\n", html)[1])
    assert {r[0]: r[6] for r in rows if r[6]} == suspected
