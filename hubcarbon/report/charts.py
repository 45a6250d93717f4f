"""Charts as inline SVG strings: matplotlib's Agg backend, text kept as text, no external resource.

Every chart function takes plain Python/pandas data and returns an SVG fragment ready to be pasted
into the page. Ids inside each SVG are prefixed with the figure's id, because several inline SVGs
share one HTML document and matplotlib numbers its clip paths and markers per figure.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Mapping, Sequence
from html import escape

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display, no GUI toolkit

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
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
# A point of a line chart resting on fewer models than this is drawn hollow and kept off its line:
# a month with one or two models shows 0 % or 100 %, which is no trend.
FEW = 10


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
    counts: Mapping[str, pd.Series],
    *,
    ylabel: str,
    n_of: str,
    percent: bool = False,
    log_y: bool = False,
    y_format: Callable[..., str] | None = None,
    every: int = 1,
    beneath: str | None = None,
) -> str:
    """One line per series; each series is indexed by month (a string such as '2022-03').

    ``counts`` holds, per series and month, the n each point rests on (``n_of`` says what it
    counts). A point with n below FEW is hollow and kept off its line; every point names its value
    and n on hover (an SVG <title>: browsers show it without a script).
    The x axis is the calendar: a period without data is a gap in its line, not a skipped tick.
    ``every``: months per period (3 for series indexed by the first month of each quarter).
    ``beneath``: a series drawn wide and light under the others, so that where one of them
    coincides with it (a part that is all of the whole, for some months) both stay visible.
    """
    show = (lambda v: f"{v:.1%}") if percent else (y_format or "{:g}".format)
    tips: list[str] = []
    few = False
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=WIDE)
        first = min(_month_number(m) for s in series.values() for m in s.index)
        last = max(_month_number(m) for s in series.values() for m in s.index)
        for colour, (name, s) in zip(PALETTE, series.items(), strict=False):
            # Reindexed on every period, so a missing one breaks the line (NaN) instead of
            # drawing a straight segment across it.
            points = pd.DataFrame(
                {"value": s.to_numpy(), "n": counts[name].reindex(s.index).to_numpy()},
                index=[_month_number(m) for m in s.index],
            ).reindex(range(first, last + 1, every))
            solid = points["value"].where(points["n"] >= FEW)
            under = name == beneath
            ax.plot(
                points.index,
                solid.to_numpy(),
                linewidth=5 if under else 1.5,
                alpha=0.4 if under else 1.0,
                zorder=1 if under else 2,
                color=colour,
                label=name,
                gid="line-" + re.sub(r"\W+", "-", name.lower()),  # for readers of the SVG
            )
            for month, value, n in points.dropna().itertuples():
                few |= n < FEW
                ax.plot(
                    [month],
                    [value],
                    linestyle="none",
                    marker="o",
                    markersize=3.5,
                    color=colour,
                    markerfacecolor=colour if n >= FEW else "white",
                    gid=f"point{len(tips)}",  # _svg hangs the tip on this group
                )
                tips.append(f"{name}, {_month_label(month)}: {show(value)} · n = {n:,.0f} ({n_of})")
        _month_axis(ax, first, last)
        if log_y:
            ax.set_yscale("log")
            # Whole decades at both ends, so a labelled tick lies below the lowest point; the
            # 0.05 keeps a point just above a decade off the frame.
            low, high = np.log10(ax.dataLim.intervaly)
            ax.set_ylim(10 ** math.floor(low - 0.05), 10 ** math.ceil(high + 0.05))
            ax.yaxis.set_major_locator(LogLocator(base=10, numticks=12))  # every decade
        if percent:
            ax.set_ylim(bottom=0)  # a share's baseline is zero, or small shares look large
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        elif y_format:
            ax.yaxis.set_major_formatter(FuncFormatter(y_format))
        ax.set_ylabel(ylabel)
        handles, labels = ax.get_legend_handles_labels() if len(series) > 1 else ([], [])
        if few:
            handles.append(Line2D([], [], marker="o", linestyle="none", color=INK, mfc="white"))
            labels.append(f"fewer than {FEW} {n_of}")
        if handles:  # above the plot, never over a line; four a row keep it as wide as the plot
            ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0, 1.0), ncols=4)
        return _svg(fig, fig_id, tips)


def bar_chart(
    fig_id: str,
    counts: pd.Series,
    *,
    xlabel: str,
    colours: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, largest first, each annotated with its count and share.

    The axis is linear: a log axis would draw 22 models half as long as 100,000.
    """
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
                f"{value:,} ({_share(value, total)})",
                (bar.get_width(), bar.get_y() + 0.35),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                fontsize=8.5,
                color=INK,
            )
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.set_xlim(right=ax.get_xlim()[1] * 1.25)  # room for the annotation
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


def paired_shares(fig_id: str, shares: pd.DataFrame, *, colours: Sequence[str]) -> str:
    """Horizontal bars of shares, one group per row of ``shares`` (index), one bar per column,
    each annotated with its share. The axis is linear from 0 to 100 %: the parts of a whole are
    compared by length."""
    rows, columns = [str(row) for row in shares.index], list(shares.columns)
    height = 0.8 / len(columns)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(WIDE[0], 0.9 + 0.3 * len(rows) * len(columns)))
        for i, (column, colour) in enumerate(zip(columns, colours, strict=False)):
            y = np.arange(len(rows)) - 0.4 + height * (i + 0.5)
            values = shares[column].fillna(0).to_numpy()
            ax.barh(y, values, height=height * 0.9, color=colour, label=str(column))
            for row_y, value in zip(y, values, strict=True):
                ax.annotate(
                    _share(value, 1.0) if value else "0%",
                    (value, row_y),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=8.5,
                    color=INK,
                )
        ax.set_yticks(np.arange(len(rows)), rows)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.1)  # room for the annotation of a bar at 100 %
        ax.set_xticks(np.linspace(0, 1, 6))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(columns), fontsize=9)
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
            # Above the plot: inside it, the legend would hide the points under it.
            ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), fontsize=9)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=8))
        ax.xaxis.set_major_formatter(FuncFormatter(bytes_))
        ax.yaxis.set_major_formatter(FuncFormatter(grams))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        return _svg(fig, fig_id)


def _share(value: float, total: float) -> str:
    share = value / total
    return "< 0.1%" if 0 < share < 0.001 else f"{share:.1%}"


def _month_number(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month_label(number: int) -> str:
    return f"{number // 12}-{number % 12 + 1:02d}"


def _month_axis(ax, first: int, last: int) -> None:
    """At most about a dozen labels: every month, quarter, half-year or year, on round months."""
    step = next(step for step in (1, 3, 6, 12, 24, 60) if (last - first) / step <= 12)
    ticks = [m for m in range(first, last + 1) if m % step == 0] or [first]
    if step < 12:
        labels = [_month_label(m) for m in ticks]
        ax.set_xticks(ticks, labels, rotation=45, ha="right")
    else:
        ax.set_xticks(ticks, [str(m // 12) for m in ticks])
    ax.set_xlim(first - 0.5, last + 0.5)


_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_POINT = re.compile(r'<g id="point(\d+)">')


def _svg(fig, fig_id: str, tips: Sequence[str] = ()) -> str:
    """The figure as SVG; ``tips[i]`` becomes the hover title of the artist with gid point<i>."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = _METADATA.sub("", _XML_PROLOGUE.sub("", buffer.getvalue(), count=1))
    svg = _POINT.sub(lambda m: f"{m[0]}<title>{escape(tips[int(m[1])])}</title>", svg)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{fig_id}-title" ', 1)
    return (
        svg.replace(' id="', f' id="{fig_id}-')
        .replace("url(#", f"url(#{fig_id}-")
        .replace('xlink:href="#', f'xlink:href="#{fig_id}-')
    )
