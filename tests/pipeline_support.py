"""Running the project's entry points in tests as users run them: ``python -m <module>``, and
starting the longest of them early, in a second process, while other tests run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from hubcarbon_settings import REPO_ROOT, Paths

# What a piped run of `make` does not pass on: the imitation needs no token, and tests read the
# output as plain text (no forced colour codes).
NOT_PASSED = ("HF_TOKEN", "FORCE_COLOR")
# What every output built on the demo says of its data (marts.build_info.data_origin).
DEMO_ORIGIN = "demo snapshot (imitated Hub), not today\u2019s Hub"


def module_env(data_dir: Path, **env: str) -> dict[str, str]:
    """Our environment as `make` passes it, with DATA_DIR and ``env`` set."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_PASSED}
    environment.update(DATA_DIR=str(data_dir), **env)
    return environment


def run_module(module: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m <module> [args]`` with DATA_DIR set, as `make` runs it, output captured."""
    return subprocess.run(
        [sys.executable, "-m", *module.split()],
        cwd=REPO_ROOT,
        env=module_env(data_dir, **env),
        capture_output=True,
        text=True,
        check=False,
    )


@dataclass(frozen=True)
class Started:
    """A command running in the background, its output in files (a pipe nobody reads would fill
    and block it)."""

    command: Sequence[str]
    process: subprocess.Popen
    root: Path  # its directory: its output files, and whatever its starter put there

    @classmethod
    def start(cls, command: Sequence[str], root: Path, cwd: Path, env: dict[str, str]) -> Started:
        with open(root / "stdout", "w") as out, open(root / "stderr", "w") as err:
            process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        return cls(command, process, root)

    def wait(self, timeout: float) -> subprocess.CompletedProcess[str]:
        """Its result once it ends; a hang guard fails the test after ``timeout`` seconds."""
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"{' '.join(self.command)} ran for more than {timeout:.0f} s")
        stdout, stderr = ((self.root / name).read_text() for name in ("stdout", "stderr"))
        return subprocess.CompletedProcess(self.command, code, stdout, stderr)

    def wait_for(self, path: Path, timeout: float) -> None:
        """Until it has written ``path`` (it may go on running); fails the test if it ends first,
        and after ``timeout`` seconds (a hang guard)."""
        deadline = time.monotonic() + timeout
        while not path.exists():
            if self.process.poll() is not None and not path.exists():
                done = self.wait(0)
                pytest.fail(
                    f"{' '.join(self.command)} ended (exit {done.returncode}) without writing"
                    f" {path}:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
                )
            if time.monotonic() > deadline:
                self.process.kill()
                pytest.fail(f"{' '.join(self.command)} did not write {path} in {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self) -> None:
        """End it if it still runs (the session ended first, e.g. with -x)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def copy_of_warehouse(paths: Paths, root: Path) -> Paths:
    """A data directory under ``root`` holding a copy of ``paths``' warehouse: commands that write
    beside it (the report, the labels, make clean) leave a shared one, the session's demo, as is."""
    copy = Paths(root / "data")
    copy.data_dir.mkdir(parents=True)
    shutil.copyfile(paths.warehouse, copy.warehouse)
    return copy


def start_module(module: str, data_dir: Path, root: Path, **env: str) -> Started:
    """`run_module`, started in the background, its output under ``root``."""
    command = [sys.executable, "-m", *module.split()]
    return Started.start(command, root, REPO_ROOT, module_env(data_dir, **env))


# Session fixtures whose slow work (a pipeline run, a dbt build) starts with the session, before
# the first test, when a selected test needs them: fixture name -> its starter. A conftest
# registers its own with @starts_early; tests/conftest.py starts them, and runs their users last,
# so that on 2 cores the other tests run meanwhile. Tests are matched by fixture name, so such a
# name must mean one fixture in the whole suite. A starter returns None when its fixture will skip.
EARLY: dict[str, Callable[[pytest.TempPathFactory], Started | None]] = {}


def starts_early(fixture: str):
    def register(starter: Callable[[pytest.TempPathFactory], Started | None]):
        EARLY[fixture] = starter
        return starter

    return register
