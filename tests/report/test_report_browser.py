"""The rendered page in headless Chromium: no console error, nothing fetched, every chart drawn.

The screenshot lands in the test's tmp_path for a human to look at: pytest keeps the last three
runs' under /tmp/pytest-of-$USER/ (pytest-current/ is the latest).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser, require_chromium
from report_support import FIGURE_IDS

# For each figure: whether its chart (svg) or table has a drawn, non-empty box.
DRAWN = """
Array.from(document.querySelectorAll('figure')).map(f => {
  const chart = f.querySelector('svg, table');
  const box = chart ? chart.getBoundingClientRect() : {width: 0, height: 0};
  return {id: f.id, width: box.width, height: box.height};
})
"""


@pytest.fixture(scope="module")
def browser():
    with Browser(require_chromium()) as session:
        yield session


def test_page_renders_offline_without_errors(
    browser: Browser, report_page: Path, tmp_path: Path
) -> None:
    run = browser.load(report_page.as_uri(), width=1200, script=DRAWN)
    screenshot = tmp_path / "report.png"
    browser.screenshot(screenshot)

    assert run.console_errors == []
    assert run.failed_requests == []
    assert run.requests and all(url.startswith(("file:", "data:")) for url in run.requests)
    assert {box["id"] for box in run.evaluated} == FIGURE_IDS
    for box in run.evaluated:
        assert box["width"] > 300 and box["height"] > 50, box
    assert screenshot.stat().st_size > 10_000
