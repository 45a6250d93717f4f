"""The loader repairs dlt's private working directory only for the dlt release it knows."""

from __future__ import annotations

from pathlib import Path

import dlt
import pytest

from pipelines import load


def test_another_dlt_release_fails_loudly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pipeline = dlt.pipeline("guard", pipelines_dir=str(tmp_path))
    monkeypatch.setattr(dlt, "__version__", "1.32.0")
    with pytest.raises(RuntimeError, match=r"dlt 1\.32\.0 is installed"):
        load._drop_committed_extracts(pipeline)
