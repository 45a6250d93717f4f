"""The commands a newcomer types: FULL's values, a bad DATA_DIR, a missing warehouse, the demo's
clean start. Each says what to do, without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pipeline_support import run_module

from hubcarbon import demo
from hubcarbon_settings import REPO_ROOT, Paths

FULL_YES = ["1", "true", "yes", "TRUE", "Yes", "on"]
FULL_NO = ["", "0", "false", "no", "FALSE", "No", "off"]
FULL_UNCLEAR = ["maybe", "2", "tru", "yes please", "-1", "nope"]


# What a newcomer's shell does not have: `make test` exports DATA_DIR and make's own variables.
NOT_IN_A_SHELL = ("DATA_DIR", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "FULL")


def make_dry_run(*args: str) -> subprocess.CompletedProcess[str]:
    """``make -n``: the recipe as make would run it, without running it, from a plain shell."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_A_SHELL}
    return subprocess.run(
        ["make", "--no-print-directory", "-n", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def load_command(done: subprocess.CompletedProcess[str]) -> str:
    return next(line for line in done.stdout.splitlines() if "-m pipelines.load" in line)


@pytest.mark.parametrize("value", FULL_YES)
def test_full_yes_means_a_full_reconciliation(value: str) -> None:
    done = make_dry_run("load", f"FULL={value}")
    assert done.returncode == 0, done.stderr
    assert load_command(done).split()[-1] == "--full"


@pytest.mark.parametrize("value", FULL_NO)
def test_full_no_or_empty_means_an_incremental_load(value: str) -> None:
    done = make_dry_run("load", f"FULL={value}")
    assert done.returncode == 0, done.stderr
    assert "--full" not in load_command(done)


def test_full_unset_means_an_incremental_load() -> None:
    assert "--full" not in load_command(make_dry_run("load"))


@pytest.mark.parametrize("value", FULL_UNCLEAR)
@pytest.mark.parametrize("target", ["load", "all"])
def test_an_unclear_full_is_refused_with_the_values_to_use(target: str, value: str) -> None:
    done = make_dry_run(target, f"FULL={value}")
    assert done.returncode != 0
    assert "pipelines.load" not in done.stdout
    assert f"FULL='{value}' is neither yes nor no" in done.stderr
    assert "FULL=1" in done.stderr and "FULL=0" in done.stderr


def test_demo_writes_to_data_demo_unless_data_dir_is_given(tmp_path: Path) -> None:
    default = make_dry_run("demo").stdout
    assert f"DATA_DIR='{REPO_ROOT / 'data' / 'demo'}'" in default
    given = make_dry_run("demo", f"DATA_DIR={tmp_path}").stdout
    assert f"DATA_DIR='{tmp_path}'" in given


COMMANDS = {
    "load": "pipelines.load",
    "build": "hubcarbon.warehouse build",
    "export": "hubcarbon.warehouse export",
    "docs": "hubcarbon.warehouse docs",
    "report": "hubcarbon.report",
    "check": "expectations.checkpoint",
    "demo": "hubcarbon.demo",
    "labels": "hubcarbon.labels --all",
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_data_dir_that_is_a_file_is_refused_clearly(command: str, tmp_path: Path) -> None:
    a_file = tmp_path / "data"
    a_file.write_text("not a directory")
    done = run_module(COMMANDS[command], a_file, HF_ENDPOINT="http://127.0.0.1:9")
    assert done.returncode != 0
    assert f"DATA_DIR={a_file} is a file, not a directory" in done.stderr
    assert f"make {command} DATA_DIR=" in done.stderr
    assert "Traceback" not in done.stderr
    assert a_file.read_text() == "not a directory"


@pytest.mark.parametrize("command", ["load", "build", "report", "demo"])
def test_data_dir_that_cannot_be_written_is_refused_clearly(command: str) -> None:
    unwritable = Path("/proc/hubcarbon-data")  # not even root can create anything in /proc
    done = run_module(COMMANDS[command], unwritable, HF_ENDPOINT="http://127.0.0.1:9")
    assert done.returncode != 0
    assert f"DATA_DIR={unwritable} cannot be written" in done.stderr
    assert "Traceback" not in done.stderr


MISSING_FIRST = [("build", "load"), ("export", "build"), ("docs", "build"), ("report", "build"),
                 ("check", "build"), ("labels", "build")]  # fmt: skip


@pytest.mark.parametrize(("command", "first"), MISSING_FIRST)
def test_a_missing_warehouse_names_the_commands_to_type(
    command: str, first: str, tmp_path: Path
) -> None:
    done = run_module(COMMANDS[command], tmp_path)
    assert done.returncode != 0
    assert f"does not exist: run make {first}, then make {command}" in done.stderr
    assert "Traceback" not in done.stderr


def test_after_the_demo_a_missing_warehouse_points_at_the_demos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo_dir = tmp_path / "demo"
    demo_dir.mkdir()
    (demo_dir / "warehouse.duckdb").touch()
    settings = sys.modules[Paths.__module__]  # wherever the paths module lives
    monkeypatch.setattr(settings, "DEMO_DATA_DIR", demo_dir)
    empty = Paths(tmp_path / "data")
    message = empty.missing(empty.warehouse, "report", "build")
    assert message.endswith(f"or use the demo's warehouse: make report DATA_DIR={demo_dir}.")
    # Before any demo, or in the demo's own directory, the hint is the demo itself.
    for paths in (Paths(demo_dir), Paths(tmp_path / "none")):
        monkeypatch.setattr(settings, "DEMO_DATA_DIR", paths.data_dir)
        assert paths.missing(paths.raw_db, "build", "load").endswith(
            "then make build (or make demo, to try it all offline first)."
        )


def test_the_demo_starts_clean_and_leaves_other_loads_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo, "DEMO_DATA_DIR", tmp_path / "elsewhere")
    paths = Paths(tmp_path / "data")
    paths.pipelines_dir.mkdir(parents=True)
    paths.raw_db.write_text("a real load")
    with pytest.raises(SystemExit) as refused:
        demo.start_clean(paths)
    assert refused.value.code == 2  # the directory given, not the data, stands in the way
    assert "holds a load the demo did not write" in capsys.readouterr().err
    assert paths.raw_db.read_text() == "a real load"

    (paths.data_dir / demo.MARKER).touch()  # a directory the demo wrote before
    (paths.checks_dir / "previous_emissions.parquet").parent.mkdir(parents=True)
    (paths.checks_dir / "previous_emissions.parquet").write_text("baseline")
    demo.start_clean(paths)
    assert not paths.raw_db.exists()
    assert not paths.pipelines_dir.exists()
    assert not paths.checks_dir.exists()
