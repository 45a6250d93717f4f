"""The same loads built on DuckDB and on Spark give the same marts, every one of them (the loads:
tests/spark/conftest.py, the bundled snapshot twice with changes between).

The marts are enumerated on both engines (a mart added later is compared with no change here).
Each is compared row for row after sorting on every column: same columns of the same normalised
types (normalised_type), same row count, the same keys, text, labels, classifications, booleans
and instants exactly; floating-point numbers (grams, shares, medians, correlations, RQ figures)
within 1e-9 relative, since the engines may sum in a different order. Where Spark differs by
design (no time-zone type, column comments, regex flavour) a test below pins the difference.

One documented difference in a raw text column: a card's JSON number written with a zero fraction
(`co2_eq_emissions: 1320.0`) reads "1320.0" on DuckDB (a double) and "1320" on Spark (Spark's
variant keeps it as an exact decimal); the grams parsed from it are equal.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest

from hubcarbon import label_history
from hubcarbon.engines import spark
from hubcarbon_settings import Paths
from tests.spark.parity_build import DBT_TARGET

MARTS = spark.MARTS_SCHEMA
RELATIVE = 1e-9
# The contract's marts (README, docs/architecture.md): the enumeration must find at least these.
KNOWN_MARTS = {
    "dim_models",
    "efficiency_labels",
    "fct_model_emissions",
    "headline_figures",
    "quarantined_emissions",
    "reporting_classification",
    "rq1_reporting_share_monthly",
    "rq2_emissions_distributions",
    "emission_claim_history",
    "emission_changes",
    "rq1_reporting_observed_monthly",
    "efficiency_label_boundaries",
    "rq1_emissions_median_monthly",
    "rq2_emission_correlations",
    "build_info",
    "model_lineage",
    "fct_model_lineage_emissions",
    "reporting_coverage",
    "reporting_coverage_monthly",
    "family_footprints",
    "model_reporting_ancestors",
}


def _cell(value: object) -> object:
    """One comparable Python value per cell, whatever engine and Arrow type produced it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):  # DuckDB: aware timestamptz; Spark: UTC timestamp
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, list):
        return tuple(_cell(v) for v in value)
    return value


# Raw text columns holding a card's JSON number as text (see the module docstring).
JSON_NUMBER_TEXT = {"co2_eq_emissions_raw"}


def _json_number_text(value: object) -> object:
    if isinstance(value, str) and value.endswith(".0") and value[:-2].lstrip("-").isdigit():
        return value[:-2]
    return value


def _rows(table: pa.Table) -> list[tuple[object, ...]]:
    columns = sorted(table.column_names)
    rows = [
        tuple(
            _json_number_text(_cell(row[c])) if c in JSON_NUMBER_TEXT else _cell(row[c])
            for c in columns
        )
        for row in table.select(columns).to_pylist()
    ]

    def key(row: tuple[object, ...]) -> tuple[object, ...]:
        # Floats rounded for sorting only (sums in another order differ in the last bits).
        return tuple((v is None, f"{v:.6e}" if isinstance(v, float) else str(v)) for v in row)

    return sorted(rows, key=key)


def _same(ours: object, theirs: object) -> bool:
    if isinstance(ours, float) or isinstance(theirs, float):
        if ours is None or theirs is None:
            return ours is theirs
        a, b = float(ours), float(theirs)
        if math.isnan(a) or math.isnan(b) or math.isinf(a) or math.isinf(b):
            return (math.isnan(a) and math.isnan(b)) or a == b
        return math.isclose(a, b, rel_tol=RELATIVE, abs_tol=1e-12)
    return ours == theirs


def normalised_type(arrow_type: pa.DataType) -> str:
    """A column's type as a reader sees it, whatever each engine's width or precision: integer
    (DuckDB's sums of integers are HUGEINT, decimal(38, 0) in Arrow; Spark's are bigint), number
    (floating or decimal with a fraction), text, boolean, date, timestamp (Spark has no time zone
    type), or a list of one of them."""
    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return f"list<{normalised_type(arrow_type.value_type)}>"
    for name, test in (
        ("integer", lambda t: pa.types.is_integer(t) or (pa.types.is_decimal(t) and t.scale == 0)),
        ("number", lambda t: pa.types.is_floating(t) or pa.types.is_decimal(t)),
        ("text", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
        ("boolean", pa.types.is_boolean),
        ("date", pa.types.is_date),
        ("timestamp", pa.types.is_timestamp),
    ):
        if test(arrow_type):
            return name
    return str(arrow_type)


def compare(duck: pa.Table, sparks: pa.Table) -> list[str]:
    """The differences between one mart on both engines (empty: equal)."""
    if sorted(duck.column_names) != sorted(sparks.column_names):
        return [f"columns differ: {sorted(duck.column_names)} vs {sorted(sparks.column_names)}"]
    types = [
        f"{field.name}: DuckDB {normalised_type(field.type)} vs Spark {theirs}"
        for field in duck.schema
        if (theirs := normalised_type(sparks.schema.field(field.name).type))
        != normalised_type(field.type)
    ]
    if types:
        return types
    if duck.num_rows != sparks.num_rows:
        return [f"{duck.num_rows} rows on DuckDB, {sparks.num_rows} on Spark"]
    columns = sorted(duck.column_names)
    problems = []
    for duck_row, spark_row in zip(_rows(duck), _rows(sparks), strict=True):
        for column, a, b in zip(columns, duck_row, spark_row, strict=True):
            if not _same(a, b):
                problems.append(f"{column}: DuckDB {a!r} vs Spark {b!r} (row {duck_row[:3]})")
    return problems


@pytest.fixture(scope="module")
def duckdb_marts(parity_builds) -> dict[str, pa.Table]:
    with duckdb.connect(str(parity_builds.duckdb.warehouse), read_only=True) as con:
        names = [
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = ? order by 1", [MARTS]
            ).fetchall()
        ]
        return {name: con.sql(f'from {MARTS}."{name}"').to_arrow_table() for name in names}


@pytest.fixture(scope="module")
def spark_marts(spark_session) -> dict[str, pa.Table]:
    return {
        name: spark.read(spark_session, f"{MARTS}.{name}")
        for name in spark.tables(spark_session, MARTS)
    }


def test_every_mart_is_equal_on_both_engines(duckdb_marts, spark_marts) -> None:
    assert set(spark_marts) == set(duckdb_marts), "both engines must build the same marts"
    assert set(duckdb_marts) >= KNOWN_MARTS
    # Compared on rows, not on empty tables: the loads give every known mart some.
    assert [m for m in sorted(KNOWN_MARTS) if not duckdb_marts[m].num_rows] == []
    report, problems = [], {}
    for name in sorted(duckdb_marts):
        duck, sparks = duckdb_marts[name], spark_marts[name]
        differences = compare(duck, sparks)
        floats = sum(
            pa.types.is_floating(f.type) or pa.types.is_decimal(f.type) for f in duck.schema
        )
        report.append(
            f"{name:<40} {duck.num_rows:>7} rows {duck.num_columns:>3} columns ({floats} float):"
            f" {'equal' if not differences else f'{len(differences)} differences'}"
        )
        if differences:
            problems[name] = differences[:5]
    print("\nparity DuckDB vs Spark, mart by mart:\n" + "\n".join(report))
    assert not problems, problems


def test_both_engines_record_the_same_labels_in_raw(parity_builds) -> None:
    """`make build ENGINE=spark` records its labels and boundaries in raw.duckdb (raw_builds) as
    DuckDB's build does: the same rows for the newest load, which later builds' history reads."""

    with duckdb.connect(str(parity_builds.duckdb.warehouse), read_only=True) as con:
        ((newest,),) = con.execute(label_history.BUILD_INFO).fetchall()

    def recorded(raw_db) -> dict[str, pa.Table]:
        with duckdb.connect(str(raw_db), read_only=True) as con:
            return {
                table: con.sql(
                    f"select * exclude (_dlt_load_id, _dlt_id) from raw_builds.{table}"
                    " where load_id = $newest",
                    params={"newest": newest},
                ).to_arrow_table()
                for table in label_history.TABLES
            }

    duck, sparks = recorded(parity_builds.duckdb.raw_db), recorded(parity_builds.spark.raw_db)
    for table in label_history.TABLES:
        assert duck[table].num_rows > 0, table
        assert compare(duck[table], sparks[table]) == [], table


def test_the_comparison_sees_a_changed_gram_a_label_and_a_missing_row(spark_marts) -> None:
    """The comparison itself can fail: one gram off by 1e-6 (on a row with grams > 0, which a
    relative nudge moves), a column of another type, one label changed, one row gone."""
    facts = spark_marts["fct_model_emissions"]
    grams = facts.column("co2_eq_emissions_g").to_pylist()
    row = next(i for i, g in enumerate(grams) if g is not None and g > 0)
    grams[row] *= 1 + 1e-6
    column = facts.column_names.index("co2_eq_emissions_g")
    field = facts.schema.field(column)
    nudged = facts.set_column(column, field, pa.array(grams, type=field.type))
    assert any("co2_eq_emissions_g" in p for p in compare(facts, nudged))
    as_text = facts.set_column(
        column, pa.field(field.name, pa.string()), facts.column(column).cast(pa.string())
    )
    assert compare(facts, as_text) == ["co2_eq_emissions_g: DuckDB number vs Spark text"]
    assert compare(facts, facts.slice(1)) == [
        f"{facts.num_rows} rows on DuckDB, {facts.num_rows - 1} on Spark"
    ]
    labels = spark_marts["efficiency_labels"]
    column = labels.column_names.index("efficiency_label")
    values = labels.column("efficiency_label").to_pylist()
    changed = labels.set_column(
        column, "efficiency_label", pa.array(["E" if values[0] != "E" else "A", *values[1:]])
    )
    assert any("efficiency_label" in p for p in compare(labels, changed))


def test_spark_timestamps_have_no_time_zone_and_hold_the_same_utc_instants(
    spark_session, duckdb_marts
) -> None:
    """DuckDB's timestamptz is Spark's timestamp in a UTC session: same instants, no zone type."""
    types = {
        f.name: f.dataType.simpleString() for f in spark_session.table(f"{MARTS}.dim_models").schema
    }
    assert types["hub_created_at"] == "timestamp"
    duck = duckdb_marts["dim_models"].schema.field("hub_created_at").type
    assert pa.types.is_timestamp(duck) and duck.tz is not None
    assert spark_session.conf.get("spark.sql.session.timeZone") == "UTC"


def test_persist_docs_keeps_table_comments_and_only_views_column_comments(spark_session) -> None:
    """dbt-spark writes a table's comment, and column comments for views, but a Parquet table's
    own column comments only for Delta/Hudi/Iceberg: a mart's computed column has none (its
    description is in `make docs`); a column passed through unchanged from a staging view carries
    the view's comment, which Spark propagates."""
    described = {
        row.col_name.strip(): (row.data_type or "").strip()
        for row in spark_session.sql(
            f"describe table extended {MARTS}.fct_model_emissions"
        ).collect()
    }
    assert described["Provider"] == "parquet"
    assert described["Comment"].startswith("One row per model reporting a usable emission value")
    mart = {
        f.name: f.metadata.get("comment", "")
        for f in spark_session.table(f"{MARTS}.fct_model_emissions").schema
    }
    assert mart["co2_eq_emissions_g"] == ""
    view = {
        f.name: f.metadata.get("comment", "")
        for f in spark_session.table("staging.stg_hf_hub__models").schema
    }
    assert view["model_id"] and mart["model_id"] == view["model_id"]


def test_regex_flavours_differ_at_a_final_newline(spark_session) -> None:
    """Java's `$` also matches before a final line break, RE2's does not: the project's patterns
    end in `\\s*` or a character class that consumes it, so both engines read cards alike."""
    text = "'emitted: 12 kg' || chr(10)"

    def both(pattern: str) -> tuple[bool, bool]:
        duck = duckdb.execute(f"select regexp_matches({text}, '{pattern}')").fetchone()[0]
        spark_pattern = pattern.replace("\\", "\\\\")  # Spark unescapes literals (spark_regex)
        java = spark_session.sql(f"select {text} rlike '{spark_pattern}'").first()[0]
        return duck, java

    assert both("kg$") == (False, True)
    assert both(r"kg\s*$") == (True, True)


def _test_statuses(built: Paths) -> dict[str, str]:
    """The status of each of dbt's data tests and unit tests in a parity build's last dbt run
    (Spark's: the build's tests step)."""
    run_results = built.data_dir / DBT_TARGET / "run_results.json"
    return {
        result["unique_id"]: result["status"]
        for result in json.loads(run_results.read_text())["results"]
        if result["unique_id"].split(".")[0] in ("test", "unit_test")
    }


def test_dbts_data_and_unit_tests_pass_on_spark_as_on_duckdb(parity_builds) -> None:
    """`make build ENGINE=spark` ran every data test and unit test DuckDB's build ran, on the same
    loads, and each passed (or warned) as on DuckDB: none left out, skipped or failed."""
    duck, sparks = _test_statuses(parity_builds.duckdb), _test_statuses(parity_builds.spark)
    kinds = {unique_id.split(".")[0] for unique_id in duck}
    assert kinds == {"test", "unit_test"}, f"DuckDB's build ran no {kinds ^ {'test', 'unit_test'}}"
    differ = {i: (duck.get(i), sparks.get(i)) for i in duck.keys() | sparks.keys()}
    differ = {i: statuses for i, statuses in differ.items() if len(set(statuses)) > 1}
    assert differ == {}, "status on DuckDB, on Spark"
    assert set(sparks.values()) <= {"pass", "warn"}
