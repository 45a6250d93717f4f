"""What the label tests share: the labelled data directory and reading its warehouse."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hubcarbon_settings import Paths


@dataclass(frozen=True)
class Labelled:
    paths: Paths
    one: subprocess.CompletedProcess[str]  # make label MODEL=<example>
    everything: subprocess.CompletedProcess[str]  # make labels, after it
    example: str  # the model `one` drew
    stale: Path  # a card of a model without a label, planted before make labels


def records(paths: Paths, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
