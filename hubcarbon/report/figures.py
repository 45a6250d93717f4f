"""The report's figures: one function per figure, its SQL on the marts next to its chart.

Each function gets a read-only connection to the warehouse and returns a :class:`Figure` that knows
its n (how many models it shows). Aggregates come from the analysis marts (marts/analysis/); the
per-model plots (box plots, scatters, labels by group) read fct_model_emissions and
efficiency_labels.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import duckdb
import pandas as pd

from expectations import headline
from hubcarbon import labels
from hubcarbon.report import charts

LABELS = list("ABCDE")
DASH = "\u2013"  # en dash: a missing number in a table
TOP = 12  # categories shown in the long-tailed bar charts; the rest are folded into "other"


@dataclass(frozen=True)
class Figure:
    id: str
    section: str
    title: str
    caption: str
    n: int
    body: str  # inline SVG or an HTML table


FigureFn = Callable[[duckdb.DuckDBPyConnection], Figure]


def _df(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


# ---------------------------------------------------------------------------------------------
# RQ1: how do model creators report? (analysis marts rq1_reporting_share_monthly and
# rq2_emissions_distributions)


def _share_series(
    con, segment_type: str, period: str
) -> tuple[dict[str, pd.Series], dict[str, pd.Series], int]:
    """Per segment: the reporting share and the models created it rests on, by period."""
    frame = _df(
        con,
        f"select strftime(date_trunc('{period}', created_month), '%Y-%m') as month,"
        " coalesce(segment, 'Not Specified') as segment, sum(models_created) as models_created,"
        " sum(models_reporting) / sum(models_created) as reporting_share"
        " from marts.rq1_reporting_share_monthly"
        f" where segment_type = '{segment_type}' group by all order by month",
    )
    parts = {str(name): part.set_index("month") for name, part in frame.groupby("segment")}
    shares = {name: part["reporting_share"] for name, part in parts.items()}
    counts = {name: part["models_created"] for name, part in parts.items()}
    return shares, counts, int(frame["models_created"].sum())


FEW_NOTE = (
    f" Hollow points rest on fewer than {charts.FEW} models and are kept off the line; hover a"
    " point for its n."
)


def _share_figure(
    fig_id: str, title: str, caption: str, segment_type: str, period: str = "month"
) -> FigureFn:
    def figure(con) -> Figure:
        series, counts, n = _share_series(con, segment_type, period)
        every = {"month": 1, "quarter": 3}[period]
        chart = charts.line_chart(
            fig_id,
            series,
            counts,
            ylabel="share reporting",
            n_of="models created",
            percent=True,
            every=every,
        )
        return Figure(fig_id, "rq1", title, caption + FEW_NOTE, n, chart)

    return figure


reporting_share_overall = _share_figure(
    "rq1-share-month",
    "Share of new models that report CO\u2082, per month",
    "Models with a measured emission value (reporting status 'reported') among the models created"
    " that month; deleted models and models without a creation date are left out.",
    "all",
)
reporting_share_by_domain = _share_figure(
    "rq1-share-domain",
    "Share reporting CO\u2082 per quarter, by application domain",
    "Each line: a domain's reporting models over that domain's new models per quarter (per"
    " month, small domains are mostly noise).",
    "domain",
    period="quarter",
)
reporting_share_autotrain = _share_figure(
    "rq1-share-autotrain",
    "Share reporting CO\u2082 per month: AutoTrain against the rest",
    "AutoTrain writes an emission value into every card it generates; everyone else has to"
    " measure and report by hand.",
    "autotrain",
)


def _distribution(fig_id: str, title: str, caption: str, dimension: str) -> FigureFn:
    def figure(con) -> Figure:
        frame = _df(
            con,
            "select coalesce(category, 'Not Specified') as category, reporting_models as n"
            f" from marts.rq2_emissions_distributions where dimension = '{dimension}'"
            " order by n desc, category",
        )
        counts = frame.set_index("category")["n"]
        if len(counts) > TOP:  # a long tail of one-offs would drown the chart
            rest = counts.iloc[TOP - 1 :].sum()
            counts = pd.concat([counts.iloc[: TOP - 1], pd.Series({"other": rest})])
        chart = charts.bar_chart(fig_id, counts, xlabel="reporting models")
        return Figure(fig_id, "rq1", title, caption, int(counts.sum()), chart)

    return figure


emission_sources = _distribution(
    "rq1-sources",
    "How the emission value was obtained (source)",
    "The card's co2_eq_emissions.source, normalised; AutoTrain when AutoTrain wrote the card.",
    "emissions_source",
)
training_types = _distribution(
    "rq1-training-types",
    "Training type",
    "The card's co2_eq_emissions.training_type, normalised.",
    "training_type",
)
locations = _distribution(
    "rq1-locations",
    "Where the training ran (country)",
    "The card's geographical_location (or the template's Compute Region), resolved to a country.",
    "location_country",
)
hardware = _distribution(
    "rq1-hardware",
    "Training hardware (accelerator)",
    "The card's hardware_used (or the template's Hardware Type), resolved to an accelerator model.",
    "accelerator_model",
)


# ---------------------------------------------------------------------------------------------
# RQ2: how large is the footprint, and what drives it? (analysis marts rq1_emissions_median_monthly
# and rq2_emission_correlations; the per-model plots read fct_model_emissions)


def median_per_month(con) -> Figure:
    frame = _df(
        con,
        "select strftime(created_month, '%Y-%m') as month, segment, reporting_models,"
        " median_co2_eq_emissions_g from marts.rq1_emissions_median_monthly order by month",
    )
    parts = {str(name): part.set_index("month") for name, part in frame.groupby("segment")}
    n = int(frame.loc[frame["segment"] == "All reporters", "reporting_models"].sum())
    return Figure(
        "rq2-median-month",
        "rq2",
        "Median reported emissions per creation month",
        "Median CO\u2082e of the models created that month, all reporters and AutoTrain against"
        " the rest (log scale; measured values only)." + FEW_NOTE,
        n,
        charts.line_chart(
            "rq2-median-month",
            {name: part["median_co2_eq_emissions_g"] for name, part in parts.items()},
            {name: part["reporting_models"] for name, part in parts.items()},
            ylabel="median CO\u2082e",
            n_of="reporting models",
            log_y=True,
            y_format=charts.grams,
            beneath="All reporters",  # a month without AutoTrain reporters: one line, twice
        ),
    )


def emissions_by_domain(con) -> Figure:
    frame = _df(
        con,
        "select coalesce(domain, 'Not Specified') as domain, co2_eq_emissions_g as g"
        " from marts.fct_model_emissions"
        " where is_measured and not emission_value_inherited and co2_eq_emissions_g > 0",
    )
    order = frame.groupby("domain")["g"].median().sort_values(ascending=False).index
    groups = {name: frame.loc[frame["domain"] == name, "g"].to_numpy() for name in order}
    return Figure(
        "rq2-domain",
        "rq2",
        "Reported emissions by application domain",
        "Box: quartiles; line: median; whiskers: 1.5 IQR; dots: the models beyond. Log scale.",
        len(frame),
        charts.box_plot("rq2-domain", groups, xlabel="CO\u2082e per model"),
    )


def _scatter(fig_id: str, title: str, column: str, xlabel: str) -> FigureFn:
    def figure(con) -> Figure:
        pairs = _df(
            con,
            f"select {column} as x, co2_eq_emissions_g as y from marts.fct_model_emissions"
            f" where is_measured and not emission_value_inherited and co2_eq_emissions_g > 0"
            f" and {column} > 0",
        )
        chart = charts.loglog_scatter(
            fig_id, pairs["x"].to_numpy(), pairs["y"].to_numpy(), xlabel=xlabel, ylabel="CO\u2082e"
        )
        caption = (
            "Each dot is one model; the line is the least-squares fit of log CO\u2082e on log size."
        )
        return Figure(fig_id, "rq2", title, caption, len(pairs), chart)

    return figure


emissions_vs_model_size = _scatter(
    "rq2-model-size", "Emissions against model size", "model_size_bytes", "model size (weights)"
)
emissions_vs_dataset_size = _scatter(
    "rq2-dataset-size",
    "Emissions against training-dataset size",
    "dataset_size_bytes",
    "dataset size",
)

CORRELATES = {
    "model_size_bytes": "model size (bytes)",
    "parameter_count": "parameters",
    "dataset_size_bytes": "dataset size (bytes)",
    "downloads": "downloads",
    "likes": "likes",
    "performance_score": "performance score",
}


def correlation_table(con) -> Figure:
    frame = _df(
        con,
        "select variable, spearman_n, spearman_rho, pearson_log_log_n, pearson_log_log_r"
        " from marts.rq2_emission_correlations",
    ).set_index("variable")
    rows = []
    for variable, name in CORRELATES.items():
        if variable not in frame.index:
            continue
        row = frame.loc[variable]
        n_log, r = int(row["pearson_log_log_n"]), _float(row["pearson_log_log_r"])
        low, high = _fisher_ci(r, n_log)
        interval = DASH if low is None else f"{_num(low)} \u2026 {_num(high)}"
        rows.append(
            (
                name,
                f"{n_log:,}",
                _num(r),
                interval,
                f"{int(row['spearman_n']):,}",
                _num(_float(row["spearman_rho"])),
            )
        )
    body = _html_table(
        [
            "CO\u2082e against",
            "n (both > 0)",
            "Pearson r (log-log)",
            "95 % CI",
            "n",
            "Spearman \u03c1",
        ],
        rows,
    )
    return Figure(
        "rq2-correlations",
        "rq2",
        "Correlations with reported emissions",
        "Pearson on log10 values (pairs where both are above 0), Spearman on ranks (ties share"
        " their average rank); measured values only. The interval uses Fisher's z transform.",
        int(frame["spearman_n"].max()) if len(frame) else 0,
        body,
    )


def _float(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _fisher_ci(r: float | None, n: int) -> tuple[float | None, float | None]:
    if r is None or n <= 3 or abs(r) >= 1:
        return None, None
    z, half = math.atanh(r), 1.959964 / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def _num(value: float | None) -> str:
    return DASH if value is None else f"{value:+.3f}"


def _html_table(header: list[str], rows: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f'<table class="numbers"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


# ---------------------------------------------------------------------------------------------
# The two classifications


def reporting_levels(con) -> Figure:
    levels = headline.read(con).get("reporting_level", {})  # counted once, in headline_figures
    counts = pd.Series(levels, dtype="int64")
    # The levels' own order (least to most), then anything the classification may add later.
    order = [level for level in headline.REPORTING_LEVELS if level in counts.index]
    counts = counts.reindex(order + sorted(set(counts.index) - set(order)))
    return Figure(
        "cls-reporting-levels",
        "classifications",
        "Reporting classification: models per level",
        "Every model on the Hub, by how completely its card reports emissions. Linear scale: the"
        " levels above Unknown are a few percent of all models, so their bars are short; each"
        " bar is labelled with its count.",
        int(counts.sum()),
        charts.bar_chart("cls-reporting-levels", counts, xlabel="models"),
    )


def label_distribution(con) -> Figure:
    frame = _df(
        con,
        "select category as label, figure, figure_value as n from marts.headline_figures"
        f" where figure in ({', '.join(repr(f) for f in headline.LABEL_VARIANTS)})",
    )
    table = frame.pivot_table(index="label", columns="figure", values="n", fill_value=0)
    table = table.reindex(index=LABELS, columns=list(headline.LABEL_VARIANTS), fill_value=0)
    counts = table["efficiency_label"].astype(int)
    side_by_side = _html_table(
        ["label", *(f"{variant}" for variant in headline.LABEL_VARIANTS.values())],
        [(label, *(f"{int(n):,}" for n in row)) for label, row in table.iterrows()],
    )
    return Figure(
        "cls-labels",
        "classifications",
        "Carbon-efficiency label: training runs per label, both variants",
        "A is the most efficient; the label is relative to the reporting population (study's"
        " final weights). Chart: the consistent variant (CO\u2082 compared on a square-root scale,"
        " the default); table: both variants side by side, the study's variant rating CO\u2082 as"
        " its code did. One label per training run: inherited values are rated at their source.",
        int(counts.sum()),
        charts.bar_chart(
            "cls-labels",
            counts,
            xlabel="labelled training runs (consistent variant)",
            colours=[charts.LABEL_COLOURS[label] for label in LABELS],
        )
        + side_by_side,
    )


def _labels_by(fig_id: str, title: str, group_sql: str, ylabel: str) -> FigureFn:
    def figure(con) -> Figure:
        frame = _df(
            con,
            f"select {group_sql} as grp, l.efficiency_label as label, count(*) as n"
            " from marts.efficiency_labels as l"
            " join marts.fct_model_emissions as f using (model_id)"
            " where l.efficiency_label is not null group by all",
        )
        table = (
            frame.pivot_table(index="grp", columns="label", values="n", fill_value=0)
            .reindex(columns=LABELS, fill_value=0)
            .astype(int)
            .sort_index()
        )
        return Figure(
            fig_id,
            "classifications",
            title,
            "Share of each label within the group; n is the number of labelled models.",
            int(table.to_numpy().sum()),
            charts.stacked_shares(fig_id, table, colours=charts.LABEL_COLOURS, ylabel=ylabel),
        )

    return figure


labels_by_domain = _labels_by(
    "cls-labels-domain",
    "Labels by application domain",
    "coalesce(f.domain, 'Not Specified')",
    "domain",
)
labels_by_year = _labels_by(
    "cls-labels-year",
    "Labels by year of creation",
    "coalesce(cast(year(f.created_at) as varchar), 'unknown')",
    "year created",
)


def label_cards(con) -> Figure:
    """Label cards of example models, drawn by hubcarbon.labels as make label draws them."""
    cards = labels.example_cards(con)
    body = "".join(f"<div>{labels.render_card(card)}</div>" for card in cards)
    return Figure(
        "cls-label-cards",
        "classifications",
        "Label cards: the most downloaded model of each letter",
        "Each card shows the label, the grams with their provenance and the five rated metrics;"
        " make label MODEL=org/name draws any model's, make labels all of them.",
        len(cards),
        '<div style="display:grid;grid-template-columns:repeat(auto-fill,minmax(18rem,1fr));'
        f'gap:1rem">{body}</div>',
    )


# ---------------------------------------------------------------------------------------------
# Families: reports along the lineage (marts reporting_coverage, family_footprints, model_lineage)

SCOPES = {
    "own_report": "own report",
    "lineage_report_only": "a base model's report only",
    "no_report": "no report",
}
COVERAGE_MEASURES = {"models": "share of models", "downloads_30d": "share of 30-day downloads"}
TOP_FAMILIES = 20
# Below this share of the models reporting their own training run that some model declares as its
# base, the report calls the lineage thin: the reporters' descendants then mostly do not say whose
# they are (cards written before the Hub's base_model tags, as the bundled snapshot's).
THIN_LINEAGE = 0.05


def _lineage_extent(con) -> str:
    """How far the lineage reaches: models declaring a base, reporters some model descends from,
    the models it covers that report nothing themselves; and whether that is thin."""
    declaring, models, reporters, reached, added = con.execute(
        "select (select count(distinct model_id) from marts.model_lineage),"
        " (select count(*) from marts.dim_models where not is_deleted),"
        " (select count(own_emissions_g) from marts.fct_model_lineage_emissions),"
        " (select count(distinct ancestor_model_id) from marts.model_reporting_ancestors),"
        " (select value from marts.reporting_coverage"
        "  where measure = 'models' and scope = 'lineage_report_only')"
    ).fetchone()
    extent = (
        f" {declaring:,} of {models:,} models declare a base model; {reached:,} of the"
        f" {reporters:,} models reporting their own training run have a descendant declaring them;"
        f" models reporting nothing themselves that the lineage covers: {added or 0:,.0f}."
    )
    if reached < THIN_LINEAGE * reporters:
        extent += (
            " The lineage is thin: few reporters' descendants declare their base, so 'no report'"
            " holds models whose base may report, and what the lineage covers is a floor."
        )
    return extent


def coverage_by_scope(con) -> Figure:
    frame = _df(
        con,
        "select measure, scope, value, share from marts.reporting_coverage"
        f" where measure in ({', '.join(repr(m) for m in COVERAGE_MEASURES)})",
    )
    shares = (
        frame.pivot_table(index="scope", columns="measure", values="share", dropna=False)
        .reindex(index=list(SCOPES), columns=list(COVERAGE_MEASURES))
        .rename(index=SCOPES, columns=COVERAGE_MEASURES)
    )
    models = int(frame.loc[frame["measure"] == "models", "value"].sum())
    return Figure(
        "fam-coverage",
        "families",
        "Share of models against share of downloads, by where the report is",
        "Every model on the Hub (deleted ones left out) in one scope: its own measured report, no"
        " report of its own but an ancestor reporting its own training run, or neither. The"
        " downloads are the Hub's 30-day count: use is concentrated on a few models, so the two"
        " shares differ." + _lineage_extent(con),
        models,
        charts.paired_shares("fam-coverage", shares, colours=charts.PALETTE[:2]),
    )


def top_families(con) -> Figure:
    frame = _df(
        con,
        "select family_root_id, descendants, descendant_finetunes, descendant_adapters,"
        " descendant_quantizations, descendant_merges, family_downloads_30d, reporting_members,"
        " root_own_emissions_g, family_own_emissions_g, top_reporting_member_id"
        " from marts.family_footprints"
        f" order by family_downloads_30d desc, family_root_id limit {TOP_FAMILIES}",
    )
    rows = [
        (
            r.family_root_id,
            f"{r.descendants:,}",
            f"{r.descendant_finetunes:,} / {r.descendant_adapters:,}"
            f" / {r.descendant_quantizations:,} / {r.descendant_merges:,}",
            f"{int(r.family_downloads_30d):,}",
            f"{r.reporting_members:,} of {r.descendants + 1:,}",
            _grams_or_dash(r.root_own_emissions_g),
            _grams_or_dash(r.family_own_emissions_g),
            DASH if pd.isna(r.top_reporting_member_id) else r.top_reporting_member_id,
        )
        for r in frame.itertuples()
    ]
    if not rows:
        rows = [("No model declares a base model: there is no family to show.", *[DASH] * 7)]
    return Figure(
        "fam-top",
        "families",
        f"The {TOP_FAMILIES} families with the most downloads, and what they report",
        "A family is a root (a model declaring no base) and every model descending from it; a"
        " merge of two families counts in both. Reported footprint: the root's own training run"
        " and the sum of the members' own runs, each counted once (copied values left out);"
        " reporting members: those reporting their own run, root included." + _lineage_extent(con),
        int((frame["descendants"] + 1).sum()),
        _html_table(
            [
                "family (root)",
                "descendants",
                "fine-tunes / adapters / quantizations / merges",
                "30-day downloads",
                "reporting members",
                "root's own CO\u2082e",
                "members' own CO\u2082e",
                "top reporting member",
            ],
            rows,
        ),
    )


def _grams_or_dash(value: float | None) -> str:
    return DASH if _float(value) is None else charts.grams(value, digits=3)


# ---------------------------------------------------------------------------------------------
# The history: what the loads saw change (marts rq1_reporting_observed_monthly, emission_changes)

CHANGE_COLUMNS = {
    "models_started_reporting": "started reporting",
    "values_corrected": "value changed",
    "reports_removed": "report removed",
    "models_deleted": "deleted",
    "models_restored": "restored",
}
NO_CHANGE = (
    "No change observed: every claim is as the first load, the baseline, saw it ({baseline})."
    " A change shows once a later make load observes one: a warehouse built from a single load"
    " has none to show."
)


def _no_change(con) -> str:
    """Why the history shows nothing: what the baseline is, and when it was observed."""
    (baseline,) = con.execute("select min(valid_from) from marts.emission_claim_history").fetchone()
    return NO_CHANGE.format(baseline="no load yet" if baseline is None else f"{baseline:%Y-%m-%d}")


def _observed_claimants(con) -> int:
    """The models whose claims the history follows: the n of the history figures."""
    return con.execute(
        "select count(distinct model_id) from marts.emission_claim_history"
    ).fetchone()[0]


def observed_changes(con) -> Figure:
    frame = _df(
        con,
        "select strftime(observed_month, '%Y-%m') as month, "
        + ", ".join(CHANGE_COLUMNS)
        + " from marts.rq1_reporting_observed_monthly order by month",
    ).set_index("month")
    if frame.empty:
        body = _html_table(["observed changes"], [(_no_change(con),)])
    else:
        series = {label: frame[column] for column, label in CHANGE_COLUMNS.items()}
        total = frame.sum(axis=1)
        body = charts.line_chart(
            "hist-changes-month",
            series,
            dict.fromkeys(series, total),
            ylabel="models",
            n_of="changes that month",
        )
    return Figure(
        "hist-changes-month",
        "history",
        "Observed changes of emission claims, per month",
        "What the loads saw change on the Hub, by month of observation (not of creation): models"
        " that started reporting (new ones included), reported values that changed, reports"
        " removed, reporters deleted and restored. n: the models whose claims are followed.",
        _observed_claimants(con),
        body,
    )


def largest_corrections(con) -> Figure:
    frame = _df(
        con,
        f"select model_id, strftime(observed_at, '%Y-%m-%d') as day, grams_before, grams_after,"
        f" ratio from marts.emission_changes where change_type = 'value_changed'"
        f" order by abs(ln(ratio)) desc, observed_at desc, model_id limit {TOP}",
    )
    rows = [
        (
            r.model_id,
            r.day,
            charts.grams(r.grams_before),
            charts.grams(r.grams_after),
            f"\u00d7{r.ratio:g}",
        )
        for r in frame.itertuples()
    ] or [(_no_change(con), DASH, DASH, DASH, DASH)]
    return Figure(
        "hist-corrections",
        "history",
        "The largest corrections of reported values",
        f"The {TOP} reported values that changed the most between two loads (after / before: a"
        " value written in kg and fixed to grams reads \u00d70.001). n: the models whose claims are"
        " followed.",
        _observed_claimants(con),
        _html_table(["model", "observed", "before", "after", "ratio"], rows),
    )


FIGURES: tuple[FigureFn, ...] = (
    reporting_share_overall,
    reporting_share_by_domain,
    reporting_share_autotrain,
    emission_sources,
    training_types,
    locations,
    hardware,
    median_per_month,
    emissions_by_domain,
    emissions_vs_model_size,
    emissions_vs_dataset_size,
    correlation_table,
    reporting_levels,
    label_distribution,
    labels_by_domain,
    labels_by_year,
    label_cards,
    coverage_by_scope,
    top_families,
    observed_changes,
    largest_corrections,
)


def loaded_at(con) -> pd.Timestamp | None:
    """When the data shown was loaded (the load the warehouse's build read)."""
    (loaded,) = con.execute("select loaded_at from marts.build_info").fetchone()
    return None if loaded is None else pd.Timestamp(loaded)
