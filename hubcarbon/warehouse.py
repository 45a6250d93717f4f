"""The warehouse BI tools read, on the engine make's ENGINE names: build, exports, dbt docs.

    python -m hubcarbon.warehouse build [dbt args]   # make build [DBT_ARGS=...]
    python -m hubcarbon.warehouse export             # make export
    python -m hubcarbon.warehouse docs [dbt args]    # make docs

This module only chooses: each engine (hubcarbon.engines.duckdb, the default, and
hubcarbon.engines.spark) builds, exports and documents its own warehouse.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from hubcarbon import engines
from hubcarbon.steps import WarehouseError
from hubcarbon_settings import Paths, fail

USAGE = "usage: python -m hubcarbon.warehouse {build [dbt args] | export | docs [dbt args]}"


def engine() -> str:
    """The engine of make's ENGINE (HUBCARBON_ENGINE): duckdb unless told otherwise."""
    name = os.environ.get("HUBCARBON_ENGINE") or "duckdb"
    if name not in engines.NAMES:
        fail(f"ENGINE={name} is not one of {', '.join(engines.NAMES)}.")
    return name


def main(argv: Sequence[str] | None = None) -> None:
    command, *args = list(sys.argv[1:] if argv is None else argv) or [""]
    if command not in ("build", "docs", "export") or (command == "export" and args):
        fail(USAGE)
    paths = Paths.writable_from_env(command)
    chosen = engines.load(engine())
    try:
        if command == "build":
            chosen.build(paths, args)
        elif command == "docs":
            chosen.docs(paths, args)
        else:
            chosen.export(paths)
    except WarehouseError as exc:
        fail(f"{command}: {exc}", exc.code)


if __name__ == "__main__":
    main()
