"""Whether ENGINE=spark can run here: skip locally, fail in CI, when it cannot."""

from __future__ import annotations

import importlib.util
import os
import shutil

import pytest

CI_HINT = "ENGINE=spark needs them: make install ENGINE=spark (pyspark), and Java 17"


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def spark_missing() -> list[str]:
    """What ENGINE=spark needs and this machine lacks."""
    return [
        what
        for what, present in (
            ("pyspark", importlib.util.find_spec("pyspark") is not None),
            ("dbt-spark", importlib.util.find_spec("dbt.adapters.spark") is not None),
            ("java", shutil.which("java") is not None),
        )
        if not present
    ]


def require_spark() -> None:
    if missing := spark_missing():
        reason = f"{', '.join(missing)} missing; {CI_HINT}"
        if _ci():
            pytest.fail(f"{reason}. CI=true: the Spark tests must run in CI", pytrace=False)
        pytest.skip(reason)
