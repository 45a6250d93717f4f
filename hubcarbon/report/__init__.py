"""`make report`: a static HTML report of the current warehouse, under ``DATA_DIR/report/``.

The warehouse is opened read-only, so the report can be rendered while BI tools are connected and
never competes with a build (which swaps in a new file rather than writing the live one).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from expectations import headline
from hubcarbon import labels
from hubcarbon.report import charts, figures, page
from hubcarbon_settings import Paths, fail


class ReportError(Exception):
    """A failure the user can act on; the message says how."""


def build_report(paths: Paths) -> Path:
    """Render every figure from ``paths.warehouse`` into ``paths.report_dir/index.html``."""
    if not paths.warehouse.exists():
        raise ReportError(paths.missing(paths.warehouse, "report", "build"))
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
            origin = labels.read_origin(con).text
            facts = _facts(con)
        except duckdb.CatalogException as exc:
            raise ReportError(
                f"{paths.warehouse} lacks a mart the report reads ({exc});"
                " rebuild it with make build."
            ) from None
    html = page.render(rendered, facts, loaded_at, origin, str(paths.warehouse))
    paths.report_dir.mkdir(parents=True, exist_ok=True)
    target = paths.report_dir / "index.html"
    partial = target.with_name(".index.html.partial")  # readers never see a half-written page
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, target)
    return target


def _facts(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The headline figures, as every output shows them (marts.headline_figures)."""
    found = headline.read(con)
    models, reporters = headline.value(found, "models"), headline.value(found, "reporters")
    runs = headline.value(found, "training_runs")
    autotrain = headline.value(found, "autotrain_training_runs")
    median = found.get("co2_eq_emissions_median_g", {}).get(None)
    return {
        "models": f"{models:,.0f}",
        "report CO₂": f"{reporters:,.0f} ({reporters / max(models, 1):.2%})",
        "training runs": f"{runs:,.0f}",
        "of which AutoTrain": f"{autotrain / max(runs, 1):.0%}",
        "median per run": figures.DASH if median is None else charts.grams(median, digits=3),
        "total CO₂e": f"{headline.value(found, 'co2_eq_emissions_total_g') / 1e6:,.1f} t",
    }


def main() -> None:
    started = time.monotonic()
    try:
        target = build_report(Paths.writable_from_env("report"))
    except ReportError as exc:  # a missing, locked or outdated warehouse: the environment's
        fail(f"report: {exc}")
    print(f"report: {target} written in {time.monotonic() - started:.1f}s; open it in a browser.")
