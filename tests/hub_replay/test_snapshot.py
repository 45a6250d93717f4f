"""Invariants of the committed snapshot (the records the demo and most tests stand on)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from hub_replay.build_snapshot import _parse_params
from hub_replay.corpus import SNAPSHOT_PATH, load_snapshot, strip_front_matter
from hub_replay.population import front_matter
from hub_replay.records import PLACEHOLDER_CREATED_AT, ms

# The study's curated models (HFClean), the only real parameter counts the snapshot's data has.
HFCLEAN = Path(__file__).parents[2] / "dbt_project" / "seeds" / "study" / "hfclean.csv"


@pytest.fixture(scope="module")
def snapshot():
    return load_snapshot(SNAPSHOT_PATH)


def test_ids_are_unique_and_namespaced(snapshot):
    models, datasets = snapshot
    ids = [m.id for m in models]
    assert len(ids) == len(set(ids)) and all(i.count("/") == 1 for i in ids)
    assert len({d.id for d in datasets}) == len(datasets)
    assert len({m.api["_id"] for m in models}) == len(models)


def test_co2_tag_iff_metadata_key_and_readme_front_matter_matches(snapshot):
    for m in snapshot[0]:
        card = m.api.get("cardData") or {}
        assert ("co2_eq_emissions" in m.api["tags"]) == ("co2_eq_emissions" in card), m.id
        assert m.readme.startswith(front_matter(card or None)), m.id
        assert strip_front_matter(m.readme).strip(), m.id


def test_dates_follow_the_hub_rules(snapshot):
    placeholder = ms(PLACEHOLDER_CREATED_AT)
    for m in snapshot[0]:
        real = ms(m.created_real)
        shown = ms(m.api["createdAt"])
        assert shown == max(real, placeholder), m.id
        assert ms(m.api["lastModified"]) >= real, m.id


def test_card_shapes_include_the_documented_messy_minority(snapshot):
    values = [
        m.api["cardData"]["co2_eq_emissions"]
        for m in snapshot[0]
        if "co2_eq_emissions" in m.api.get("cardData", {})
    ]
    kinds = Counter(type(v).__name__ for v in values)
    assert kinds["dict"] > kinds["float"] > kinds["list"] > 0
    emissions = [v.get("emissions") if isinstance(v, dict) else v for v in values]
    strings = [e for e in emissions if isinstance(e, str)]
    assert any(s.endswith(" kg") for s in strings)
    assert {"TBD", "N/A", "unknown", "[More Information Needed]"} & set(strings)
    assert None in emissions and 0 in emissions  # null placeholders; AutoTrain's "not measured"
    assert any(isinstance(v, dict) and "emission" in v for v in values)  # misspelled key
    text_only = [m for m in snapshot[0] if "**Carbon Emitted:** " in m.readme and "kg" in m.readme]
    assert text_only and all("co2_eq_emissions" not in m.api["tags"] for m in text_only)


def test_parameter_counts_are_only_the_real_ones(snapshot):
    """A `safetensors` summary exactly where the study knows the model's parameters, with that
    count: none estimated from a weight file's size."""
    seed = pd.read_csv(HFCLEAN, usecols=["modelId", "parameters"]).dropna()
    real = sorted((name, _parse_params(count)) for name, count in seed.itertuples(index=False))
    served = [
        (m.id.split("/")[1], m.api["safetensors"]) for m in snapshot[0] if "safetensors" in m.api
    ]
    assert sorted((name, s["total"]) for name, s in served) == real
    assert all(s["parameters"] == {"F32": s["total"]} for _, s in served)
