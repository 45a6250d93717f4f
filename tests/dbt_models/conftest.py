"""Fixtures of the dbt tests: a real dbt build on a real DuckDB file, shared by the session and
started with it (the tests before it run meanwhile), and the parser's part of it, ready first
(early_build.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from pipeline_support import Started, starts_early

from hubcarbon_settings import DBT_PROJECT_DIR

from . import early_build
from .raw_hub_fixture import write_raw_hub

BUILD_TIMEOUT_S = 900  # a hang guard, not a speed claim


@dataclass(frozen=True)
class Warehouse:
    """A warehouse file built by dbt, and the private dbt paths it was built with."""

    path: Path
    work_dir: Path

    def env(self) -> dict[str, str]:
        # Own target/log paths: other tests and `make build` may run dbt in the same project.
        return {
            **os.environ,
            "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            "DBT_TARGET_PATH": str(self.work_dir / "target"),
            "DBT_LOG_PATH": str(self.work_dir / "logs"),
            "DATA_DIR": str(self.work_dir),
            "HUBCARBON_WAREHOUSE": str(self.path),
        }

    @staticmethod
    def succeeded(done: subprocess.CompletedProcess[str]) -> None:
        failures = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        assert done.returncode == 0, "the dbt fixture's build failed:\n" + "\n".join(
            failures or [*done.stdout.splitlines()[-40:], *done.stderr.splitlines()[-20:]]
        )

    def query(self, sql: str, *params) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()


@starts_early("dbt_fixture_build")
def start_build(tmp_path_factory: pytest.TempPathFactory) -> Started:
    """raw_hub fixture rows built through every model, test and unit test (as `make build` does;
    the study's seeds and models/reproduction are the reproduction's, tests/reproduce)."""
    work_dir = tmp_path_factory.mktemp("dbt")
    built = Warehouse(work_dir / "warehouse.duckdb", work_dir)
    write_raw_hub(built.path)
    command = [sys.executable, early_build.__file__, str(work_dir), str(built.path)]
    return Started.start(command, work_dir, DBT_PROJECT_DIR, built.env())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of the whole build last: the parser's part is ready well before (stable sort)."""
    items.sort(key=lambda item: "warehouse" in item.fixturenames)


@pytest.fixture(scope="session")
def dbt_fixture_build(started_early: dict[str, Started]) -> Started:
    """The fixture's dbt process, started with the session (tests/conftest.py)."""
    return started_early["dbt_fixture_build"]


@starts_early("spark_compile")
def start_spark_compile(tmp_path_factory: pytest.TempPathFactory) -> Started:
    """Every model, the reproduction's included, compiled for Spark (test_portable_sql.py): no
    connection, no Java; meanwhile the DuckDB build compiles the same models for DuckDB."""
    work_dir = tmp_path_factory.mktemp("compile-spark")
    command = [str(Path(sys.executable).with_name("dbt")), "compile", "--target", "spark"]
    command += ["--select", "resource_type:model", "--no-populate-cache", "--quiet"]
    command += ["--vars", "{load_study_seeds: true}"]
    env = Warehouse(work_dir / "unused.duckdb", work_dir).env()
    return Started.start(command, work_dir, DBT_PROJECT_DIR, env)


@pytest.fixture(scope="session")
def spark_compile(started_early: dict[str, Started]) -> Started:
    return started_early["spark_compile"]


@pytest.fixture(scope="session")
def warehouse(dbt_fixture_build: Started) -> Warehouse:
    """The build, once it has passed."""
    started = dbt_fixture_build
    Warehouse.succeeded(started.wait(BUILD_TIMEOUT_S))
    return Warehouse(started.root / "warehouse.duckdb", started.root)


@dataclass(frozen=True)
class Parser:
    """The parser's SQL compiled by the fixture's dbt (early_build.PIECES and MODELS), and the
    seeds it joins (units, statuses, placeholders)."""

    sql: dict[str, str]
    seeds: Path

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A connection on which the compiled SQL runs (its relations name database `warehouse`)."""
        con = duckdb.connect()
        con.execute(f"attach '{self.seeds}' as warehouse (read_only)")
        return con


@pytest.fixture(scope="session")
def parser_sql(dbt_fixture_build: Started) -> Parser:
    """The parser's part of the session's dbt build, once written (the build goes on)."""
    started = dbt_fixture_build
    ready = started.root / early_build.PARSER_DIR / early_build.PARSER_SQL
    started.wait_for(ready, BUILD_TIMEOUT_S)
    return Parser(json.loads(ready.read_text()), ready.with_name("warehouse.duckdb"))
