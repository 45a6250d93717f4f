"""The reproduction's one dbt build, shared by the session: `make reproduce` run as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hubcarbon_settings import REPO_ROOT


@pytest.fixture(scope="session")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    data_dir = tmp_path_factory.mktemp("reproduce") / "data"
    done = subprocess.run(
        [sys.executable, "-m", "hubcarbon.reproduce"],
        cwd=REPO_ROOT,
        env={**os.environ, "DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    return done, data_dir / "reproduce" / "study.duckdb"
