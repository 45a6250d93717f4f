"""Fixtures of the loader tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A DATA_DIR that does not exist yet (the loader creates it)."""
    return tmp_path / "data"
