"""One exit status convention for every command (`python -m …`, what the make targets run):
0 done, 1 the data says no, 2 usage or environment. make itself reports any failure as 2."""

from __future__ import annotations

import subprocess
from pathlib import Path

import duckdb
import pytest
from pipeline_support import copy_of_warehouse, module_env, run_module

from hubcarbon_settings import EXIT_DATA_SAYS_NO, EXIT_USAGE, REPO_ROOT, Paths

USAGE = [
    ("hubcarbon.warehouse frobnicate", {}),
    ("hubcarbon.warehouse build", {"HUBCARBON_ENGINE": "oracle"}),
    ("hubcarbon.labels", {}),  # neither a model nor --all
    ("pipelines.load --fast", {}),
    ("pipelines.load", {"HF_ENDPOINT": "http://127.0.0.1:9"}),  # nothing listens there
]


@pytest.mark.parametrize(("command", "env"), USAGE, ids=[c for c, _ in USAGE])
def test_a_usage_or_environment_error_exits_2(command: str, env: dict, tmp_path: Path) -> None:
    done = run_module(command, tmp_path / "data", **env)
    assert done.returncode == EXIT_USAGE, done.stderr[-2000:]
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def warehouse(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    return copy_of_warehouse(demo_warehouse, tmp_path_factory.mktemp("exit-codes"))


# Every command that reads the warehouse, with a labelled model for the label card.
READERS = [
    "hubcarbon.report",
    "expectations.checkpoint",
    "hubcarbon.warehouse export",
    "hubcarbon.labels distilbert/distilgpt2",
    "hubcarbon.labels --all",
    "hubcarbon.sql",
]


@pytest.mark.parametrize("command", READERS)
def test_a_warehouse_held_read_write_exits_2(command: str, warehouse: Paths) -> None:
    with duckdb.connect(str(warehouse.warehouse)):  # read-write: a misconfigured BI tool
        done = run_module(command, warehouse.data_dir)
    assert done.returncode == EXIT_USAGE, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_the_data_saying_no_exits_1_and_make_reports_2(warehouse: Paths) -> None:
    unlabelled = "select model_id from marts.reporting_classification where emissions_status"
    with duckdb.connect(str(warehouse.warehouse), read_only=True) as con:
        (model_id,) = con.execute(f"{unlabelled} = 'no_claim' order by model_id limit 1").fetchone()
    done = run_module(f"hubcarbon.labels {model_id}", warehouse.data_dir)
    assert done.returncode == EXIT_DATA_SAYS_NO, done.stderr
    assert "has no efficiency label" in done.stderr
    # Through make, the same answer exits 2, as every failing recipe does with GNU make.
    env = module_env(warehouse.data_dir)
    env.pop("MAKEFLAGS", None)
    target = ["label", f"MODEL={model_id}", f"DATA_DIR={warehouse.data_dir}"]
    made = subprocess.run(
        ["make", "--no-print-directory", *target],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert made.returncode == 2
    assert "has no efficiency label" in made.stderr
