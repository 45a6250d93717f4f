"""The loader's pure helpers: retry delays, rate-limit quota learning, dataset naming, size sums.

No server and no sleeping: each helper gets the Hub's real response shapes (an ``httpx2.Response``
with the Hub's ``RateLimit`` headers, ``/api/models?blobs=true`` siblings, dataset card data).
"""

from __future__ import annotations

import httpx2
import pytest

from pipelines.hf_hub import settings
from pipelines.hf_hub.helpers import HubClient, dataset_size_bytes, model_size_row, named_datasets


def response(status: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(status, headers={k.replace("_", "-"): v for k, v in headers.items()})


def rate_limit(bucket: str, remaining: int, reset_s: int, quota: int = 500) -> dict[str, str]:
    """The two headers the Hub sends with every API answer."""
    return {
        "RateLimit": f'"{bucket}";r={remaining};t={reset_s}',
        "RateLimit_Policy": f'"fixed window";"{bucket}";q={quota};w=300',
    }


@pytest.fixture
def client() -> HubClient:
    return HubClient("http://127.0.0.1:9")


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    delays = [HubClient._backoff(attempt) for attempt in range(1, 9)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert (settings.BACKOFF_BASE_S, settings.BACKOFF_MAX_S) == (1.0, 60.0)


def test_a_429_waits_until_the_announced_reset(client: HubClient) -> None:
    limited = response(429, **rate_limit("api", remaining=0, reset_s=55))
    assert client._retry_delay(limited, attempt=1) == 56.0  # the reset is rounded down: +1 s
    assert client._retry_delay(limited, attempt=5) == 56.0  # not the backoff of attempt 5


def test_a_429_without_ratelimit_headers_honours_retry_after(client: HubClient) -> None:
    assert client._retry_delay(response(429, Retry_After="7"), attempt=3) == 7.0
    # An HTTP date (or junk) in Retry-After is not a number of seconds: exponential backoff.
    dated = response(429, Retry_After="Wed, 21 Oct 2015 07:28:00 GMT")
    assert client._retry_delay(dated, attempt=3) == 4.0
    assert client._retry_delay(response(429), attempt=2) == 2.0


def test_server_errors_back_off_whatever_the_quota_says(client: HubClient) -> None:
    unavailable = response(503, **rate_limit("api", remaining=0, reset_s=55))
    assert client._retry_delay(unavailable, attempt=2) == 2.0


def test_pacing_starts_below_a_tenth_of_the_quota_and_is_per_bucket(client: HubClient) -> None:
    client._learn_quota(response(200, **rate_limit("api", remaining=50, reset_s=100)))
    assert client._interval == {"api": 0.0}  # a tenth (50 of 500) left: not yet
    client._learn_quota(response(200, **rate_limit("api", remaining=49, reset_s=100)))
    assert client._interval["api"] == pytest.approx(100 / 50)  # spread over the window's rest
    client._learn_quota(response(200, **rate_limit("resolvers", remaining=400, reset_s=100)))
    assert client._interval == {"api": pytest.approx(2.0), "resolvers": 0.0}
    # A new window (the quota is back) stops the pacing.
    client._learn_quota(response(200, **rate_limit("api", remaining=499, reset_s=300)))
    assert client._interval["api"] == 0.0


def test_without_a_policy_only_an_exhausted_quota_paces(client: HubClient) -> None:
    client._learn_quota(response(200, RateLimit='"api";r=1;t=30'))
    assert client._interval["api"] == 0.0
    client._learn_quota(response(200, RateLimit='"api";r=0;t=30'))
    assert client._interval["api"] == 30.0
    client._learn_quota(response(200))  # no headers at all: nothing learnt, nothing changed
    assert client._interval["api"] == 30.0


@pytest.mark.parametrize(
    ("card_data", "expected"),
    [
        ({"datasets": ["imdb", "glue"]}, {"imdb", "glue"}),
        ({"datasets": "  wikitext  "}, {"wikitext"}),
        ({"datasets": ["org/set-1.0_x", "has space", "../etc", "", None]}, {"org/set-1.0_x"}),
        ({"datasets": ["a/b/c", "ok"]}, {"ok"}),
        ({"datasets": {"name": "imdb"}}, set()),  # untrusted shapes are ignored
        (None, set()),
    ],
)  # fmt: skip
def test_named_datasets_keeps_only_well_formed_repo_ids(card_data, expected) -> None:
    assert named_datasets(card_data) == expected


@pytest.mark.parametrize(
    ("card_data", "expected"),
    [
        ({"dataset_info": {"dataset_size": 1_000}}, 1_000),
        ({"dataset_info": [{"dataset_size": 10}, {"dataset_size": 2.5}, {"config": "x"}]}, 12),
        ({"dataset_info": [{"dataset_size": True}, {"dataset_size": "9"}]}, None),
        ({"dataset_info": None}, None),
        ("not a dict", None),
    ],
)
def test_dataset_size_sums_the_configs_that_state_a_number(card_data, expected) -> None:
    assert dataset_size_bytes(card_data) == expected


def sibling(name: str, size: int | None = None, lfs: int | None = None) -> dict:
    """A file of ``/api/models/{id}?blobs=true``: LFS files carry their size under ``lfs``."""
    return {"rfilename": name, "size": size, **({"lfs": {"size": lfs}} if lfs else {})}


def test_model_size_keeps_every_file_as_the_hub_lists_it() -> None:
    """Raw stays raw: no file is judged or summed here (dbt does, by the weight-patterns seed)."""
    info = {
        "siblings": [
            sibling("model.safetensors", size=500, lfs=500),
            sibling("training_args.bin", size=4),
            sibling("b.safetensors"),  # a size the Hub did not give stays unknown
            {"size": 3},  # no path: not a file
            "junk",
        ],
        "safetensors": {"total": 66_000_000},
        "usedStorage": 2_704,
    }
    assert model_size_row(info) == {
        "parameters": 66_000_000,
        "used_storage_bytes": 2_704,
        "siblings": [
            {"rfilename": "model.safetensors", "size": 500, "lfs_size": 500},
            {"rfilename": "training_args.bin", "size": 4, "lfs_size": None},
            {"rfilename": "b.safetensors", "size": None, "lfs_size": None},
        ],
    }
    assert model_size_row({}) == {"parameters": None, "used_storage_bytes": None, "siblings": []}
