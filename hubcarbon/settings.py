"""Where everything lives. One place, so that the loader, dbt, GX and the tools agree.

Every path derives from ``DATA_DIR`` (default ``./data``), the only directory the project writes to.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# The Hub stores this placeholder as createdAt for every repo created before it recorded dates.
HUB_CREATED_AT_PLACEHOLDER = "2022-03-02T23:29:04.000Z"

# The oldest DuckDB release that must be able to open the warehouse (BI drivers bundle old engines).
WAREHOUSE_STORAGE_VERSION = "v1.4.0"


@dataclass(frozen=True)
class Paths:
    """The files under one data directory."""

    data_dir: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(Path(os.environ.get("DATA_DIR", "data")).expanduser().resolve())

    @property
    def raw_db(self) -> Path:
        """dlt's destination: private to the loader, never opened by BI tools."""
        return self.data_dir / "raw.duckdb"

    @property
    def warehouse(self) -> Path:
        """The file BI tools open: raw_hub snapshot + staging + intermediate + marts."""
        return self.data_dir / "warehouse.duckdb"

    @property
    def build_dir(self) -> Path:
        """Where the next warehouse is built before it is swapped in."""
        return self.data_dir / ".build"

    @property
    def pipelines_dir(self) -> Path:
        return self.data_dir / "dlt"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def report_dir(self) -> Path:
        return self.data_dir / "report"

    @property
    def labels_dir(self) -> Path:
        """Label cards, badges and their index (make label, make labels)."""
        return self.data_dir / "labels"

    @property
    def checks_dir(self) -> Path:
        """GX results, data docs and the previous load's emissions (for the x1000 check)."""
        return self.data_dir / "checks"
