"""The rendered page in headless Chromium: no console error, nothing fetched, every chart drawn.

The screenshot lands in test-artifacts/report.png (git-ignored) for a human to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import Browser, chromium
from report_support import FIGURE_IDS

from hubcarbon_settings import REPO_ROOT

SCREENSHOT = REPO_ROOT / "test-artifacts" / "report.png"
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
    executable = chromium()
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")
    with Browser(executable) as session:
        yield session


def test_page_renders_offline_without_errors(browser: Browser, report_page: Path) -> None:
    run = browser.load(report_page.as_uri(), width=1200, script=DRAWN)
    browser.screenshot(SCREENSHOT)

    assert run.console_errors == []
    assert run.failed_requests == []
    assert all(url.startswith(("file:", "data:")) for url in run.requests), run.requests
    assert {box["id"] for box in run.evaluated} == FIGURE_IDS
    for box in run.evaluated:
        assert box["width"] > 300 and box["height"] > 50, box
    assert SCREENSHOT.stat().st_size > 10_000
