"""The reproduction's one dbt build, shared by the session: `make reproduce` run as users run it,
started with the session (tests/conftest.py), while the tests that do not need it run."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pipeline_support import Started, start_module, starts_early

REPRODUCE_TIMEOUT_S = 900  # a hang guard, not a speed claim


@starts_early("run")
def start_reproduce(tmp_path_factory: pytest.TempPathFactory) -> Started:
    root = tmp_path_factory.mktemp("reproduce")
    return start_module("hubcarbon.reproduce", root / "data", root)


@pytest.fixture(scope="session")
def run(started_early: dict[str, Started]) -> tuple[subprocess.CompletedProcess[str], Path]:
    started = started_early["run"]
    done = started.wait(REPRODUCE_TIMEOUT_S)
    return done, started.root / "data" / "reproduce" / "study.duckdb"
