"""`make report`: a static HTML report of the current warehouse, under ``DATA_DIR/report/``.

The warehouse is opened read-only, so the report can be rendered while BI tools are connected and
never competes with a build (which swaps in a new file rather than writing the live one).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import duckdb

from hubcarbon.report import charts, figures, page
from hubcarbon_settings import Paths


class ReportError(Exception):
    """A failure the user can act on; the message says how."""


def build_report(paths: Paths) -> Path:
    """Render every figure from ``paths.warehouse`` into ``paths.report_dir/index.html``."""
    if not paths.warehouse.exists():
        raise ReportError(f"{paths.warehouse} does not exist: run make build (or make demo) first.")
    try:
        con = duckdb.connect(str(paths.warehouse), read_only=True)
    except duckdb.IOException as exc:
        raise ReportError(
            f"cannot open {paths.warehouse} read-only ({exc}); is a process holding it read-write?"
        ) from None
    with con:
        try:
            rendered = [figure(con) for figure in figures.FIGURES]
            loaded_at = figures.loaded_at(con)
            facts = _facts(con)
        except duckdb.CatalogException as exc:
            raise ReportError(
                f"{paths.warehouse} lacks a mart the report reads ({exc});"
                " rebuild it with make build."
            ) from None
    html = page.render(rendered, facts, loaded_at, str(paths.warehouse))
    paths.report_dir.mkdir(parents=True, exist_ok=True)
    target = paths.report_dir / "index.html"
    partial = target.with_name(".index.html.partial")  # readers never see a half-written page
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, target)
    return target


def _facts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    models, reporters = con.execute(
        "select count(*), count(*) filter (where emissions_status = 'reported')"
        " from marts.reporting_classification"
    ).fetchone()
    median, autotrain = con.execute(
        "select median(co2_eq_emissions_g), avg(is_autotrain::int)"
        " from marts.fct_model_emissions where is_measured"
    ).fetchone()
    return {
        "models": f"{models:,}",
        "report CO₂": f"{reporters:,} ({reporters / max(models, 1):.2%})",
        "of which AutoTrain": figures.DASH if autotrain is None else f"{autotrain:.0%}",
        "median reported": figures.DASH if median is None else charts.grams(median, digits=3),
    }


def main() -> None:
    started = time.monotonic()
    try:
        target = build_report(Paths.from_env())
    except ReportError as exc:
        sys.exit(f"report: {exc}")
    print(f"report: {target} written in {time.monotonic() - started:.1f}s; open it in a browser.")
