"""`make sql`: the DuckDB shell on the warehouse of ``DATA_DIR``, read-only.

The shell is the PyPI ``duckdb-cli``, locked in uv.lock with the project, so `make install` (and
`make demo`) bring it. Read-only, it shares the file with BI tools, `make report` and other shells,
and never blocks `make build`, which swaps a new file in: a shell opened again sees it. A query
piped in runs without a prompt (``echo 'from marts.headline_figures' | make sql``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from hubcarbon_settings import Paths, fail


def main() -> None:
    paths = Paths.from_env()
    if not paths.warehouse.is_file():
        fail(f"sql: {paths.missing(paths.warehouse, 'sql', 'build')}")
    try:  # the shell would say so too, with its own exit status: say it with the project's
        duckdb.connect(str(paths.warehouse), read_only=True).close()
    except duckdb.IOException as exc:
        fail(
            f"sql: cannot open {paths.warehouse} read-only ({exc}); close its read-write"
            " connection first."
        )
    shell = Path(sys.executable).with_name("duckdb")  # the CLI's launcher in the same venv
    if not shell.is_file():
        fail(f"sql: {shell} is missing: run make install (it comes with the locked duckdb-cli).")
    os.execv(shell, [str(shell), "-readonly", str(paths.warehouse), *sys.argv[1:]])


if __name__ == "__main__":
    main()
