"""`make demo` as a newcomer runs it: the summary is the one the README states, every time (each
run starts from a clean state), and its output carries no terminal colour codes when piped."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hubcarbon_settings import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()
# The summary block of the quickstart: the fenced block right after "prints the same summary:".
STATED = re.search(r"prints the same summary:\n\n```\n(.*?)```", README, re.S)


def run_demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("HF_TOKEN", "FORCE_COLOR")}
    env.update(DATA_DIR=str(data_dir), DBT_TARGET_PATH=str(data_dir / "dbt-target"))
    try:
        return subprocess.run(
            [sys.executable, "-m", "hubcarbon.demo"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=1800, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as stuck:
        pytest.fail(f"make demo ran for more than {stuck.timeout:.0f} s")


def test_the_demo_prints_the_summary_the_readme_states(tmp_path: Path) -> None:
    assert STATED, "the README's quickstart states the demo's summary"
    data_dir = tmp_path / "demo"
    data_dir.mkdir()
    (data_dir / "raw.duckdb").write_text("left by an earlier demo")  # a clean start removes it
    (data_dir / ".hubcarbon-demo").touch()

    done = run_demo(data_dir)

    assert done.returncode == 0, f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    printed = done.stdout.splitlines()
    for line in STATED[1].splitlines():
        assert line in printed, f"README line not in the demo's summary: {line!r}"
    assert "\x1b[" not in done.stdout + done.stderr, "colour codes in piped output"
    shown = str(data_dir)  # outside the repository: shown in full
    for command in ("report", "export", "docs", "check", "build"):
        assert f"  make {command} DATA_DIR={shown}" in done.stdout
