"""Fixtures of the dbt tests: a real dbt build on a real DuckDB file, shared by the session and
started with it (the tests before it run meanwhile)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from pipeline_support import Started, starts_early

from hubcarbon_settings import DBT_PROJECT_DIR

from .raw_hub_fixture import write_raw_hub

DBT = Path(sys.executable).with_name("dbt")
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

    def command(self, *args: str) -> list[str]:
        return [str(DBT), *args]

    def dbt(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args), cwd=DBT_PROJECT_DIR, env=self.env(), capture_output=True, text=True
        )
        return self.succeeded(done)

    @staticmethod
    def succeeded(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
        failures = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        assert done.returncode == 0, f"dbt {' '.join(done.args[1:])} failed:\n" + "\n".join(
            failures or done.stdout.splitlines()[-40:]
        )
        return done

    def query(self, sql: str, *params) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()


@starts_early("warehouse")
def start_build(tmp_path_factory: pytest.TempPathFactory) -> Started:
    """raw_hub fixture rows built through every model, test and unit test (as `make build` does;
    the study's seeds and models/reproduction are the reproduction's, tests/reproduce)."""
    work_dir = tmp_path_factory.mktemp("dbt")
    built = Warehouse(work_dir / "warehouse.duckdb", work_dir)
    write_raw_hub(built.path)
    return Started.start(built.command("build"), work_dir, DBT_PROJECT_DIR, built.env())


@pytest.fixture(scope="session")
def warehouse(started_early: dict[str, Started]) -> Warehouse:
    """The build started with the session (tests/conftest.py), once it has passed."""
    started = started_early["warehouse"]
    Warehouse.succeeded(started.wait(BUILD_TIMEOUT_S))
    return Warehouse(started.root / "warehouse.duckdb", started.root)
