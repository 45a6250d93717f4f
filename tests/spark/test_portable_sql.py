"""Model files are portable SQL: every model (the reproduction's included) is compiled for both
adapters, and each engine's compiled SQL must hold none of the other engine's own constructs.

Engine-specific SQL belongs in dispatched macros (dbt_project/macros/engine/): a DuckDB-only
function written straight into a model reaches Spark's compiled SQL and fails here, without
starting Spark (compiling opens no connection).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from spark_support import require_spark

from hubcarbon_settings import DBT_PROJECT_DIR

DBT = Path(sys.executable).with_name("dbt")

# Constructs only one engine understands (the spelling each engine's macros emit, and the
# DuckDB spellings the models used before the port).
DUCKDB_ONLY = {
    "cast to a DuckDB type": r"\bas\s+(varchar|timestamptz|json)\b|::",
    "list functions and literals": (
        r"\b(unnest|list_\w+|string_split|generate_subscripts)\s*\(|\[\]"
    ),
    "lambda": r"\blambda\s+\w+\s*:",
    # Spark reads "x" as a string, not a column: identifiers are quoted by adapter.quote().
    "double-quoted identifier": r'"\w+"',
    "JSON functions": r"\b(json_each|json_extract\w*|json_type)\s*\(",
    "DuckDB functions": (
        r"\b(regexp_matches|quantile_cont|round_even|strftime|to_timestamp|string_agg)\s*\("
    ),
}
SPARK_ONLY = {
    "Spark functions": (
        r"\b(rlike|explode|posexplode|parse_json|variant_get|variant_explode|schema_of_variant"
        r"|bround|date_format|array_compact|timestamp_seconds|timestamp_micros|collect_list)\b"
    ),
    "lambda arrow": r"\w\s*->\s*\w",
}


def compile_models(target: str, work_dir: Path) -> dict[str, str]:
    """`dbt compile --target <target>` of every model; returns {model path: compiled SQL}."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_TARGET_PATH": str(work_dir / "target"),
        "DBT_LOG_PATH": str(work_dir / "logs"),
        "DATA_DIR": str(work_dir),
        "HUBCARBON_WAREHOUSE": ":memory:",
    }
    command = [str(DBT), "compile", "--target", target, "--select", "resource_type:model"]
    command += ["--no-populate-cache", "--vars", "{load_study_seeds: true}"]
    done = subprocess.run(
        command, cwd=DBT_PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"dbt compile --target {target} failed:\n{done.stdout[-3000:]}"
    compiled = work_dir / "target" / "compiled" / "hubcarbon" / "models"
    return {str(p.relative_to(compiled)): p.read_text() for p in sorted(compiled.rglob("*.sql"))}


def leaks(sql_by_model: dict[str, str], forbidden: dict[str, str]) -> list[str]:
    found = []
    for model, sql in sql_by_model.items():
        code = re.sub(r"--[^\n]*|/\*.*?\*/", "", sql, flags=re.S)  # comments may name anything
        # So may string literals (regex patterns), quotes escaped either way ('' or \').
        code = re.sub(r"'(?:[^'\\]|''|\\.)*'", "''", code)
        for what, pattern in forbidden.items():
            for match in re.finditer(pattern, code, flags=re.I):
                found.append(f"{model}: {what}: {match.group(0)!r}")
    return found


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    require_spark()
    return {
        target: compile_models(target, tmp_path_factory.mktemp(f"compile-{target}"))
        for target in ("lint", "spark")
    }


def test_every_model_compiles_for_both_adapters(compiled) -> None:
    assert compiled["lint"].keys() == compiled["spark"].keys()
    assert len(compiled["spark"]) >= 28  # staging, intermediate, marts and the reproduction


def test_no_duckdb_construct_reaches_spark_and_no_spark_construct_reaches_duckdb(compiled) -> None:
    assert leaks(compiled["spark"], DUCKDB_ONLY) == []
    assert leaks(compiled["lint"], SPARK_ONLY) == []


def test_the_check_finds_a_duckdb_function_written_into_a_model(compiled) -> None:
    """What the port removed, written back into a model, is found."""
    model = next(iter(compiled["spark"]))
    written_back = "\nselect unnest(list_distinct(tags)), cast(x as varchar)"
    leaked = {model: compiled["spark"][model] + written_back}
    assert len(leaks(leaked, DUCKDB_ONLY)) == 3
