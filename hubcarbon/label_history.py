"""The efficiency labels of each build, kept in raw.duckdb (dataset ``raw_builds``, dlt pipeline
``hubcarbon_builds``) so that the warehouse can show them over time.

A label rates a model against the whole population (percentile boundaries), and the population's
downloads and likes are not versioned: past labels cannot be derived again from raw, so each build
records the boundaries and labels it computed, keyed by the newest load it was built from. A
rebuild from the same raw computes the same rows again and merges them onto themselves: deleting
the warehouse loses nothing, and rebuilding changes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import dlt
import duckdb
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from hubcarbon.steps import Rows
from hubcarbon_settings import Paths

# As the loader's pipelines/.dlt/config.toml: no telemetry, no INFO noise.
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

DATASET = "raw_builds"


def _hints(**types: str) -> dict[str, dict[str, Any]]:
    return {name: {"data_type": t, "nullable": name != "load_id"} for name, t in types.items()}


_BOUNDS = {
    f"{kind}_boundary_{b}": "double"
    for b in ("ab", "bc", "cd", "de")
    for kind in ("index", "value")
}
# Per recorded table: the mart's rows a build recorded, primary key, column hints (load_id first:
# the newest load the build read, not a column of the mart).
_TABLES: dict[str, tuple[str, tuple[str, ...], dict[str, dict[str, Any]]]] = {
    "efficiency_label_boundaries": (
        "where valid_to is null",
        ("load_id", "metric", "label_variant"),
        _hints(
            load_id="text",
            metric="text",
            label_variant="text",
            is_higher_better="bool",
            weight="double",
            percentiles="text",
            is_computed_on_sqrt_index="bool",
            reference_model_id="text",
            reference_value="double",
            **_BOUNDS,
        ),
    ),
    "efficiency_labels": (
        "",
        ("load_id", "model_id"),
        _hints(
            load_id="text", model_id="text", efficiency_label="text", efficiency_label_paper="text"
        ),
    ),
}
# Portable SQL: the same queries read every engine's warehouse (hubcarbon.engines).
BUILD_INFO = "select load_id from marts.build_info"  # the newest load the build read
TABLES = tuple(_TABLES)


def query(table: str) -> str:
    """The select of the mart rows a build records in ``table``."""
    where, _, hints = _TABLES[table]
    columns = ", ".join(name for name in hints if name != "load_id")
    return f"select {columns} from marts.{table} {where}".strip()


def _pipeline(paths: Paths) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name="hubcarbon_builds",
        pipelines_dir=str(paths.pipelines_dir),
        destination=dlt.destinations.duckdb(DuckDbCredentials(str(paths.raw_db))),
        dataset_name=DATASET,
    )


def _resources(tables: dict[str, Iterable[Any]]) -> list[Any]:
    return [
        dlt.resource(
            rows,
            name=name,
            primary_key=_TABLES[name][1],
            write_disposition="merge",
            columns=_TABLES[name][2],
        )
        for name, rows in tables.items()
    ]


def _run(paths: Paths, tables: dict[str, Iterable[Any]]) -> None:
    pipeline = _pipeline(paths)
    # A record interrupted (killed, or raw.duckdb locked while loading) left its package: finished
    # first, since dlt's run() would load it instead of these rows.
    if pipeline.has_pending_data:
        pipeline.normalize()
        pipeline.load()
    pipeline.run(_resources(tables))


def ensure_tables(paths: Paths) -> None:
    """Create the recorded tables, empty, before the first build reads them."""
    with duckdb.connect(str(paths.raw_db), read_only=True) as con:
        existing = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ?", [DATASET]
            ).fetchall()
        }
    if not set(_TABLES) <= existing:
        _run(paths, {name: [dlt.mark.materialize_table_schema()] for name in _TABLES})


def record(paths: Paths, rows: Rows) -> None:
    """Record the labels and boundaries of a freshly built warehouse, read by `rows` (an
    engine's reader), in raw, keyed by the newest load the build read."""
    (info,) = rows(BUILD_INFO)
    store(paths, info["load_id"], {name: rows(query(name)) for name in TABLES})


def store(paths: Paths, load_id: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Record a build's rows of each table (``query``), keyed by the newest load it read."""
    _run(paths, {name: [{"load_id": load_id, **r} for r in rows] for name, rows in tables.items()})
