"""Run a command; write its own peak RSS and CPU time, as JSON, to a file.

    python benchmarks/rusage.py OUT -- COMMAND [ARGS...]

Why a process of its own: Linux records a child's peak RSS from the moment it is forked, when it
still shares its parent's memory, so a child of the benchmark, which holds the imitated Hub
(about 1 GB at 4M models), would be charged the benchmark's memory instead of its own. Forked
from this small process, the command's `ru_maxrss` is the command's. Exits with its exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


@dataclass(frozen=True)
class Usage:
    exit_code: int
    peak_rss_bytes: int
    cpu_seconds: float  # user + system


def measured(command: list[Any], cwd: Path, env: dict[str, str], stdout: TextIO) -> Usage:
    """Run `command` through this script (by path: `cwd` may be another tree's); its usage."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        launcher = [sys.executable, __file__, out.name, "--", *map(str, command)]
        subprocess.run(launcher, cwd=cwd, env=env, stdout=stdout, check=False)
        return Usage(**json.loads(Path(out.name).read_text()))


def main(argv: list[str]) -> int:
    out, separator, *command = argv
    if separator != "--" or not command:
        raise SystemExit(__doc__)
    child = subprocess.Popen(command)
    _, status, usage = os.wait4(child.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    Path(out).write_text(
        json.dumps(
            {
                "exit_code": code,
                "peak_rss_bytes": usage.ru_maxrss * 1024,  # KiB on Linux
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
            }
        )
    )
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
