"""Running the project's entry points in tests as users run them: ``python -m <module>``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hubcarbon_settings import REPO_ROOT


def run_module(module: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m <module> [args]`` with DATA_DIR set, as `make` runs it."""
    environment = {k: v for k, v in os.environ.items() if k != "HF_TOKEN"}
    environment.update(DATA_DIR=str(data_dir), **env)  # the imitation needs no token
    return subprocess.run(
        [sys.executable, "-m", *module.split()],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
