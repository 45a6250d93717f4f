"""The demo snapshot built on Apache Spark (ENGINE=spark), once per session, from the very load of
the shared ``demo_warehouse`` (its raw.duckdb is copied, not loaded again).

Without pyspark or Java these tests skip, saying how to install them; in CI (``CI=true``, which
``.ci/run`` sets) they fail instead, so a broken install cannot pass for a green run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from pipeline_support import run_module
from spark_support import require_spark

from hubcarbon_settings import Paths


@pytest.fixture(scope="session")
def spark_warehouse(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """`make build ENGINE=spark` on a copy of the demo's load; returns its data directory."""
    require_spark()
    paths = Paths(tmp_path_factory.mktemp("spark") / "data")
    paths.data_dir.mkdir(parents=True)
    shutil.copyfile(demo_warehouse.raw_db, paths.raw_db)
    # Seeds and models: the marts compared here. The 340 data tests and the unit tests pass on
    # Spark too (`make build ENGINE=spark` runs them), but take longer than CI's budget on 2 cores.
    skip_tests = "--exclude-resource-type test --exclude-resource-type unit_test"
    done = run_module(
        f"hubcarbon.warehouse build {skip_tests}", paths.data_dir, HUBCARBON_ENGINE="spark"
    )
    assert done.returncode == 0, (
        f"build on Spark failed:\n{done.stdout[-6000:]}\n{done.stderr[-3000:]}"
    )
    assert "lake: " in done.stdout, "the build must write the raw layer to the Parquet lake first"
    return paths


@pytest.fixture(scope="session")
def spark_session(spark_warehouse: Paths) -> Iterator[object]:
    """A Spark session on the built warehouse's metastore (after dbt's JVM has exited)."""
    from hubcarbon import spark

    with spark.session(spark_warehouse.spark_dir) as session:
        yield session
