"""The lineage marts built from the raw_hub fixture's families and bad inputs (issue #22): each
bad input gets a clear status, never a crash, a hang or a wrong sum; and the label cards that
name a reporting base model."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from pipeline_support import run_module

from .raw_hub_fixture import DEEP_CHAIN

SVG = "{http://www.w3.org/2000/svg}"

LINEAGE_COLUMNS = (
    "family_root_id, depth, ancestor_count, own_emissions_g, upstream_emissions_g,"
    " lineage_emissions_g, lineage_status, lineage_issue"
)


def lineage_of(warehouse, model_id: str) -> tuple:
    (row,) = warehouse.query(
        f"select {LINEAGE_COLUMNS} from marts.fct_model_lineage_emissions where model_id = ?",
        model_id,
    )
    return row


def parents_of(warehouse, model_id: str) -> list[tuple]:
    return warehouse.query(
        "select parent_model_id, relation, evidence, parent_on_hub from marts.model_lineage"
        " where model_id = ? order by parent_model_id",
        model_id,
    )


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        # A cycle A -> B -> A, and a model below it: marked, nothing summed, no hang.
        ("cyc/a", (None, 1, 1, None, None, None, "none", "cycle")),
        ("cyc/b", (None, 1, 1, None, None, None, "none", "cycle")),
        ("cyc/child", (None, 2, 2, None, None, None, "none", "cycle")),
        # A parent missing from the Hub: a root that trained and reports nothing.
        (
            "miss/ft-of-gone",
            ("gone/never-listed", 1, 1, None, None, None, "none", "missing_parent"),
        ),
        # 60 bases in a card: 60 parents, none listed; a merge trains nothing itself.
        ("wide/sixty-parents", (None, 1, 60, None, None, None, "none", "missing_parent")),
        # A model its own base: the self-reference is dropped, it is a root.
        ("self/own-base", ("self/own-base", 0, 0, None, None, None, "none", None)),
        # A malformed tag (no id) declares nothing: the card's base is read.
        ("bad/empty-tag", ("lin/base-7b", 1, 1, None, 1e6, 1e6, "partial", None)),
        # An unknown relation keeps its parent, relation unknown (counted as training).
        ("bad/unknown-relation", ("lin/base-7b", 1, 1, None, 1e6, 1e6, "partial", None)),
        # The chain at the cap is whole; one level deeper is cut and says so.
        ("deep/m32", ("deep/m00", 32, 32, None, 100, 100, "partial", None)),
        (f"deep/m{DEEP_CHAIN}", (None, 32, 32, None, None, None, "none", "depth_limit")),
    ],
)
def test_each_bad_input_gets_a_status(warehouse, model_id, expected):
    assert lineage_of(warehouse, model_id) == expected


def test_bad_inputs_leave_the_edges_they_can(warehouse):
    assert parents_of(warehouse, "self/own-base") == []
    assert parents_of(warehouse, "bad/empty-tag") == [
        ("lin/base-7b", "unknown", "card_base_model", True)
    ]
    assert parents_of(warehouse, "bad/unknown-relation") == [
        ("lin/base-7b", "unknown", "hub_tag", True)
    ]
    assert len(parents_of(warehouse, "wide/sixty-parents")) == 60


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        # A base that reports, a fine-tune that measured its own run on top.
        ("lin/base-7b", ("lin/base-7b", 0, 0, 1e6, None, 1e6, "complete", None)),
        ("lin/chat-ft", ("lin/base-7b", 1, 1, 5000, 1e6, 1_005_000, "complete", None)),
        # Quantizations at depth 2 and 3 train nothing: complete on their ancestors' reports.
        ("lin/chat-ft-GGUF", ("lin/base-7b", 2, 2, None, 1_005_000, 1_005_000, "complete", None)),
        (
            "lin/chat-ft-GGUF-imat",
            ("lin/base-7b", 3, 3, None, 1_005_000, 1_005_000, "complete", None),
        ),
        # A fine-tune of a fine-tune that did not report: partial.
        ("lin/ft-of-ft", ("lin/base-7b", 2, 2, 200, 1e6, 1_000_200, "partial", None)),
        # base-7b is reached through chat-ft and ft-plain: counted once. Two roots: no family.
        ("mrg/merge-3", (None, 2, 4, None, 1_005_000, 1_005_000, "partial", None)),
        # The GGUF copy carrying distilgpt2's value inherits it: no own value, the base's upstream.
        (
            "quant/distilgpt2-GGUF",
            ("distilbert/distilgpt2", 1, 1, None, 149_200, 149_200, "complete", None),
        ),
    ],
)
def test_families_sum_each_ancestor_once(warehouse, model_id, expected):
    assert lineage_of(warehouse, model_id) == expected


def test_tags_win_and_the_card_names_the_relation(warehouse):
    assert parents_of(warehouse, "prec/tag-wins") == [("lin/base-7b", "adapter", "hub_tag", True)]
    assert parents_of(warehouse, "lin/adapter-lora") == [
        ("lin/base-7b", "adapter", "card_base_model", True)
    ]


def test_a_family_footprint_member_by_member(warehouse):
    (family,) = warehouse.query(
        "select descendants, descendant_finetunes, descendant_adapters, descendant_quantizations,"
        " descendant_merges, descendant_unknown_relations, reporting_members,"
        " root_own_emissions_g, family_own_emissions_g, top_reporting_member_id"
        " from marts.family_footprints where family_root_id = 'lin/base-7b'"
    )
    # chat-ft, ft-plain, ft-of-ft | adapter-lora, prec/tag-wins | two GGUFs | three merges |
    # bad/empty-tag, bad/unknown-relation; base, chat-ft and ft-of-ft report their own runs.
    assert family == (12, 3, 2, 2, 3, 2, 3, 1e6, 1_005_200, "lin/base-7b")


def test_parameters_have_one_definition(warehouse):
    rows = warehouse.query(
        "select model_id, parameters, parameters_source from marts.dim_models"
        " where model_id in ('lin/chat-ft', 'lin/chat-ft-GGUF', 'lin/ft-plain',"
        " 'distilbert/distilgpt2') order by model_id"
    )
    assert rows == [
        ("distilbert/distilgpt2", 81_912_576, "safetensors"),  # a reporter's detail request
        ("lin/chat-ft", 7_000_000_000, "safetensors"),  # safetensors wins over GGUF
        ("lin/chat-ft-GGUF", 7_615_616_512, "gguf"),
        ("lin/ft-plain", None, None),  # a total that is no number
    ]
    # The facts read it.
    assert warehouse.query(
        "select parameter_count from marts.fct_model_emissions where model_id = 'lin/chat-ft'"
    ) == [(7_000_000_000,)]


def test_coverage_shares_split_every_measure(warehouse):
    rows = warehouse.query(
        "select measure, sum(share), count(*) from marts.reporting_coverage group by measure"
    )
    assert {measure: n for measure, _, n in rows} == dict.fromkeys(
        ("models", "downloads_30d", "downloads_all_time", "parameters"), 3
    )
    assert all(total == pytest.approx(1) for _, total, _ in rows)
    figures = dict(
        warehouse.query(
            "select figure, figure_value from marts.headline_figures where figure like '%_share_%'"
        )
    )
    (own, lineage) = warehouse.query(
        "select sum(case when scope = 'own_report' then value end) / sum(value),"
        " sum(case when scope <> 'no_report' then value end) / sum(value)"
        " from marts.reporting_coverage where measure = 'downloads_30d'"
    )[0]
    assert figures["own_report_share_downloads_30d"] == pytest.approx(own)
    assert figures["lineage_report_share_downloads_30d"] == pytest.approx(lineage)
    assert own < lineage


def test_the_reporting_ancestors_are_named_once_each(warehouse):
    # merge-3 reaches base-7b through chat-ft and ft-plain: one row, at its shortest distance.
    assert warehouse.query(
        "select ancestor_model_id, depth, ancestor_own_emissions_g"
        " from marts.model_reporting_ancestors where model_id = 'mrg/merge-3' order by depth"
    ) == [("lin/chat-ft", 1, 5000), ("lin/base-7b", 2, 1e6)]


def test_label_cards_name_the_base_model_that_reported(warehouse, tmp_path):
    """make label on the fixture's family (the demo's labelled models have no reporting base):
    a labelled fine-tune's card shows its base's report; a merge without a label of its own exits
    1 and names its reporting ancestors and their cards."""
    shutil.copyfile(warehouse.path, tmp_path / "warehouse.duckdb")
    labelled = run_module("hubcarbon.labels lin/ft-of-ft", tmp_path)
    assert labelled.returncode == 0, labelled.stderr
    line = "base model lin/base-7b (2 levels up) reported 1 t for its training"
    assert f"Upstream: {line}.\n" in labelled.stdout
    card = ET.parse(tmp_path / "labels/cards/lin/ft-of-ft.svg").getroot()
    shown = [t for t in card.iter(f"{SVG}text") if t.get("id", "").endswith("-upstream-1")]
    assert [t.text for t in shown] == [line[0].upper() + line[1:]]
    assert f"Its {line}." in card.find(f"{SVG}desc").text
    assert card.get("height") == "736"  # 718 px, and one line more for the base model

    merge = run_module("hubcarbon.labels mrg/merge-3", tmp_path)
    assert merge.returncode == 1  # no label of its own: the data says no
    assert "mrg/merge-3 has no efficiency label: " in merge.stderr
    assert (
        "Its lineage reports: base model lin/chat-ft reported 5 kg for its training"
        " (rated D: make label MODEL=lin/chat-ft).\n"
        "Its lineage reports: base model lin/base-7b (2 levels up) reported 1 t for its training"
        " (rated D: make label MODEL=lin/base-7b).\n"
    ) in merge.stderr
