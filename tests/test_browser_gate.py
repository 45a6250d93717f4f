"""Without Chromium the browser tests skip with the reason locally, and fail in CI."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import require_chromium


@pytest.fixture
def no_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no chromium on the PATH


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_missing_chromium_fails_in_ci(no_chromium, monkeypatch, ci: str) -> None:
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="CI=true: the browser tests must run"):
        require_chromium()


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_missing_chromium_skips_locally_with_the_reason(no_chromium, monkeypatch, ci) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        require_chromium()
