"""Fixtures shared by every suite.

``demo_run`` is `make demo` itself (``python -m hubcarbon.demo``), run once per session as a
newcomer runs it: the local Hub imitation serves the bundled snapshot (the study's real CO2
reporters plus the generated population), and the demo loads, builds and checks it. It runs over a
previous demo's leftovers, which it must clear. tests/newcomer holds its summary to the README.

``demo_warehouse`` is that run's data directory: every suite that reads a real pipeline's result
shares it. Read it; never modify it (copy what you change, as tests/spark copies its raw.duckdb).
Suites whose Hub or loads differ build their own, once per suite (tests/expectations: junk cards;
tests/history: three loads).

The demo starts with the session, in a second process, when a selected test needs it, and the
modules that need it run last: on 2 cores the other tests run meanwhile (pipeline_support.EARLY;
any conftest can start its own slow session fixture the same way).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pipeline_support import EARLY, Started, start_module, starts_early

from hubcarbon import demo
from hubcarbon_settings import Paths

DEMO_TIMEOUT_S = 1800  # a hang guard, not a speed claim


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules needing a fixture that starts early run last (whole modules, so that their
    module-scoped fixtures are set up once)."""
    late = {item.path for item in items if EARLY.keys() & set(item.fixturenames)}
    items.sort(key=lambda item: item.path in late)  # stable: the order within each part stays


@pytest.fixture(scope="session", autouse=True)
def started_early(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Started]]:
    """Start, before the first test, what the selected tests will need (EARLY)."""
    needed = {name for item in request.session.items for name in item.fixturenames}
    started = {name: start(tmp_path_factory) for name, start in EARLY.items() if name in needed}
    started = {name: process for name, process in started.items() if process is not None}
    yield started
    for process in started.values():
        process.stop()


@dataclass(frozen=True)
class DemoRun:
    paths: Paths
    done: subprocess.CompletedProcess[str]


@starts_early("demo_run")
def start_demo(tmp_path_factory: pytest.TempPathFactory) -> Started:
    """`make demo DATA_DIR=<tmp>` over an earlier demo's leftovers."""
    root = tmp_path_factory.mktemp("demo")
    paths = Paths(root / "data")
    paths.data_dir.mkdir()
    paths.raw_db.write_text("left by an earlier demo")  # not a database: the demo must remove it
    (paths.data_dir / demo.MARKER).touch()
    # dbt's logs beside, not in dbt_project/, which other runs use concurrently.
    return start_module("hubcarbon.demo", paths.data_dir, root, DBT_LOG_PATH=str(root / "dbt-logs"))


@pytest.fixture(scope="session")
def demo_run(started_early: dict[str, Started]) -> DemoRun:
    """The session's `make demo`, once it has ended: its data directory and what it printed."""
    started = started_early["demo_run"]
    return DemoRun(Paths(started.root / "data"), started.wait(DEMO_TIMEOUT_S))


@pytest.fixture(scope="session")
def demo_warehouse(demo_run: DemoRun) -> Paths:
    """The demo's data directory, loaded, built and checked by the real pipeline."""
    done = demo_run.done
    assert done.returncode == 0, f"make demo failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
    return demo_run.paths
