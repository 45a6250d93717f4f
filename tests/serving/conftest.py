"""Fixtures of the serving tests: real dlt raw files, real dbt builds, real reader processes.

Most tests build a temporary copy of ``dbt_project/`` (its profile, config and macros) whose models
are replaced by one staging view and one mart over ``raw_hub.models`` (serving_support.py): they
exercise the build machinery (``warehouse.build_project``) independently of the project's evolving
models and of its own build steps (``warehouse.build``: raw tables, labels). The session's
``demo_warehouse`` (tests/conftest.py) is the whole real pipeline, for what must hold on the
project's own marts.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving_support import MODELS_V1, load_raw, write_tiny_project

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import Paths


@pytest.fixture(scope="session", autouse=True)
def dbt_scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep dbt's target/ and logs/ out of dbt_project/, which other runs use concurrently."""
    scratch = tmp_path_factory.mktemp("dbt")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DBT_TARGET_PATH", str(scratch / "target"))
        mp.setenv("DBT_LOG_PATH", str(scratch / "logs"))
        mp.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        yield scratch


@pytest.fixture(scope="session")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_project(tmp_path_factory.mktemp("project") / "dbt_project")


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, project: Path) -> Paths:
    """A data directory whose warehouse was built from MODELS_V1. Do not modify: see `clone`."""
    paths = Paths(tmp_path_factory.mktemp("built"))
    load_raw(paths, MODELS_V1)
    warehouse.build_project(paths, project)
    return paths


@pytest.fixture(scope="session")
def clone_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clone") / "data"


@pytest.fixture
def clone(built: Paths, clone_dir: Path) -> Paths:
    """A private copy of the built data directory, for tests that rebuild or break it.

    Each test's copy replaces the previous one at the same path: the profile names the warehouse's
    path, so only there can dbt reuse the previous build's parse (partial parsing) in dbt_scratch.
    """
    shutil.rmtree(clone_dir, ignore_errors=True)
    shutil.copytree(built.data_dir, clone_dir)
    return Paths(clone_dir)
