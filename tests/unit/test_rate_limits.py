"""The Hub client's retry delays and quota learning, on real httpx responses, with literal figures.

`time.sleep` is recorded rather than slept, so the pacing shows as the delays it asked for.
"""

from __future__ import annotations

import httpx2
import pytest

from pipelines.hf_hub import helpers
from pipelines.hf_hub.helpers import HubClient

POLICY = {"RateLimit-Policy": '"fixed window";"api";q=500;w=300'}


def answer(status: int, ratelimit: str | None = None, **headers: str) -> httpx2.Response:
    if ratelimit is not None:
        headers = {"RateLimit": ratelimit, **POLICY, **headers}
    return httpx2.Response(status, headers=headers)


@pytest.fixture
def client() -> HubClient:
    return HubClient("http://127.0.0.1:9")  # never contacted


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    asked: list[float] = []
    monkeypatch.setattr(helpers.time, "sleep", asked.append)
    return asked


# -- retry delays ---------------------------------------------------------------------------------
@pytest.mark.parametrize("attempt", [1, 4])
def test_a_429_waits_for_the_ratelimit_reset_and_one_second_more(client, attempt) -> None:
    # The reset is given in whole seconds, rounded down: one more second is never too early.
    throttled = answer(429, '"api";r=0;t=42', **{"Retry-After": "7"})
    assert client._retry_delay(throttled, attempt) == 43.0


def test_a_429_without_ratelimit_waits_retry_after(client) -> None:
    assert client._retry_delay(answer(429, **{"Retry-After": "7"}), attempt=1) == 7.0


@pytest.mark.parametrize("retry_after", [None, "Wed, 21 Oct 2026 07:28:00 GMT", "soon"])
def test_a_429_saying_nothing_usable_backs_off(client, retry_after) -> None:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    assert client._retry_delay(answer(429, **headers), attempt=3) == 4.0


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_server_faults_back_off_exponentially_up_to_a_minute(client, status) -> None:
    # Rate-limit headers on a 5xx say nothing about the fault: still the backoff.
    fault = answer(status, '"api";r=0;t=42', **{"Retry-After": "7"})
    delays = [client._retry_delay(fault, attempt) for attempt in range(1, 9)]
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]


# -- quota learning -------------------------------------------------------------------------------
def paced(client: HubClient, bucket: str, requests: int) -> None:
    for _ in range(requests):
        client._pace(bucket)


def test_no_pacing_while_the_quota_is_plentiful(client, sleeps) -> None:
    client._learn_quota(answer(200, '"api";r=50;t=100'))  # 10 % of 500 left: not below it
    paced(client, "api", 5)
    assert sleeps == []


def test_a_low_quota_is_spread_over_the_rest_of_the_window(client, sleeps) -> None:
    client._learn_quota(answer(200, '"api";r=49;t=100'))  # just below 10 %: 100 s / (49 + 1) each
    paced(client, "api", 4)
    assert sleeps == pytest.approx([2.0, 4.0, 6.0], abs=0.5)
    paced(client, "resolvers", 3)  # another bucket, its own quota
    assert len(sleeps) == 3


def test_an_exhausted_quota_waits_out_the_window(client, sleeps) -> None:
    client._learn_quota(answer(429, '"api";r=0;t=55'))
    paced(client, "api", 3)
    assert sleeps == pytest.approx([55.0, 110.0], abs=0.5)


def test_pacing_stops_once_the_quota_is_back(client, sleeps) -> None:
    client._learn_quota(answer(200, '"api";r=3;t=30'))
    client._learn_quota(answer(200, '"api";r=499;t=300'))  # a new window
    client._learn_quota(answer(200))  # no headers: nothing learnt, nothing forgotten
    paced(client, "api", 5)
    assert sleeps == []


def test_a_small_quota_paces_only_when_none_is_left(client, sleeps) -> None:
    small = {"RateLimit-Policy": '"fixed window";"api";q=5;w=60'}
    client._learn_quota(httpx2.Response(200, headers={"RateLimit": '"api";r=1;t=30', **small}))
    paced(client, "api", 3)
    assert sleeps == []
    client._learn_quota(httpx2.Response(200, headers={"RateLimit": '"api";r=0;t=30', **small}))
    paced(client, "api", 3)
    assert sleeps == pytest.approx([30.0, 60.0], abs=0.5)
