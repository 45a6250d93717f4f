"""Running the project's entry points as users do: ``python -m <module>`` with a DATA_DIR."""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    "cls-label-cards",
    "fam-coverage",
    "fam-top",
    "hist-changes-month",
    "hist-corrections",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
