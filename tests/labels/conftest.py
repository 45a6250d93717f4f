"""Label cards drawn from the session's demo warehouse (tests/conftest.py), as users draw them."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser import Browser, require_chromium
from labels_support import Labelled, records
from pipeline_support import copy_of_warehouse, run_module

from hubcarbon_settings import REPO_ROOT, Paths


@pytest.fixture(scope="session")
def labelled(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Labelled:
    """make label for the most downloaded labelled model, then make labels over a stale card, on a
    copy of the demo's warehouse (the session's demo is read, never written)."""
    demo_warehouse = copy_of_warehouse(demo_warehouse, tmp_path_factory.mktemp("labels"))
    (example,) = records(
        demo_warehouse,
        "select model_id from marts.efficiency_labels"
        " inner join marts.fct_model_emissions using (model_id)"
        " order by downloads desc nulls last, model_id limit 1",
    )
    example = example["model_id"]
    one = run_module(f"hubcarbon.labels {example}", demo_warehouse.data_dir)
    stale = demo_warehouse.labels_dir / "cards" / "gone-org" / "unlabelled-model.svg"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    everything = run_module("hubcarbon.labels --all", demo_warehouse.data_dir)
    assert one.returncode == 0, one.stderr
    assert everything.returncode == 0, everything.stderr
    return Labelled(demo_warehouse, one, everything, example, stale)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(require_chromium()) as session:
        yield session


@pytest.fixture
def screenshot(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Where a test saves a screenshot: its tmp_path, copied to $TEST_ARTIFACTS_DIR when set."""
    taken: list[Path] = []

    def path(name: str) -> Path:
        taken.append(tmp_path / name)
        return taken[-1]

    yield path
    keep = os.environ.get("TEST_ARTIFACTS_DIR")
    for shot in taken if keep else []:
        target = REPO_ROOT / keep / shot.name  # relative to the checkout, or absolute
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, target)
