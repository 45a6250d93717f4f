"""The Spark engine (ENGINE=spark): the same dbt project on Apache Spark (dbt-spark's ``session``
method, pyspark in local mode), Spark's own Parquet tables with an embedded Derby Hive metastore
under ``DATA_DIR/spark``.

``make build ENGINE=spark`` writes the raw layer as Parquet (``hubcarbon.lake``) when the lake is
older than raw.duckdb, runs dbt on the spark target (``dbt build`` of the seeds and models, then
``dbt test``: BUILD_STEPS) and records the build's labels in raw as DuckDB's build does
(hubcarbon.label_history, read back through source hubcarbon_builds).
dbt-spark replaces each table in place, so unlike DuckDB's build-and-swap a reader may see a
half-built warehouse while it runs (on a cluster a table format such as Delta gives that
atomicity; it needs jars not fetched here).
``make export ENGINE=spark`` writes every mart as Parquet, the files BI tools read.

The Spark settings are those of the ``spark`` target of ``dbt_project/profiles.yml``, read from
there, so dbt and the sessions opened here (export, reproduce, tests) share one metastore.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import pyarrow
import pyarrow.parquet as pq
import yaml

from hubcarbon import label_history, lake
from hubcarbon.steps import (
    MARTS_SCHEMA,
    Rows,
    WarehouseError,
    export_metadata,
    naming_the_raw_writer,
    run_dbt,
    write_exports,
)
from hubcarbon_settings import DBT_PROJECT_DIR, EXIT_DATA_SAYS_NO, Paths

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

TARGET = "spark"
# Set when the JVM starts (a SparkSession's config comes too late for them): heap for the 1M
# population, and Derby's log and lock files beside its metastore rather than in the cwd.
DRIVER_MEMORY = os.environ.get("HUBCARBON_SPARK_DRIVER_MEMORY", "4g")


def dbt_environment(location: Path) -> dict[str, str]:
    """The profile's spark target, on the metastore and tables under `location`."""
    return {"DBT_TARGET": TARGET, **environment(location)}


@contextmanager
def reader(location: Path) -> Iterator[Rows]:
    with session(location) as spark:
        yield lambda sql: spark.sql(sql).toArrow().to_pylist()


def scratch(directory: Path, name: str) -> Path:
    location = directory / name
    shutil.rmtree(location, ignore_errors=True)
    location.mkdir(parents=True)
    return location


def docs(paths: Paths, dbt_args: Sequence[str] = ()) -> Path:
    raise WarehouseError(
        "dbt's docs are generated on DuckDB's warehouse: run make docs without ENGINE=spark."
    )


def environment(spark_dir: Path) -> dict[str, str]:
    """The variables a process running Spark (dbt, or ours) needs for ``spark_dir``."""
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise WarehouseError(
            "ENGINE=spark needs Java 17 or later: install it (e.g. apt-get install"
            " openjdk-17-jre-headless) or set JAVA_HOME."
        )
    spark_dir.mkdir(parents=True, exist_ok=True)
    return {
        "HUBCARBON_SPARK_DIR": str(spark_dir),
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),  # local mode: no network
        "PYSPARK_SUBMIT_ARGS": (
            f"--driver-memory {DRIVER_MEMORY}"
            f" --conf spark.driver.extraJavaOptions=-Dderby.system.home={spark_dir}"
            " pyspark-shell"
        ),
    }


def settings(spark_dir: Path) -> dict[str, str]:
    """``server_side_parameters`` of the profile's spark target, rendered for ``spark_dir``."""
    env = {**os.environ, "HUBCARBON_SPARK_DIR": str(spark_dir)}

    def env_var(name: str, default: str | None = None) -> str:
        if name in env:
            return env[name]
        if default is None:
            raise WarehouseError(f"profiles.yml needs the environment variable {name}")
        return default

    template = jinja2.Template((DBT_PROJECT_DIR / "profiles.yml").read_text())
    profile = yaml.safe_load(template.render(env_var=env_var))
    return profile["hubcarbon"]["outputs"][TARGET]["server_side_parameters"]


# dbt in two processes, hence two Spark sessions: `dbt build` of the seeds and models, then
# `dbt test` (data and unit tests) in a fresh session that only reads. With both in one session, a
# build once failed on a loaded 2-core machine: creating a model, Spark could not read a Parquet
# file of its parent that the session's file listing named (FAILED_READ_FILE.FILE_NOT_EXIST, "the
# underlying files have been updated"). The first step is what ran reliably alone; the second
# writes no file. A failing test no longer skips the models downstream of it, but still fails the
# build before it records its labels (Spark's tables are replaced in place, built or not). Not
# `dbt build --resource-type unit_test` for the second: it counts the unit tests of unselected
# models but runs none of them.
BUILD_STEPS = (
    (
        "models step",
        ("build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"),
    ),
    ("tests step", ("test",)),
)


@contextmanager
def session(spark_dir: Path) -> Iterator[SparkSession]:
    """A Spark session on the metastore and warehouse of ``spark_dir`` (one JVM per process)."""
    os.environ.update(environment(spark_dir))
    from pyspark.sql import SparkSession  # optional dependency: ENGINE=spark installs it

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in settings(spark_dir).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    try:
        yield spark
    finally:
        spark.stop()


def build(paths: Paths, dbt_args: Sequence[str] = ()) -> Path:
    """Refresh the Parquet lake when the load is newer, then ``dbt build`` on Spark."""
    started = time.monotonic()
    with naming_the_raw_writer(paths.raw_db):
        label_history.ensure_tables(paths)  # the first build reads them, empty
    if lake.is_stale(paths):
        lake.export(paths)
    target = os.environ.get("DBT_TARGET_PATH") or str(paths.spark_dir / "dbt-target")
    env = dbt_environment(paths.spark_dir)
    for step, command in BUILD_STEPS:
        code = run_dbt([*command, *dbt_args], env, paths.data_dir, DBT_PROJECT_DIR, target)
        if code != 0:
            raise WarehouseError(
                f"dbt build on Spark failed in its {step} (exit {code}); dbt's compiled SQL and"
                f" run results are under {target}.",
                EXIT_DATA_SAYS_NO,
            )
    with naming_the_raw_writer(paths.raw_db, RECORD_LOCKED), reader(paths.spark_dir) as rows:
        # What DuckDB's build records, read from Spark's marts: the next build's lake carries it
        # back to Spark (raw_builds).
        label_history.record(paths, rows)
    print(
        f"build: Spark warehouse ready under {paths.spark_dir} in"
        f" {time.monotonic() - started:.1f}s (make export ENGINE=spark: the marts as Parquet).",
        flush=True,
    )
    return paths.spark_dir


# A raw.duckdb locked when a Spark build records its labels (Spark's marts are replaced in place).
RECORD_LOCKED = (
    ", so this Spark build could not record its labels in raw (raw_builds); its marts are built,"
    " and the next build records them"
)


def tables(spark: SparkSession, schema: str) -> list[str]:
    return sorted(row.tableName for row in spark.sql(f"show tables in {schema}").collect())


def read(spark: SparkSession, relation: str) -> pyarrow.Table:
    return spark.table(relation).toArrow()


def export(paths: Paths) -> list[Path]:
    """Write every table of ``marts`` to ``exports/<mart>.parquet``, each replaced atomically."""
    if not (paths.spark_dir / "metastore_db").exists():
        raise WarehouseError(
            paths.missing(paths.spark_dir, "export ENGINE=spark", "build ENGINE=spark")
        )
    started = time.monotonic()
    with session(paths.spark_dir) as spark:
        marts = tables(spark, MARTS_SCHEMA)
        built = "build_info" in marts
        info = read(spark, f"{MARTS_SCHEMA}.build_info").to_pylist()[0] if built else None
        metadata = export_metadata(info)

        def write(mart: str, partial: Path) -> None:
            table = read(spark, f"{MARTS_SCHEMA}.{mart}")
            table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
            pq.write_table(table, partial, compression="zstd")

        written = write_exports(paths, marts, write)
    print(
        f"export: {len(written)} marts written from Spark to {paths.exports_dir}"
        f" in {time.monotonic() - started:.1f}s"
    )
    return written
