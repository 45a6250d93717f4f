"""The engines a build runs on, side by side: one module each, with the same small interface.

``hubcarbon.warehouse`` chooses one by name (make's ENGINE); a third engine is one more module
here, defining what `Engine` lists (and a target of that name in dbt_project/profiles.yml). The
steps every engine shares (dbt's invocation, the exports, naming a lock's holder) are in
hubcarbon.steps, which imports no engine.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, cast

from hubcarbon.steps import Rows
from hubcarbon_settings import Paths


class Engine(Protocol):
    """What each module of this package defines (a module satisfies it structurally)."""

    def build(self, paths: Paths, dbt_args: Sequence[str] = ()) -> Path:
        """`make build`: dbt build of the project from raw.duckdb; records the build's labels."""
        ...

    def export(self, paths: Paths) -> list[Path]:
        """`make export`: every mart as ``exports/<mart>.parquet`` (steps.write_exports)."""
        ...

    def docs(self, paths: Paths, dbt_args: Sequence[str] = ()) -> Path:
        """`make docs`: dbt's docs site of the warehouse (or a WarehouseError saying why not)."""
        ...

    def scratch(self, directory: Path, name: str) -> Path:
        """An empty warehouse location `name` under `directory` (an earlier run's removed)."""
        ...

    def dbt_environment(self, location: Path) -> dict[str, str]:
        """The variables that point the project's profile at the warehouse at `location`."""
        ...

    def reader(self, location: Path) -> AbstractContextManager[Rows]:
        """Read-only queries on the warehouse at `location` (portable SQL)."""
        ...


NAMES = tuple(sorted(module.name for module in pkgutil.iter_modules(__path__)))


def load(name: str) -> Engine:
    """The engine `name` (one of NAMES); its optional packages are imported only now."""
    if name not in NAMES:
        raise ValueError(f"{name!r} is not one of the engines {', '.join(NAMES)}")
    return cast(Engine, importlib.import_module(f"{__name__}.{name}"))
