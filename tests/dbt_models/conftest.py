"""Fixtures of the dbt tests: a real dbt build on a real DuckDB file, shared by the session."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from hubcarbon_settings import DBT_PROJECT_DIR

from .raw_hub_fixture import write_raw_hub

DBT = Path(sys.executable).with_name("dbt")


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

    def dbt(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(DBT), *args], cwd=DBT_PROJECT_DIR, env=self.env(), capture_output=True, text=True
        )
        failures = [line for line in done.stdout.splitlines() if "ERROR" in line or "FAIL" in line]
        assert done.returncode == 0, f"dbt {' '.join(args)} failed:\n" + "\n".join(
            failures or done.stdout.splitlines()[-40:]
        )
        return done

    def query(self, sql: str, *params) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, list(params)).fetchall()


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """raw_hub fixture rows built through every model, test and unit test (as `make build` does;
    the study's seeds and models/reproduction are the reproduction's, tests/reproduce)."""
    work_dir = tmp_path_factory.mktemp("dbt")
    built = Warehouse(work_dir / "warehouse.duckdb", work_dir)
    write_raw_hub(built.path)
    built.dbt("build")
    return built
