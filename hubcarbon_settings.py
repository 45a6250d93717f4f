"""Where everything lives. One place, so that the loader, dbt, GX and the tools agree.

Every path derives from ``DATA_DIR`` (default ``./data``), the only directory the project writes to.
A top-level module that imports nothing of the project: ``pipelines``, ``expectations`` and
``hubcarbon`` all read it, and ``hubcarbon`` (the orchestration on top) imports the other two.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

REPO_ROOT = Path(__file__).resolve().parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"

# The Hub stores this placeholder as createdAt for every repo created before it recorded dates.
HUB_CREATED_AT_PLACEHOLDER = "2022-03-02T23:29:04.000Z"

# Where `make demo` writes unless DATA_DIR is given: apart from a real load in ./data.
DEMO_DATA_DIR = REPO_ROOT / "data" / "demo"

# The oldest DuckDB release that must be able to open the warehouse (BI drivers bundle old engines).
WAREHOUSE_STORAGE_VERSION = "v1.4.0"

# The exit status of every command (`python -m …`, what the make targets run; docs/operations.md):
# 0 done; 1 the data says no (no label, a check, a dbt test or a tolerance failed); 2 usage or
# environment (a bad argument, an unknown model, a missing or locked file, an unreachable Hub).
EXIT_DATA_SAYS_NO = 1
EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """End the command: ``message`` on stderr, and the exit status of the convention above
    (``raise SystemExit(message)`` would exit 1 whatever the cause)."""
    print(message, file=sys.stderr, flush=True)
    raise SystemExit(code)


@dataclass(frozen=True)
class Paths:
    """The files under one data directory."""

    data_dir: Path

    @classmethod
    def from_env(cls) -> Paths:
        return cls(Path(os.environ.get("DATA_DIR", "data")).expanduser().resolve())

    @classmethod
    def writable_from_env(cls, command: str) -> Paths:
        """The paths of ``DATA_DIR``; exits with a message saying what to change when it is a
        file, cannot be created or cannot be written."""
        paths = cls.from_env()
        problem = paths._unwritable()
        if problem:
            fail(
                f"{command}: DATA_DIR={paths.data_dir} {problem}. Point DATA_DIR at a directory"
                f" you can write to (default ./data), e.g. make {command} DATA_DIR=/tmp/hubcarbon."
            )
        return paths

    def _unwritable(self) -> str | None:
        """Why DATA_DIR cannot hold the pipeline's files, else None. Leaves no trace: what it
        creates to probe, it removes (a load that then fails writes nothing)."""
        if self.data_dir.exists() and not self.data_dir.is_dir():
            return "is a file, not a directory"
        created = [p for p in (self.data_dir, *self.data_dir.parents) if not p.exists()]
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Writing is the only reliable test (access() says yes to root on read-only mounts).
            with tempfile.TemporaryFile(dir=self.data_dir):
                pass
        except OSError as exc:
            return f"cannot be written ({exc.strerror or exc})"
        finally:
            for directory in created:  # deepest first
                if directory.is_dir():
                    directory.rmdir()
        return None

    def missing(self, what: Path, command: str, first: str) -> str:
        """``what`` is missing for ``make command``: the exact commands that make it exist."""
        message = f"{what} does not exist: run make {first}, then make {command}"
        demo = Paths(DEMO_DATA_DIR)
        if self.data_dir == demo.data_dir or not demo.warehouse.exists():
            return message + " (or make demo, to try it all offline first)."
        shown = relative_to_repo(demo.data_dir)
        return message + f"; or use the demo's warehouse: make {command} DATA_DIR={shown}."

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
    def lake_dir(self) -> Path:
        """The raw layer as Parquet (``lake/raw_hub/<table>/``), what Spark reads."""
        return self.data_dir / "lake"

    @property
    def spark_dir(self) -> Path:
        """ENGINE=spark's warehouse: Spark's Parquet tables and its Derby Hive metastore."""
        return self.data_dir / "spark"

    @property
    def exports_dir(self) -> Path:
        return self.data_dir / "exports"

    @property
    def docs_dir(self) -> Path:
        """The dbt docs site (`make docs`)."""
        return self.data_dir / "docs"

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


def relative_to_repo(path: Path) -> str:
    """``path`` relative to the repository when inside it (how the README writes it)."""
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
