"""Where a load comes from, read from the answers: the imitation announces its bundled snapshot in
a header the real Hub never sends, and the loader's client tells the three kinds apart."""

from __future__ import annotations

from hub_replay import Corpus, HubReplay
from pipelines.hf_hub import settings
from pipelines.hf_hub.helpers import HubClient


def listed_by(hub: HubReplay) -> HubClient:
    client = HubClient(hub.url)
    client.get("/api/models", "models", {"limit": 1})
    return client


def test_the_bundled_snapshot_is_announced_and_read_as_such(hub: HubReplay) -> None:
    client = listed_by(hub)
    assert client.replay_corpus == settings.BUNDLED_CORPUS
    assert client.endpoint_kind() == "bundled_snapshot"


def test_an_imitation_of_another_corpus_is_another_endpoint() -> None:
    with HubReplay(Corpus.generated(50)) as other:
        client = listed_by(other)
    assert client.replay_corpus is None
    assert client.endpoint_kind() == "other_endpoint"


def test_the_real_hub_is_its_host_and_the_callers_word_counts_for_nothing() -> None:
    assert HubClient("https://huggingface.co").endpoint_kind() == "huggingface_hub"
    # Calling an endpoint a snapshot does not make it one: only an answer's header does.
    assert HubClient("http://127.0.0.1:9/bundled").endpoint_kind() == "other_endpoint"
