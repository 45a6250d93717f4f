"""Model files are portable SQL: every model (the reproduction's included) is compiled for both
adapters, and each engine's compiled SQL must hold none of the other engine's own constructs.

Engine-specific SQL belongs in dispatched macros (dbt_project/macros/engine/): a DuckDB-only
function written straight into a model reaches Spark's compiled SQL and fails here, without
starting Spark: compiling opens no connection and needs no Java, only dbt-spark and the pyspark its
profile imports, which `make test-fast` installs. So this runs in the fast tier, never skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pipeline_support import Started

from hubcarbon_settings import DBT_PROJECT_DIR

COMPILE_TIMEOUT_S = 600  # a hang guard, not a speed claim

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


# Constructs dbt's cross-database macros or the project's engine macros spell, written bare into a
# model or a macro outside macros/engine/ (dbt_project/macros/engine/_macros.yml).
BARE = r"\b(date_trunc|any_value|bool_or|min_by|max_by|array_contains|list_contains)\s*\("


def bare_constructs(sql_by_file: dict[str, str]) -> list[str]:
    found = []
    for name, sql in sql_by_file.items():
        code = re.sub(r"\{\{.*?\}\}|\{#.*?#\}|--[^\n]*", "", sql, flags=re.S)  # macro calls
        found += [f"{name}: {m.group(0)!r}" for m in re.finditer(BARE, code, flags=re.I)]
    return found


def compiled_models(target: Path) -> dict[str, str]:
    """The compiled SQL of every model under dbt's target path: {model path: SQL}."""
    compiled = target / "compiled" / "hubcarbon" / "models"
    return {
        str(p.relative_to(compiled)): p.read_text()
        for p in sorted(compiled.rglob("*.sql"))
        if not any(part.endswith(".yml") for part in p.relative_to(compiled).parts)  # tests
    }


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
def compiled(spark_compile: Started, warehouse) -> dict[str, dict[str, str]]:
    """Spark's SQL (compiled meanwhile, conftest.py) and DuckDB's (the session's build)."""
    done = spark_compile.wait(COMPILE_TIMEOUT_S)
    assert done.returncode == 0, f"dbt compile --target spark failed:\n{done.stdout[-3000:]}"
    return {
        "spark": compiled_models(spark_compile.root / "target"),
        "duckdb": compiled_models(warehouse.work_dir / "target"),
    }


def test_every_model_compiles_for_both_adapters(compiled) -> None:
    # The reproduction's models are built by make reproduce only (on either engine).
    built = {m for m in compiled["spark"] if not m.startswith("reproduction/")}
    assert compiled["duckdb"].keys() == built
    assert len(built) >= 28 and len(compiled["spark"]) > len(built)


def test_no_duckdb_construct_reaches_spark_and_no_spark_construct_reaches_duckdb(compiled) -> None:
    assert leaks(compiled["spark"], DUCKDB_ONLY) == []
    assert leaks(compiled["duckdb"], SPARK_ONLY) == []


def test_the_check_finds_a_duckdb_function_written_into_a_model(compiled) -> None:
    """What the port removed, written back into a model, is found."""
    model = next(iter(compiled["spark"]))
    written_back = "\nselect unnest(list_distinct(tags)), cast(x as varchar)"
    leaked = {model: compiled["spark"][model] + written_back}
    assert len(leaks(leaked, DUCKDB_ONLY)) == 3


def test_models_spell_engine_constructs_through_macros_only() -> None:
    """One dialect: dbt.date_trunc, dbt.any_value, dbt.bool_or, hubcarbon.min_by, ... never the
    bare function, outside the engine macros that define them."""
    sources = {
        str(path.relative_to(DBT_PROJECT_DIR)): path.read_text()
        for folder in ("models", "macros", "tests")
        for path in sorted((DBT_PROJECT_DIR / folder).rglob("*.sql"))
        if "engine" not in path.relative_to(DBT_PROJECT_DIR).parts
    }
    assert len(sources) > 40
    assert bare_constructs(sources) == []
    written_back = {"m.sql": "select min_by(a, b), {{ hubcarbon.min_by('a', 'b') }} from t"}
    assert bare_constructs(written_back) == ["m.sql: 'min_by('"]
