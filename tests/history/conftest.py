"""The history tests' scenario (scenario.py), run in a process started with the session: the other
tests run meanwhile."""

from __future__ import annotations

import pytest
from pipeline_support import Started, start_module, starts_early

from .scenario import SAVED, Scenario

SCENARIO_TIMEOUT_S = 1800  # a hang guard, not a speed claim


@starts_early("scenario")
def start_scenario(tmp_path_factory: pytest.TempPathFactory) -> Started:
    root = tmp_path_factory.mktemp("history")
    return start_module(f"tests.history.scenario {root}", root, root)


@pytest.fixture(scope="session")
def scenario(started_early: dict[str, Started]) -> Scenario:
    started = started_early["scenario"]
    done = started.wait(SCENARIO_TIMEOUT_S)
    assert done.returncode == 0, f"the history scenario failed:\n{done.stderr[-6000:]}"
    return Scenario.saved(started.root / SAVED)
