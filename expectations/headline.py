"""The headline figures, read from ``marts.headline_figures``: the one place that defines what the
`make demo` summary, the report's header and `make check` show
(docs/method.md#definitions-used-everywhere). Label counts always name their variant.
"""

from __future__ import annotations

import duckdb

Figures = dict[str, dict[str | None, float]]

LABELS = "ABCDE"
# The study's reporting levels, lowest first.
REPORTING_LEVELS = (
    "Unknown",
    "Context Reporting",
    "Basic Reporting",
    "Awareness",
    "Optimization",
    "Certified",
)
# marts.emission_changes' change types, in the order its definition lists them.
CHANGE_TYPES = (
    "model_deleted",
    "model_restored",
    "new_model_reporting",
    "started_reporting",
    "stopped_reporting",
    "value_changed",
)
LABEL_VARIANTS = {
    "efficiency_label": "consistent variant",
    "efficiency_label_study": "study's variant",
}


def read(con: duckdb.DuckDBPyConnection) -> Figures:
    """{figure: {category: value}}; single figures have the category None."""
    figures: Figures = {}
    for figure, category, value in con.execute(
        "select figure, category, figure_value from marts.headline_figures"
    ).fetchall():
        figures.setdefault(figure, {})[category] = value
    return figures


def value(figures: Figures, figure: str) -> float:
    return figures.get(figure, {}).get(None) or 0


def counts(figures: Figures, figure: str, order: tuple[str, ...] | str = LABELS) -> str:
    """``A 22, B 484, ...`` for a per-category figure, in ``order``."""
    found = figures.get(figure, {})
    return ", ".join(f"{key} {found[key]:,.0f}" for key in order if key in found)


def one_line(figures: Figures) -> str:
    """Models, reporters, training runs and labels (consistent variant), for a one-line status."""
    models, reporters = value(figures, "models"), value(figures, "reporters")
    return (
        f"{models:,.0f} models, {reporters:,.0f} reporting CO2 ({reporters / max(models, 1):.2%}),"
        f" {value(figures, 'training_runs'):,.0f} training runs"
        f" ({value(figures, 'inherited_values'):,.0f} inherited values counted once, at their"
        f" source); efficiency labels ({LABEL_VARIANTS['efficiency_label']}):"
        f" {counts(figures, 'efficiency_label')}"
    )
