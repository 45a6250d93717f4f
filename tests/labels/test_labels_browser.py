"""Label cards and the label index in headless Chromium: drawn within the card, nothing fetched,
and the index's search and filters narrow the list.

Screenshots go to the test's tmp_path; TEST_ARTIFACTS_DIR=test-artifacts keeps a copy (conftest).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

from browser import Browser, PageRun
from labels_support import Labelled, records

# Every text's box, and the drawing's: the card's text must stay inside the card.
CARD = """(() => {
  const svg = document.documentElement, box = svg.getBoundingClientRect();
  return {
    tag: svg.tagName, width: box.width, height: box.height,
    title: document.querySelector('title').textContent,
    letter: document.querySelector('[id$="-letter"]').textContent,
    texts: Array.from(document.querySelectorAll('text')).map(t => {
      const b = t.getBBox();
      return {text: t.textContent, left: b.x, right: b.x + b.width, width: b.width};
    }),
  };
})()"""
# The table as shown: each row's letter, model link, domain and source, and the count line.
TABLE = """(() => ({
  rows: Array.from(document.querySelectorAll('#rows tr')).map(tr => ({
    letter: tr.cells[0].textContent, model: tr.cells[1].textContent,
    href: tr.cells[1].querySelector('a').href, domain: tr.cells[2].textContent,
    source: tr.cells[3].textContent})),
  count: document.getElementById('count').textContent,
}))()"""


def evaluate(browser: Browser, script: str) -> object:
    reply = browser.send("Runtime.evaluate", {"expression": script, "returnByValue": True})
    return reply["result"].get("value")  # none for undefined


def set_control(browser: Browser, control: str, value: str) -> dict:
    """Type into the search box or pick a filter as a user does; the table after it."""
    event = "input" if control == "q" else "change"
    evaluate(
        browser,
        f"(() => {{ const c = document.getElementById({control!r}); c.value = {value!r};"
        f" c.dispatchEvent(new Event({event!r})); }})()",
    )
    return evaluate(browser, TABLE)


def assert_offline(run: PageRun) -> None:
    assert run.console_errors == []
    assert run.failed_requests == []
    assert all(url.startswith(("file:", "data:")) for url in run.requests), run.requests


def test_cards_render_offline_with_every_text_inside(
    browser: Browser, labelled: Labelled, screenshot: Callable[[str], Path]
) -> None:
    # The example, the cards whose id, value or source as written is longest, and those naming
    # the most base models that report.
    cards = records(
        labelled.paths,
        "select model_id, efficiency_label, coalesce(upstream, 0) as upstream"
        " from marts.efficiency_labels"
        " inner join marts.fct_model_emissions using (model_id)"
        " left join (select model_id, count(*) as upstream from marts.model_reporting_ancestors"
        "  group by model_id) using (model_id)"
        " qualify model_id = ?"
        " or row_number() over (order by upstream desc nulls last, model_id) <= 3"
        " or row_number() over (order by length(model_id) desc, model_id) <= 3"
        " or row_number() over (order by length(co2_eq_emissions_raw) desc, model_id) <= 3"
        " or row_number() over (order by length(emissions_source_raw) desc nulls last,"
        "  model_id) <= 3",
        [labelled.example],
    )
    assert len(cards) >= 7
    for row in cards:
        card = labelled.paths.labels_dir / "cards" / f"{row['model_id']}.svg"
        run = browser.load(card.as_uri(), width=480, script=CARD)
        if row["model_id"] == labelled.example:
            browser.screenshot(screenshot("label_card.png"))
        assert_offline(run)
        drawn = run.evaluated
        # 718 px, and a line more for each base model's footprint shown (at most three lines).
        upstream = min(row["upstream"], 3)
        assert (drawn["tag"], drawn["width"], drawn["height"]) == ("svg", 440, 718 + 18 * upstream)
        assert (
            drawn["title"]
            == f"CO₂ efficiency label {row['efficiency_label']} for {row['model_id']}"
        )
        assert drawn["letter"] == row["efficiency_label"]
        for text in drawn["texts"]:
            assert text["width"] > 0, text
            assert text["left"] >= 0 and text["right"] <= 430, (row["model_id"], text)


def test_the_index_works_offline_and_search_narrows_the_list(
    browser: Browser, labelled: Labelled, screenshot: Callable[[str], Path]
) -> None:
    index = labelled.paths.labels_dir / "index.html"
    run = browser.load(index.as_uri(), width=1200, script=TABLE)
    assert_offline(run)
    total = len(records(labelled.paths, "select model_id from marts.efficiency_labels"))
    first = run.evaluated
    assert len(first["rows"]) == 100  # one page, not every model
    assert first["count"] == f"1\u2013100 of {total:,} models"
    for row in first["rows"]:  # each row links to its model's card
        assert Path(unquote(urlparse(row["href"]).path)) == (
            labelled.paths.labels_dir / "cards" / f"{row['model']}.svg"
        )
        assert Path(unquote(urlparse(row["href"]).path)).is_file()

    query = labelled.example.split("/")[-1][:6].upper()  # case-insensitive, part of a name
    found = set_control(browser, "q", query)
    browser.screenshot(screenshot("label_index.png"))
    assert 0 < len(found["rows"]) < len(first["rows"])
    assert labelled.example in [r["model"] for r in found["rows"]]
    assert all(query.lower() in r["model"].lower() for r in found["rows"])
    assert found["count"].endswith(f"(filtered from {total:,})")

    set_control(browser, "q", "")
    letter_e = set_control(browser, "letter", "E")
    expected_e = records(
        labelled.paths,
        "select count(*) as n from marts.efficiency_labels where efficiency_label = 'E'",
    )[0]["n"]
    assert {r["letter"] for r in letter_e["rows"]} == {"E"}
    assert f"of {expected_e:,} models" in letter_e["count"]
    narrowed = set_control(browser, "source", "CodeCarbon")
    assert narrowed["rows"] and {(r["letter"], r["source"]) for r in narrowed["rows"]} == {
        ("E", "CodeCarbon")
    }
    domain = narrowed["rows"][-1]["domain"]
    all_three = set_control(browser, "domain", domain)
    assert {(r["letter"], r["source"], r["domain"]) for r in all_three["rows"]} == {
        ("E", "CodeCarbon", domain)
    }
