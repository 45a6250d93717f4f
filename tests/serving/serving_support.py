"""Helpers of the serving tests: raw data, a tiny dbt project, processes holding DuckDB files."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dlt

from hubcarbon.engines import duckdb as warehouse
from hubcarbon_settings import DBT_PROJECT_DIR, Paths

HERE = Path(__file__).parent

MODELS_V1 = [
    {"id": "org/alpha", "downloads": 10, "created_at": "2022-05-01T10:00:00+00:00"},
    {"id": "org/beta", "downloads": 25, "created_at": "2023-02-11T08:30:00+00:00"},
]
MODELS_V2 = [*MODELS_V1, {"id": "lab/gamma", "downloads": 7, "created_at": "2024-09-30T00:00Z"}]
# A null key fails the mart's not_null test, so `dbt build` fails after the models were built.
MODELS_BROKEN = [*MODELS_V1, {"id": None, "downloads": 1, "created_at": "2024-01-01T00:00Z"}]

MART = "tiny_models"
MART_DESCRIPTION = "One row per model on the Hub (serving-test mart)."
COLUMN_DESCRIPTIONS = {
    "model_id": "The Hub repo id, e.g. bigscience/bloom.",
    "downloads": "Downloads in the last 30 days.",
    "created_at": "When the repo was created (UTC).",
}

STAGING_SQL = """\
select
    id as model_id,
    downloads,
    created_at
from {{ source('raw_hub', 'models') }}
"""
MART_SQL = "select model_id, downloads, created_at from {{ ref('stg_tiny__models') }}\n"


def _schema_yml() -> str:
    columns = [
        {"name": name, "description": text, **({"data_tests": ["not_null"]} if i == 0 else {})}
        for i, (name, text) in enumerate(COLUMN_DESCRIPTIONS.items())
    ]
    return json.dumps(  # JSON is YAML
        {
            "version": 2,
            "sources": [{"name": "raw_hub", "schema": "raw_hub", "tables": [{"name": "models"}]}],
            "models": [{"name": MART, "description": MART_DESCRIPTION, "columns": columns}],
        },
        indent=2,
    )


def write_tiny_project(root: Path) -> Path:
    """The project's profile, config and macros, with the tiny models in place of its own."""
    ignored = shutil.ignore_patterns("models", "seeds", "tests", "snapshots", "analyses", "target")
    shutil.copytree(DBT_PROJECT_DIR, root, ignore=ignored)
    (root / "models" / "staging").mkdir(parents=True)
    (root / "models" / "marts").mkdir()
    (root / "models" / "staging" / "stg_tiny__models.sql").write_text(STAGING_SQL)
    (root / "models" / "marts" / f"{MART}.sql").write_text(MART_SQL)
    (root / "models" / "marts" / "_marts.yml").write_text(_schema_yml())
    return root


def load_raw(paths: Paths, rows: list[dict]) -> None:
    """What `make load` does, in miniature: dlt writes raw_hub.models into raw.duckdb."""
    pipeline = dlt.pipeline(
        pipeline_name="serving_test",
        pipelines_dir=str(paths.pipelines_dir),
        destination=dlt.destinations.duckdb(str(paths.raw_db)),
        dataset_name=warehouse.RAW_SCHEMA,
    )
    pipeline.run(rows, table_name="models", write_disposition="replace")


def fingerprint(path: Path) -> tuple[int, str]:
    """A file's inode and content: equal only if it was neither replaced nor changed."""
    return path.stat().st_ino, hashlib.sha256(path.read_bytes()).hexdigest()


class Holder:
    """A process holding a DuckDB file open (see holder.py), driven line by line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    def ask(self, command: str) -> str:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def rows(self, sql: str) -> list[list]:
        answer = self.ask(sql)
        assert not answer.startswith("error:"), answer
        return json.loads(answer)


@contextmanager
def hold(path: Path, mode: str = "read_only") -> Iterator[Holder]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "holder.py"), str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout and process.stdout.readline().strip() == "ready"
        yield Holder(process)
    finally:
        process.kill()
        process.wait()
