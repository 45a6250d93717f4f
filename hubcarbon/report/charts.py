"""Charts as inline SVG strings: matplotlib's Agg backend, text kept as text, no external resource.

Every chart function takes plain Python/pandas data and returns an SVG fragment ready to be pasted
into the page. Ids inside each SVG are prefixed with the figure's id, because several inline SVGs
share one HTML document and matplotlib numbers its clip paths and markers per figure.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, LogLocator, PercentFormatter

# One palette for the whole report (colour-blind safe, after Okabe & Ito), and the EU energy-label
# greens-to-reds for A to E.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
LABEL_COLOURS = {"A": "#00883a", "B": "#52b147", "C": "#f2e600", "D": "#f29400", "E": "#e2001a"}
INK = "#1f2933"
GRID = "#d9dee3"

STYLE = {
    "svg.fonttype": "none",  # real <text>: crisp, selectable, a fraction of the size of glyph paths
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Helvetica", "Arial"],
    "font.size": 10,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": INK,
    "ytick.color": INK,
    "legend.frameon": False,
    "figure.dpi": 96,
}
# Charts keep their natural size (points), so text is the same size in every chart.
WIDE = (9.0, 3.2)
SQUARE = (6.2, 4.6)


def grams(value: float, _pos: object = None, digits: int = 6) -> str:
    """Human units for a gram axis: 3 mg, 12 g, 4.5 kg, 24.7 t."""
    for factor, unit in ((1e6, "t"), (1e3, "kg"), (1.0, "g"), (1e-3, "mg")):
        if abs(value) >= factor:
            return f"{value / factor:.{digits}g} {unit}"
    return f"{value:.{digits}g} g"


def bytes_(value: float, _pos: object = None) -> str:
    for factor, unit in ((1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(value) >= factor:
            return f"{value / factor:g} {unit}"
    return f"{value:g} B"


def line_chart(
    fig_id: str,
    series: Mapping[str, pd.Series],
    *,
    ylabel: str,
    percent: bool = False,
    log_y: bool = False,
    y_format=None,
    every: int = 1,
) -> str:
    """One line per series; each series is indexed by month (a string such as '2022-03').

    The x axis is the calendar: a period without data is a gap in its line, not a skipped tick.
    ``every``: months per period (3 for series indexed by the first month of each quarter).
    """
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=WIDE)
        first = min(_month_number(m) for s in series.values() for m in s.index)
        last = max(_month_number(m) for s in series.values() for m in s.index)
        for colour, (name, s) in zip(PALETTE, series.items(), strict=False):
            # Reindexed on every month, so a missing month breaks the line (NaN) instead of
            # drawing a straight segment across it.
            values = pd.Series(s.to_numpy(), index=[_month_number(m) for m in s.index])
            values = values.reindex(range(first, last + 1, every))
            ax.plot(
                values.index,
                values.to_numpy(),
                marker="o",
                markersize=3.5,
                linewidth=1.5,
                color=colour,
                label=name,
            )
        _month_axis(ax, first, last)
        if log_y:
            ax.set_yscale("log")
        if percent:
            ax.set_ylim(bottom=0)  # a share's baseline is zero, or small shares look large
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        elif y_format:
            ax.yaxis.set_major_formatter(FuncFormatter(y_format))
        ax.set_ylabel(ylabel)
        if len(series) > 1:  # above the plot, never over a line
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(series), 6))
        return _svg(fig, fig_id)


def bar_chart(
    fig_id: str,
    counts: pd.Series,
    *,
    xlabel: str,
    colours: Sequence[str] | None = None,
    log_x: bool = False,
) -> str:
    """Horizontal bars, largest first, each annotated with its count and share."""
    total = counts.sum()
    with plt.rc_context(STYLE):
        height = 0.9 + 0.32 * len(counts)
        fig, ax = plt.subplots(figsize=(WIDE[0], height))
        labels = [str(label) for label in counts.index][::-1]
        values = counts.to_numpy()[::-1]
        bars = ax.barh(
            labels, values, color=(colours or [PALETTE[0]] * len(counts))[::-1], height=0.7
        )
        for bar, value in zip(bars, values, strict=True):
            ax.annotate(
                f"{value:,} ({value / total:.1%})",
                (bar.get_width(), bar.get_y() + 0.35),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=INK,
            )
        if log_x:
            ax.set_xscale("log")
            ax.set_xlim(left=0.7)  # bars start near 1, so a count of a few still shows
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.set_xlim(right=ax.get_xlim()[1] * (8 if log_x else 1.25))  # room for the annotation
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        return _svg(fig, fig_id)


def stacked_shares(
    fig_id: str, table: pd.DataFrame, *, colours: Mapping[str, str], ylabel: str
) -> str:
    """100 % horizontal bars: one row per group (index), one segment per column, n on the right."""
    shares = table.div(table.sum(axis=1), axis=0)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE[0], 0.9 + 0.36 * len(table)))
        left = np.zeros(len(table))
        rows = [str(group) for group in table.index]
        for column in table.columns:
            ax.barh(
                rows,
                shares[column],
                left=left,
                color=colours.get(column, PALETTE[-1]),
                label=str(column),
                height=0.7,
                edgecolor="white",
                linewidth=0.5,
            )
            left += shares[column].to_numpy()
        for y, n in enumerate(table.sum(axis=1)):
            ax.annotate(
                f"n = {n:,}",
                (1.0, y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=INK,
            )
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="y", visible=False)
        ax.set_ylabel(ylabel)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(table.columns), fontsize=9)
        return _svg(fig, fig_id)


def box_plot(fig_id: str, groups: Mapping[str, np.ndarray], *, xlabel: str) -> str:
    """Horizontal box plots on a log axis (whiskers at 1.5 IQR), with n beside each group label."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE[0], 0.9 + 0.45 * len(groups)))
        names = list(groups)
        ax.boxplot(
            [groups[name] for name in names],
            orientation="horizontal",
            tick_labels=[f"{name}  (n = {len(groups[name]):,})" for name in names],
            patch_artist=True,
            widths=0.6,
            boxprops={"facecolor": "#cfe3f3", "edgecolor": PALETTE[0]},
            medianprops={"color": PALETTE[5], "linewidth": 1.6},
            whiskerprops={"color": PALETTE[0]},
            capprops={"color": PALETTE[0]},
            flierprops={
                "marker": "o",
                "markersize": 2.5,
                "markerfacecolor": PALETTE[0],
                "markeredgecolor": "none",
                "alpha": 0.45,
            },
        )
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=1000, numticks=12))  # mg, g, kg, t
        ax.xaxis.set_major_formatter(FuncFormatter(grams))
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        return _svg(fig, fig_id)


def loglog_scatter(fig_id: str, x: np.ndarray, y: np.ndarray, *, xlabel: str, ylabel: str) -> str:
    """Log-log scatter with the least-squares line fitted in log10 space."""
    lx, ly = np.log10(x), np.log10(y)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=SQUARE)
        ax.scatter(x, y, s=18, alpha=0.55, color=PALETTE[0], edgecolors="none")
        if len(x) >= 3 and np.ptp(lx) > 0:
            slope, intercept = np.polyfit(lx, ly, 1)
            grid = np.linspace(lx.min(), lx.max(), 50)
            ax.plot(
                10**grid,
                10 ** (intercept + slope * grid),
                color=PALETTE[5],
                linewidth=1.6,
                label=f"fit: CO₂ ∝ size^{slope:.2f}",
            )
            ax.legend(loc="upper left", fontsize=9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.xaxis.set_major_formatter(FuncFormatter(bytes_))
        ax.yaxis.set_major_formatter(FuncFormatter(grams))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        return _svg(fig, fig_id)


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month_axis(ax, first: int, last: int) -> None:
    """At most about a dozen labels: every month, quarter, half-year or year, on round months."""
    step = next(step for step in (1, 3, 6, 12, 24, 60) if (last - first) / step <= 12)
    ticks = [m for m in range(first, last + 1) if m % step == 0] or [first]
    if step < 12:
        labels = [f"{m // 12}-{m % 12 + 1:02d}" for m in ticks]
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
    else:
        ax.set_xticks(ticks, [str(m // 12) for m in ticks])
    ax.set_xlim(first - 0.5, last + 0.5)


_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _svg(fig, fig_id: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = _METADATA.sub("", _XML_PROLOGUE.sub("", buffer.getvalue(), count=1))
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{fig_id}-title" ', 1)
    return (
        svg.replace(' id="', f' id="{fig_id}-')
        .replace("url(#", f"url(#{fig_id}-")
        .replace('xlink:href="#', f'xlink:href="#{fig_id}-')
    )
