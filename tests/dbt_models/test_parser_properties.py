"""Property-based tests of the emission parser: the SQL of macro parse_emission_values, compiled by
dbt once and run by DuckDB on hypothesis' inputs, against the seeds of the session's warehouse."""

from __future__ import annotations

import json
import math
import re

import duckdb
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

# Grams per unit, written here rather than read from seed emission_units, so that a wrong factor in
# the seed fails these tests (the canonical unit of a spelling is told by its letters, below).
UNIT_FACTORS_G = {"mg": 0.001, "g": 1.0, "kg": 1_000.0, "lb": 453.59237, "t": 1_000_000.0}
UNIT_BY_PREFIX = (("milli", "mg"), ("mg", "mg"), ("kilo", "kg"), ("kg", "kg"), ("lb", "lb"),
                  ("pound", "lb"), ("metric", "t"), ("t", "t"), ("g", "g"))  # fmt: skip
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


SPLIT = "-- next piece --"
PIECES = {
    "parse_cases": "{{ parse_emission_values('parser_input', ['case_id']) }}",
    "parse_extracted": "{{ parse_emission_values('extracted', ['model_id']) }}",
    "unioned_relation": "{{ ref('int_models_unioned') }}",
}


@pytest.fixture(scope="module")
def compiled(warehouse) -> dict[str, str]:
    """The parser's SQL, compiled by dbt in one call (dbt's start-up is the slow part)."""
    inline = f"\n{SPLIT}\n".join(PIECES.values())
    # The build's vars (none), so dbt reuses its parse (partial parsing) instead of parsing again.
    done = warehouse.dbt("compile", "--quiet", "--output", "json", "--inline", inline)
    sql = json.loads(done.stdout[done.stdout.index("{") :])["compiled"]
    return dict(zip(PIECES, (piece.strip() for piece in sql.split(SPLIT)), strict=True))


@pytest.fixture(scope="module")
def parser(warehouse, compiled):
    """Run the parser on a list of (raw text, unit hint) pairs: one result row per input."""
    con = duckdb.connect()
    con.execute(f"attach '{warehouse.path}' as warehouse (read_only)")

    def parse(values: list[tuple[str | None, str | None]]) -> list[tuple]:
        con.execute(
            "create or replace temp table parser_input"
            " (case_id integer, co2_eq_emissions_raw varchar, emissions_unit_hint varchar)"
        )
        con.executemany(
            "insert into parser_input values (?, ?, ?)",
            [(i, raw, hint) for i, (raw, hint) in enumerate(values)],
        )
        return con.execute(
            "select case_id, emissions_parse_status, emissions_value, emissions_unit,"
            f" co2_eq_emissions_g from ({compiled['parse_cases']}) order by case_id"
        ).fetchall()

    yield parse
    con.close()


@pytest.fixture(scope="module")
def statuses(warehouse) -> dict[str, bool]:
    """Each status of seed emission_parse_statuses, and whether it is a measured value."""
    return dict(
        warehouse.query(
            "select emissions_parse_status, is_measured from staging.emission_parse_statuses"
        )
    )


@pytest.fixture(scope="module")
def units(warehouse) -> list[tuple[str, float]]:
    """Every spelling of seed emission_units, with its true factor (not the seed's)."""
    spellings = [
        row[0] for row in warehouse.query("select unit_spelling from staging.emission_units")
    ]
    return [
        (spelling, UNIT_FACTORS_G[next(u for p, u in UNIT_BY_PREFIX if spelling.startswith(p))])
        for spelling in spellings
    ]


@SETTINGS
@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), st.sampled_from([None, "in grams"])),
                min_size=1, max_size=25))  # fmt: skip
def test_any_text_parses_to_one_row_with_a_status(parser, statuses, values):
    rows = parser(values)
    assert [row[0] for row in rows] == list(range(len(values)))
    for _, status, value, unit, grams in rows:
        assert status in statuses
        if statuses[status]:
            assert value > 0 and unit is not None and grams > 0


def written_number(value: float, style: str) -> str:
    """`value` as cards write it (none of these styles is ambiguous under the documented rules).

    Values stay below 10,000 so that even tonnes stay under the implausibility bound (1e10 g).
    """
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    whole, _, fraction = text.partition(".")
    if style == "thousands_comma":
        return f"{int(whole):,}" + (f".{fraction}" if fraction else "")
    if style == "decimal_comma":
        return whole + (f",{fraction}" if fraction else "")
    if style == "european":
        return f"{int(whole):,}".replace(",", ".") + f",{fraction or '0'}"
    if style == "yaml_underscores":
        return f"{int(whole):_}" + (f".{fraction}" if fraction else "")
    if style == "exponent":
        return f"{value:.6e}"
    return text


@SETTINGS
@given(
    value=st.floats(min_value=1e-3, max_value=9_999, allow_nan=False).map(lambda v: round(v, 6)),
    style=st.sampled_from(
        ["plain", "thousands_comma", "decimal_comma", "european", "yaml_underscores", "exponent"]
    ),
    unit_index=st.integers(min_value=0),
    space=st.sampled_from(["", " ", "  "]),
    suffix=st.sampled_from(["", " CO2eq", "CO2e", " of CO2", " CO₂-eq", " (estimated)"]),
    emphasis=st.sampled_from(["", "**", "_", "`"]),
    prefix=st.sampled_from(["", "~", "≈ ", "approx. ", "CO2: "]),
)
def test_a_number_with_a_unit_is_always_the_same_grams(
    parser, units, value, style, unit_index, space, suffix, emphasis, prefix
):
    number = written_number(value, style)
    # A lone comma before exactly three digits groups thousands ("12,500"), by the documented rule.
    assume(not re.fullmatch(r"[1-9][0-9]{0,2},[0-9]{3}", number))
    spelling, factor = units[unit_index % len(units)]
    raw = f"{prefix}{emphasis}{number}{emphasis}{space}{spelling}{suffix}"
    if not space and spelling[0] in "e":  # "5e..." would read as an exponent; cards write a space
        raw = raw.replace(spelling, " " + spelling, 1)
    ((_, status, parsed, _, grams),) = parser([(raw, None)])
    expected = (
        float(written_number(value, "plain")) if style != "exponent" else float(f"{value:.6e}")
    )
    assert status == "ok", raw
    assert math.isclose(parsed, expected, rel_tol=1e-12), raw
    assert math.isclose(grams, expected * factor, rel_tol=1e-9), raw


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.integers(min_value=-(2**63), max_value=2**63 - 1),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(
        st.sampled_from(["emissions", "Emissions", "source", "hardware used", "training_type",
                         "geographic_location", "x", "co2_eq_emissions"]) | st.text(max_size=8),
        children, max_size=4,
    ),
    max_leaves=12,
)  # fmt: skip


@pytest.fixture(scope="module")
def shapes(warehouse, compiled):
    """Run metadata extraction (the built model's SQL on our input) then parsing on JSON values."""
    compiled_models = warehouse.work_dir / "target" / "compiled" / "hubcarbon" / "models"
    model_sql = (
        compiled_models / "intermediate" / "carbon" / "int_model_emission_fields_extracted.sql"
    )
    extraction = model_sql.read_text().replace(compiled["unioned_relation"], "shape_input")
    assert "shape_input" in extraction
    parse = compiled["parse_extracted"]
    con = duckdb.connect()
    con.execute(f"attach '{warehouse.path}' as warehouse (read_only)")

    def run(values: list) -> list[tuple]:
        con.execute(
            "create or replace temp table shape_input"
            " (model_id varchar, co2_eq_emissions_json json)"
        )
        con.executemany(
            "insert into shape_input values (?, ?)",
            [(f"m{i}", json.dumps(v)) for i, v in enumerate(values)],
        )
        return con.execute(
            f"with extracted as (select model_id, emissions_raw as co2_eq_emissions_raw,"
            f" null as emissions_unit_hint from ({extraction}))"
            f" select model_id, emissions_parse_status from ({parse}) order by model_id"
        ).fetchall()

    yield run
    con.close()


@SETTINGS
@given(st.lists(JSON_VALUES, min_size=1, max_size=10))
def test_any_yaml_shape_extracts_and_parses(shapes, statuses, values):
    rows = shapes(values)
    assert sorted(r[0] for r in rows) == sorted(f"m{i}" for i in range(len(values)))
    assert {status for _, status in rows} <= set(statuses)
