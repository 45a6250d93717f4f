"""Two loads of a small Hub, built on DuckDB and on Apache Spark (ENGINE=spark), once per session,
by parity_build.py in a process started with the session (the other tests run meanwhile).

The Hub imitation serves the bundled snapshot (every real reporter, each card shape the parser
meets) with POPULATION generated non-reporters instead of the demo's 100,000: the marts hold the
same kinds of rows as the demo's, and Spark builds them in a few minutes on 2 cores. Between the
two loads the Hub changes as in tests/history (a kg value fixed to grams, a report removed, a new
model reporting, a model deleted), and a build after the first load records its labels: the history
marts hold changes, and Spark reads the recorded labels back from the lake (raw_builds).

Without pyspark or Java these tests skip, saying how to install them; in CI (``CI=true``, which
``.ci/run`` sets) they fail instead, so a broken install cannot pass for a green run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pipeline_support import Started, start_module, starts_early
from spark_support import require_spark, spark_missing

from hubcarbon_settings import Paths

BUILD_TIMEOUT_S = 2400  # a hang guard, not a speed claim


@dataclass(frozen=True)
class Built:
    duckdb: Paths  # raw.duckdb and warehouse.duckdb
    spark: Paths  # a copy of the same raw.duckdb, and Spark's warehouse


@starts_early("parity_builds")
def start_parity_builds(tmp_path_factory: pytest.TempPathFactory) -> Started | None:
    """parity_build.py, unless Spark cannot run here (then parity_builds skips, or fails in CI)."""
    if spark_missing():
        return None
    root = tmp_path_factory.mktemp("parity")
    return start_module(f"tests.spark.parity_build {root}", root, root)


@pytest.fixture(scope="session")
def parity_builds(started_early: dict[str, Started]) -> Built:
    require_spark()
    started = started_early["parity_builds"]
    done = started.wait(BUILD_TIMEOUT_S)
    assert done.returncode == 0, f"the parity builds failed:\n{done.stderr[-6000:]}"
    return Built(Paths(started.root / "duckdb"), Paths(started.root / "spark"))


@pytest.fixture(scope="session")
def spark_session(parity_builds: Built) -> Iterator[object]:
    """A Spark session on the built warehouse's metastore (after dbt's JVM has exited)."""
    from hubcarbon.engines import spark

    with spark.session(parity_builds.spark.spark_dir) as session:
        yield session
