"""The report: every figure present with its n and load time, self-contained, read-only."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from pipeline_support import DEMO_ORIGIN, copy_of_warehouse
from report_support import FIGURE_IDS, digest

from hubcarbon import demo
from hubcarbon.report import ReportError, build_report
from hubcarbon.report.figures import largest_corrections, observed_changes
from hubcarbon_settings import Paths


class Figures(HTMLParser):
    """Collects each <figure>: its id, data-n, title, visible text and whether it holds a chart."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, dict] = {}
        self._current: dict | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "figure":
            self._current = {"n": int(attributes["data-n"]), "title": "", "text": "", "chart": 0}
            self.figures[attributes["id"]] = self._current
        elif self._current is not None:
            self._in_title = tag == "h3" or self._in_title
            self._current["chart"] += tag in ("svg", "table")

    def handle_endtag(self, tag: str) -> None:
        if tag == "figure":
            self._current = None
        elif tag == "h3":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current["text"] += data
            if self._in_title:
                self._current["title"] += data


@pytest.fixture(scope="module")
def figures(report_page: Path) -> dict[str, dict]:
    parser = Figures()
    parser.feed(report_page.read_text(encoding="utf-8"))
    return parser.figures


def scalar(paths: Paths, sql: str):
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_every_figure_is_present_with_a_title_and_a_chart(figures: dict[str, dict]) -> None:
    assert set(figures) == FIGURE_IDS
    for fig_id, figure in figures.items():
        assert figure["title"].strip(), fig_id
        assert figure["chart"] >= 1, f"{fig_id} has no chart or table"
        assert figure["n"] > 0, f"{fig_id} shows no model"


def test_the_header_and_every_figure_say_the_data_is_the_demo_snapshot(
    figures: dict[str, dict], report_page: Path
) -> None:
    """The demo's figures, shared out of context, still say they are not today's Hub."""
    header = f'<p class="origin" id="data-origin">Data: <strong>{DEMO_ORIGIN}</strong></p>'
    assert header in report_page.read_text(encoding="utf-8")
    for fig_id, figure in figures.items():
        assert f"n = {figure['n']:,} models" in figure["text"], fig_id
        assert f"data: {DEMO_ORIGIN}" in figure["text"], fig_id


def test_n_matches_the_marts(figures: dict[str, dict], demo_warehouse: Paths) -> None:
    models = scalar(demo_warehouse, "select count(*) from marts.reporting_classification")
    labelled = scalar(
        demo_warehouse,
        "select count(*) from marts.efficiency_labels where efficiency_label is not null",
    )
    measured = scalar(
        demo_warehouse,
        "select count(*) from marts.fct_model_emissions"
        " where is_measured and not emission_value_inherited and co2_eq_emissions_g > 0",
    )
    assert figures["cls-reporting-levels"]["n"] == models
    assert figures["cls-labels"]["n"] == labelled
    assert figures["cls-labels-domain"]["n"] == labelled
    assert figures["rq2-domain"]["n"] == measured


def test_page_is_self_contained(report_page: Path) -> None:
    html = report_page.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    # Nothing fetched from elsewhere: no src/href/url()/@import pointing off the page.
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", html)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html)
    assert "@import" not in html


def test_ids_are_unique_across_the_inline_charts(report_page: Path) -> None:
    # Inline SVGs share one document: a clip-path id used twice would clip the wrong chart.
    ids = re.findall(r'\sid="([^"]+)"', report_page.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))


def test_rendering_leaves_the_warehouse_untouched(
    reported: Paths, warehouse_digest: str, report_page: Path
) -> None:
    assert digest(reported.warehouse) == warehouse_digest


def test_without_a_warehouse_it_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="make build"):
        build_report(Paths(tmp_path / "empty"))
    assert not (tmp_path / "empty" / "report").exists()


def test_the_history_shows_the_changes_the_demo_made_between_its_loads(
    figures: dict[str, dict], report_page: Path, demo_warehouse: Paths
) -> None:
    """The demo loads twice: its kg->g fix heads the corrections, and the months show changes."""
    corrections = re.search(
        r'<figure id="hist-corrections".*?</figure>', report_page.read_text(), re.S
    )
    first = re.search(r"<tr><td>([^<]+)</td><td>[^<]+</td>.*?<td>([^<]+)</td></tr>", corrections[0])
    assert first.groups() == (demo.KG_TO_G_FIX, "\u00d70.001")
    for fig_id in ("hist-changes-month", "hist-corrections"):
        assert "No change observed" not in figures[fig_id]["text"], fig_id
    assert figures["hist-changes-month"]["n"] == scalar(
        demo_warehouse, "select count(distinct model_id) from marts.emission_claim_history"
    )


def test_an_empty_history_says_why(reported: Paths, tmp_path: Path) -> None:
    """A single load's warehouse (the demo's, its changes taken out) says why it shows none."""
    single = copy_of_warehouse(reported, tmp_path)
    with duckdb.connect(str(single.warehouse)) as con:
        con.execute("delete from marts.emission_changes")
        con.execute("delete from marts.rq1_reporting_observed_monthly")
        (baseline,) = con.execute(
            "select min(valid_from) from marts.emission_claim_history"
        ).fetchone()
        for figure in (observed_changes(con), largest_corrections(con)):
            text = figure.body
            assert "No change observed" in text, figure.id
            assert f"the baseline, saw it ({baseline:%Y-%m-%d})" in text, figure.id
            assert "built from a single load has none to show" in text, figure.id


def test_the_families_are_the_marts_top_20_by_downloads_and_say_the_lineage_is_thin(
    report_page: Path, figures: dict[str, dict], demo_warehouse: Paths
) -> None:
    section = re.search(r'<figure id="fam-top".*?</figure>', report_page.read_text(), re.S)[0]
    shown = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td>.*?</tr>", section)
    with duckdb.connect(str(demo_warehouse.warehouse), read_only=True) as con:
        top = con.execute(
            "select family_root_id, descendants from marts.family_footprints"
            " order by family_downloads_30d desc, family_root_id limit 20"
        ).fetchall()
        declaring, models = con.execute(
            "select (select count(distinct model_id) from marts.model_lineage),"
            " (select count(*) from marts.dim_models where not is_deleted)"
        ).fetchone()
    assert top, "the demo has a few families"
    assert shown == [(root, f"{descendants:,}") for root, descendants in top]
    assert figures["fam-top"]["n"] == sum(descendants + 1 for _, descendants in top)
    for fig_id in ("fam-top", "fam-coverage"):  # the bundled snapshot predates base_model tags
        text = figures[fig_id]["text"]
        assert f" {declaring:,} of {models:,} models declare a base model;" in text, fig_id
        assert "The lineage is thin" in text, fig_id
