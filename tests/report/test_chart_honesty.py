"""The charts as a reader sees them: read back from the SVG in the rendered page.

Points resting on a handful of models stand apart and say their n, the reporting-level axis is
linear, the scatter's fit legend hides no point, and the median axis labels reach below 1 g.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest

from hubcarbon.report import charts
from hubcarbon_settings import Paths

NS = {"svg": "http://www.w3.org/2000/svg"}
UNITS = {"t": 1e6, "kg": 1e3, "g": 1.0, "mg": 1e-3}


@pytest.fixture(scope="module")
def page(report_page: Path) -> str:
    return report_page.read_text(encoding="utf-8")


def chart(page: str, fig_id: str) -> ET.Element:
    svg = re.search(rf'<figure id="{fig_id}".*?(<svg.*?</svg>)', page, re.S)
    assert svg, f"{fig_id} has no inline SVG"
    return ET.fromstring(svg.group(1))


def group(svg: ET.Element, fig_id: str, name: str) -> ET.Element:
    found = svg.find(f".//svg:g[@id='{fig_id}-{name}']", NS)
    assert found is not None, f"{fig_id} has no {name}"
    return found


def tick_labels(svg: ET.Element, axis: str) -> list[str]:
    ticks = [g for g in svg.iterfind(".//svg:g[@id]", NS) if f"-{axis}tick_" in g.get("id")]
    return [text.text for tick in ticks for text in tick.iterfind(".//svg:text", NS)]


def rows(paths: Paths, sql: str) -> list[tuple]:
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_monthly_points_on_few_models_are_hollow_off_the_line_and_say_their_n(
    page: str, demo_warehouse: Paths
) -> None:
    months = dict(
        rows(
            demo_warehouse,
            "select strftime(created_month, '%Y-%m'), models_created"
            " from marts.rq1_reporting_share_monthly where segment_type = 'all'",
        )
    )
    few = {month for month, n in months.items() if n < charts.FEW}
    assert few, "the demo has early months with a handful of models (2019-10: 1)"
    svg = chart(page, "rq1-share-month")
    points = {}
    for point in svg.iterfind(".//svg:g[svg:title]", NS):
        month = re.search(r"\d{4}-\d\d", point.find("svg:title", NS).text)[0]
        points[month] = (point.find("svg:title", NS).text, point.find(".//svg:use", NS))
    assert set(points) == set(months), "every month is a point with a hover title"
    # The series line's own vertices (drawn in its colour; grid lines are not): a hollow point
    # must not be one of them.
    stroke = f"stroke: {charts.PALETTE[0].lower()}"
    lines = " ".join(
        path.get("d")
        for path in svg.iterfind(".//svg:g/svg:path", NS)
        if stroke in path.get("style", "")
    )
    for month, (title, marker) in points.items():
        assert f"n = {months[month]:,} (models created)" in title, title
        hollow = "fill: #ffffff" in marker.get("style")
        assert hollow == (month in few), title
        on_line = f"{marker.get('x')} {marker.get('y')}" in lines
        assert on_line != (month in few), f"{title}: on the line = {on_line}"


def test_reporting_levels_are_on_a_linear_axis_with_their_counts(
    page: str, demo_warehouse: Paths
) -> None:
    svg = chart(page, "cls-reporting-levels")
    ticks = [float(label.replace(",", "")) for label in tick_labels(svg, "x")]
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert ticks[0] == 0 and len(steps) == 1, f"not a linear axis from 0: {ticks}"
    texts = [text.text for text in svg.iterfind(".//svg:text", NS)]
    counts = rows(
        demo_warehouse,
        "select reporting_level, count(*) from marts.reporting_classification group by all",
    )
    for level, n in counts:  # a bar too short to see still says its count
        assert any(text.startswith(f"{n:,} (") for text in texts), (level, n)


@pytest.mark.parametrize("fig_id", ["rq2-model-size", "rq2-dataset-size"])
def test_scatter_fit_legend_sits_above_the_points(page: str, fig_id: str) -> None:
    svg = chart(page, fig_id)
    frame = group(svg, fig_id, "patch_2").find("svg:path", NS).get("d")
    top = min(float(y) for y in re.findall(r"[\d.]+ ([\d.]+)", frame))
    legend = [text for text in group(svg, fig_id, "legend_1").iterfind(".//svg:text", NS)]
    assert [t for t in legend if t.text.startswith("fit:")], "the fit is named in the legend"
    for text in legend:  # SVG y grows downwards: above the plot frame is a smaller y
        assert float(text.get("y")) < top, f"{text.text!r} is inside the plot, over points"


def test_median_axis_is_labelled_below_the_lowest_median(page: str, demo_warehouse: Paths) -> None:
    (lowest,) = rows(
        demo_warehouse,
        "select min(median_co2_eq_emissions_g) from marts.rq1_emissions_median_monthly",
    )[0]
    assert lowest < 1, "the demo has a monthly median under 1 g"
    labels = tick_labels(chart(page, "rq2-median-month"), "y")
    grams = [float(value) * UNITS[unit] for value, unit in (label.split() for label in labels)]
    assert min(grams) <= lowest, f"no tick label at or below {lowest} g: {labels}"


def test_the_all_reporters_median_stays_visible_under_a_line_that_coincides_with_it(
    page: str,
) -> None:
    svg = chart(page, "rq2-median-month")
    lines = [g for g in svg.iterfind(".//svg:g[@id]", NS) if "-line-" in g.get("id")]
    width = {
        g.get("id").split("-line-")[1]: float(
            re.search(r"stroke-width: ([\d.]+)", g.find("svg:path", NS).get("style"))[1]
        )
        for g in lines
    }
    assert set(width) == {"all-reporters", "autotrain", "not-autotrain"}
    # Wider than the others by more than a line on either side, and drawn first: beneath them.
    assert width["all-reporters"] >= 2 * max(width["autotrain"], width["not-autotrain"]) + 1
    assert lines[0].get("id").endswith("-line-all-reporters")


def test_the_coverage_bars_are_the_marts_shares_on_a_linear_axis_from_zero(
    page: str, demo_warehouse: Paths
) -> None:
    svg = chart(page, "fam-coverage")
    ticks = [float(label.rstrip("%")) for label in tick_labels(svg, "x")]
    assert ticks == [0, 20, 40, 60, 80, 100], ticks
    texts = [text.text for text in svg.iterfind(".//svg:text", NS)]
    shares = rows(
        demo_warehouse,
        "select measure, scope, share from marts.reporting_coverage"
        " where measure in ('models', 'downloads_30d')",
    )
    assert len(shares) == 6
    for measure, scope, share in shares:  # each bar says its share, the smallest ones too
        shown = "< 0.1%" if 0 < share < 0.001 else f"{share:.1%}" if share else "0%"
        assert shown in texts, (measure, scope, share, texts)
    for legend in ("share of models", "share of 30-day downloads"):
        assert legend in texts
