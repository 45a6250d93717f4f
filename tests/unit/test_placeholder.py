"""The Hub's placeholder createdAt: the project's one definition and the imitation's (which imports
nothing of the project, as the real Hub would not) are the same instant."""

from __future__ import annotations

from hub_replay.records import PLACEHOLDER_CREATED_AT
from hubcarbon_settings import HUB_CREATED_AT_PLACEHOLDER
from pipelines.hf_hub.helpers import parse_ts


def test_the_imitation_serves_the_placeholder_the_loader_knows() -> None:
    assert parse_ts(PLACEHOLDER_CREATED_AT) == parse_ts(HUB_CREATED_AT_PLACEHOLDER) is not None
