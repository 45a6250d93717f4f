"""Running the project's entry points as users do: ``python -m <module>`` with a DATA_DIR."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from hubcarbon.settings import REPO_ROOT

# The figures the report promises (RQ1, RQ2, the two classifications).
FIGURE_IDS = {
    "rq1-share-month",
    "rq1-share-domain",
    "rq1-share-autotrain",
    "rq1-sources",
    "rq1-training-types",
    "rq1-locations",
    "rq1-hardware",
    "rq2-median-month",
    "rq2-domain",
    "rq2-model-size",
    "rq2-dataset-size",
    "rq2-correlations",
    "cls-reporting-levels",
    "cls-labels",
    "cls-labels-domain",
    "cls-labels-year",
}


def run_module(module: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATA_DIR": str(data_dir), **env}
    environment.pop("HF_TOKEN", None)  # never send a real token to the imitation
    return subprocess.run(
        [sys.executable, "-m", *module.split()],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
