"""The demo snapshot built on Apache Spark (ENGINE=spark), once per session, from the very load of
the shared ``demo_warehouse`` (its raw.duckdb is copied, not loaded again).

Without pyspark or Java these tests skip, saying how to install them; in CI (``CI=true``, which
``.ci/run`` sets) they fail instead, so a broken install cannot pass for a green run.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator

import pytest
from pipeline_support import run_module

from hubcarbon_settings import Paths

CI_HINT = "ENGINE=spark needs them: make install ENGINE=spark (pyspark), and Java 17"


def _ci() -> bool:
    import os

    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def require_spark() -> None:
    missing = [
        what
        for what, present in (
            ("pyspark", importlib.util.find_spec("pyspark") is not None),
            ("dbt-spark", importlib.util.find_spec("dbt.adapters.spark") is not None),
            ("java", shutil.which("java") is not None),
        )
        if not present
    ]
    if missing:
        reason = f"{', '.join(missing)} missing; {CI_HINT}"
        if _ci():
            pytest.fail(f"{reason}. CI=true: the Spark tests must run in CI", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="session")
def spark_warehouse(demo_warehouse: Paths, tmp_path_factory: pytest.TempPathFactory) -> Paths:
    """`make build ENGINE=spark` on a copy of the demo's load; returns its data directory."""
    require_spark()
    paths = Paths(tmp_path_factory.mktemp("spark") / "data")
    paths.data_dir.mkdir(parents=True)
    shutil.copyfile(demo_warehouse.raw_db, paths.raw_db)
    done = run_module("hubcarbon.warehouse build", paths.data_dir, HUBCARBON_ENGINE="spark")
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
