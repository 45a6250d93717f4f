"""GET /api/models through the real huggingface_hub client and raw HTTP."""

from __future__ import annotations

import itertools

import httpx2
import pytest
from huggingface_hub import HfApi
from huggingface_hub.errors import BadRequestError

from hub_replay import HubReplay
from hub_replay.corpus import SNAPSHOT_PATH, load_snapshot
from hub_replay.records import LIST_DEFAULT_FIELDS, LIST_FULL_FIELDS

EXPAND = ["cardData", "lastModified", "createdAt", "sha", "author", "downloads", "tags"]


def _follow(url: str) -> list[dict]:
    """Every item of a listing, following rel="next" links on one keep-alive connection."""
    items = []
    with httpx2.Client() as client:
        while url:
            response = client.get(url)
            items += response.json()
            url = response.links.get("next", {}).get("url")
    return items


@pytest.fixture(scope="module")
def snapshot_models():
    return load_snapshot(SNAPSHOT_PATH)[0]


def test_filter_co2_lists_exactly_the_models_with_the_metadata_key(api, snapshot_models):
    listed = list(api.list_models(filter="co2_eq_emissions", cardData=True))
    expected = {
        m.id for m in snapshot_models if "co2_eq_emissions" in (m.api.get("cardData") or {})
    }
    assert {m.id for m in listed} == expected
    assert all("co2_eq_emissions" in m.card_data for m in listed)


def test_pagination_follows_link_headers_in_keyset_order(api, hub):
    before = len(hub.requests)
    listed = list(api.list_models(filter="co2_eq_emissions", sort="last_modified", expand=EXPAND))
    pages = hub.requests[before:]
    assert len(pages) == -(-len(listed) // hub.page_size)  # ceil: one request per page
    assert all("cursor" in page["params"] for page in pages[1:])
    assert len({m.id for m in listed}) == len(listed)
    stamps = [m.last_modified for m in listed]
    assert stamps == sorted(stamps, reverse=True)


@pytest.mark.parametrize(
    "sort", ["createdAt", "lastModified", "downloads", "likes", "trendingScore", "id"]
)
def test_every_sort_is_descending_with_id_tiebreak(hub, sort):
    url = f"{hub.url}/api/models?sort={sort}&limit=1000" + (
        "" if sort == "id" else f"&expand[]={sort}"
    )
    items = _follow(url)
    keys = [(item[sort], item["_id"]) for item in items]
    for (value, oid), (next_value, next_oid) in itertools.pairwise(keys):
        assert value > next_value or (value == next_value and oid < next_oid)
    assert len({item["id"] for item in items}) == len(items)


def test_default_and_full_field_sets(hub):
    default = httpx2.get(f"{hub.url}/api/models?limit=5").json()
    assert all(set(item) <= set(LIST_DEFAULT_FIELDS) for item in default)
    assert all({"_id", "id", "tags", "createdAt", "modelId"} <= set(item) for item in default)
    full = httpx2.get(f"{hub.url}/api/models?limit=5&full=true").json()
    assert all(set(item) <= set(LIST_FULL_FIELDS) and "siblings" in item for item in full)
    assert all(set(s) == {"rfilename"} for item in full for s in item["siblings"])


def test_expand_returns_only_the_named_fields_in_both_wire_forms(hub):
    plain = httpx2.get(f"{hub.url}/api/models?limit=20&expand=author&expand=sha").json()
    brackets = httpx2.get(f"{hub.url}/api/models?limit=20&expand[]=author&expand[]=sha").json()
    assert plain == brackets
    assert all(set(item) == {"_id", "id", "author", "sha"} for item in plain)


def test_unknown_expand_is_a_400_the_client_raises(api, hub):
    response = httpx2.get(f"{hub.url}/api/models?expand=carbon")
    assert response.status_code == 400 and "carbon" in response.json()["error"]
    with pytest.raises(BadRequestError):
        list(api.list_models(expand=["carbon"]))


def test_search_author_and_tag_filters_combine(api):
    listed = list(api.list_models(search="autonlp", filter=["co2_eq_emissions"], expand=["tags"]))
    assert listed and all("autonlp" in m.id.lower() for m in listed)
    assert all("co2_eq_emissions" in m.tags for m in listed)
    author = listed[0].author or listed[0].id.split("/")[0]
    by_author = list(api.list_models(author=author))
    assert by_author and all(m.id.startswith(f"{author}/") for m in by_author)


def test_a_cursor_only_fits_its_own_sort(hub):
    by_id = httpx2.get(f"{hub.url}/api/models?sort=id&limit=2").links["next"]["url"]
    response = httpx2.get(by_id.replace("sort=id", "sort=downloads"))
    assert response.status_code == 400 and "cursor" in response.json()["error"]
    assert httpx2.get(f"{hub.url}/api/models?cursor=garbage").status_code == 400


def test_limit_caps_the_page_and_the_client(api, hub):
    assert len(list(api.list_models(limit=7))) == 7
    response = httpx2.get(f"{hub.url}/api/models?limit=5000")
    assert len(response.json()) == 1000


def test_keyset_cursor_is_stable_under_concurrent_modification(fresh_corpus):
    with HubReplay(fresh_corpus, page_size=100) as hub:
        api = HfApi(endpoint=hub.url, token=False)
        everything = [m.id for m in api.list_models(sort="last_modified")]
        first = httpx2.get(f"{hub.url}/api/models?sort=lastModified&limit=100")
        moved = everything[150]  # on the second page, about to move to the very top
        fresh_corpus.touch(moved)
        rest = [item["id"] for item in _follow(first.links["next"]["url"])]
    served = [item["id"] for item in first.json()] + rest
    assert served == [i for i in everything if i != moved]
