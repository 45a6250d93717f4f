"""The generated population's families: lineage as the Hub declares it (tags and card), the
parameters a family shares, the safetensors/gguf summaries, and the bad-input rows."""

from __future__ import annotations

import httpx2
import numpy as np
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import RepositoryNotFoundError

from hub_replay import Corpus, HubReplay
from hub_replay.population import BAD_CASES, DEEP_CHAIN, RELATIONS, Population

SIZE, SEED = 20_000, 3


@pytest.fixture(scope="module")
def population() -> Population:
    return Population(SIZE, seed=SEED, reporter_share=0.02)


@pytest.fixture(scope="module")
def records(population) -> dict[str, dict]:
    """Every generated model's API object, by id."""
    return {r.id: r.api for r in population.records(range(population.size))}


def _declared(api: dict) -> tuple[set[str], set[str]]:
    """(parent ids, relations) of a model's base_model tags."""
    parents, relations = set(), set()
    for tag in api["tags"]:
        if tag.startswith("base_model:"):
            head, _, rest = tag.removeprefix("base_model:").partition(":")
            if rest and "/" not in head:
                relations.add(head)
            else:
                parents.add(head)
    return parents, relations


def _bad_id(population: Population, case: str) -> str:
    """The model carrying a bad-input case (a chain's deepest model)."""
    return population.model_id(population.row(population.bad_input[case][-1]))


def _card_bases(api: dict) -> list[str]:
    bases = (api.get("cardData") or {}).get("base_model", [])
    return [bases] if isinstance(bases, str) else bases


def test_the_same_seed_gives_the_same_families():
    first, second = Population(5_000, seed=SEED), Population(5_000, seed=SEED)
    for column in ("parent", "relation", "params", "is_base", "merge_parents", "downloads"):
        assert np.array_equal(getattr(first, column), getattr(second, column)), column
    assert not np.array_equal(first.parent, Population(5_000, seed=SEED + 1).parent)


def test_tags_and_card_declare_the_same_parents(population, records):
    """Tags `base_model:<id>` + `base_model:<relation>:<id>` per parent, computed from the card's
    base_model (string, or a list); a card-only declaration has no tags."""
    bad = {_bad_id(population, case) for case in population.bad_input}
    checked = set()
    for model_id, api in records.items():
        if model_id in bad or not (card := _card_bases(api)):
            assert not _declared(api)[0] or model_id in bad, model_id
            continue
        parents, relations = _declared(api)
        told = api["cardData"].get("base_model_relation")
        if parents:
            assert parents == set(card) and len(relations) == 1, model_id
            assert told in (None, *relations), model_id
        else:  # the card only: its parent is one the Hub could not resolve
            assert all(p not in records for p in card), model_id
        checked.add(told or next(iter(relations), None))
    assert {*RELATIONS, None} <= checked  # the card names a relation for some, not all


def test_a_family_shares_its_parameters(population, records):
    """A fine-tune has its base's parameters; a GGUF quantization's total is its parent's."""
    total = {
        i: (a.get("safetensors") or a.get("gguf") or {}).get("total") for i, a in records.items()
    }
    seen = {"finetune": 0, "gguf": 0}
    cycles = {_bad_id(population, case) for case in ("self_base", "cycle_a", "cycle_b")}
    for model_id, api in records.items():
        parents, relations = _declared(api)
        if len(parents) != 1 or not parents <= records.keys() or model_id in cycles:
            continue
        (parent,) = parents
        parent_library = records[parent].get("library_name")
        if (
            relations == {"finetune"}
            and parent_library == api.get("library_name") == "transformers"
        ):
            assert total[model_id] == total[parent], model_id
            seen["finetune"] += 1
        if relations == {"quantized"} and "gguf" in api:
            assert api["gguf"]["total"] == total[parent], model_id
            assert api["library_name"] == "gguf" and "safetensors" not in api
            seen["gguf"] += 1
    assert min(seen.values()) > 100, seen


def test_families_have_the_hubs_shape(population):
    """Heavy-tailed fine-tunes per base, quantizations of fine-tunes at depths 2 and 3, merges
    of 2-4 parents, bases that report, parents that are not on the Hub."""
    stats = population.family_statistics()
    p50, p90, _, top = stats["fine-tunes per base (p50/p90/p99/max)"]
    assert top > 10 * p50 and p90 > 3 * p50 and stats["bases with descendants"] > 0
    assert all(stats["quantizations at depth 1/2/3"])
    assert all(stats["merges with 2/3/4 parents"])
    assert 0 < stats["reporting bases"] < stats["bases"]
    assert stats["declaring a parent not on the Hub"] > stats["parents not on the Hub"] > 1
    assert stats["share of downloads on bases"] > 0.5
    # Parents come first, bad input aside.
    normal = population.parent >= 0
    normal[population.size - len(BAD_CASES) - DEEP_CHAIN - 1 :] = False
    assert (population.parent[normal] < np.flatnonzero(normal)).all()


def test_bad_input_rows_carry_their_case(population, records):
    cases = {case: _bad_id(population, case) for case in population.bad_input}
    assert set(cases) == {"deep_chain", *BAD_CASES}
    tags = {case: records[i]["tags"] for case, i in cases.items()}
    cards = {case: _card_bases(records[i]) for case, i in cases.items()}
    assert _declared(records[cases["self_base"]])[0] == {cases["self_base"]}
    assert _declared(records[cases["cycle_a"]])[0] == {cases["cycle_b"]}
    assert _declared(records[cases["cycle_b"]])[0] == {cases["cycle_a"]}
    assert "base_model:" in tags["empty_base_tag"] and not cards["empty_base_tag"]
    assert _declared(records[cases["unknown_relation"]])[1] == {"distillation"}
    assert len(set(cards["base_list_60"])) == 60 and set(cards["base_list_60"]) <= records.keys()
    assert not _declared(records[cases["base_list_60"]])[0]  # the card only
    chain, depth = cases["deep_chain"], 0
    while parents := _declared(records[chain])[0]:
        (chain,) = parents
        depth += 1
    assert depth == DEEP_CHAIN - 1 == 40


def test_the_client_sees_lineage_parameters_and_missing_parents():
    """Through the real huggingface_hub client: safetensors and gguf in listings (expand) and
    model info, absent where not applicable; filter=base_model:<id>; a withdrawn parent 404s."""
    corpus = Corpus.generated(SIZE, reporter_share=0.02, seed=SEED)
    population = corpus.population
    with HubReplay(corpus) as hub:
        api = HfApi(endpoint=hub.url, token=False)
        listed = list(api.list_models(expand=["safetensors", "gguf", "tags", "library_name"]))
        assert len(listed) == SIZE
        by_library = {}
        for info in listed:
            kinds = (info.safetensors is not None, info.gguf is not None)
            by_library.setdefault(info.library_name, set()).add(kinds)
        assert by_library["gguf"] == {(False, True)}
        assert by_library["transformers"] == {(True, False)}
        assert by_library["stable-baselines3"] == {(False, False)}
        gguf = next(i for i in listed if i.gguf)
        assert api.model_info(gguf.id).gguf == gguf.gguf
        assert {"total", "architecture", "context_length"} <= set(gguf.gguf)
        quantized = next(
            i for i in listed if any(t.startswith("base_model:quantized:") for t in i.tags)
        )
        parent = next(t for t in quantized.tags if t.startswith("base_model:quantized:"))
        children = {i.id for i in api.list_models(filter=parent.replace(":quantized", ""))}
        assert quantized.id in children
        expected = {i.id for i in listed if parent.replace(":quantized", "") in i.tags}
        assert children == expected
        withdrawn = population.withdrawn_id(int(-2 - population.parent[population.parent < -1][0]))
        with pytest.raises(RepositoryNotFoundError):
            api.model_info(withdrawn)
        bad = httpx2.get(f"{hub.url}/api/models?expand=gguf&expand=parameters")
        assert bad.status_code == 400
