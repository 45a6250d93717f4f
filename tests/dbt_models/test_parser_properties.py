"""Property-based tests of the emission parser: the SQL of macro parse_emission_values and of the
models around it, compiled once by the session's dbt fixture (early_build.py) and run by DuckDB on
hypothesis' inputs, against the seeds that dbt built."""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

# Grams per unit, written here rather than read from seed emission_units, so that a wrong factor in
# the seed fails these tests (the canonical unit of a spelling is told by its letters, below).
UNIT_FACTORS_G = {"mg": 0.001, "g": 1.0, "kg": 1_000.0, "lb": 453.59237, "t": 1_000_000.0}
UNIT_BY_PREFIX = (("milli", "mg"), ("mg", "mg"), ("kilo", "kg"), ("kg", "kg"), ("lb", "lb"),
                  ("pound", "lb"), ("metric", "t"), ("t", "t"), ("g", "g"))  # fmt: skip
SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def parser(parser_sql):
    """Run the parser on a list of (raw text, unit hint) pairs: one result row per input."""
    con = parser_sql.connect()

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
            f" co2_eq_emissions_g from ({parser_sql.sql['parse_cases']}) order by case_id"
        ).fetchall()

    yield parse
    con.close()


@pytest.fixture(scope="module")
def statuses(parser_sql) -> dict[str, bool]:
    """Each status of seed emission_parse_statuses, and whether it is a measured value."""
    with parser_sql.connect() as con:
        return dict(
            con.execute(
                "select emissions_parse_status, is_measured"
                " from warehouse.staging.emission_parse_statuses"
            ).fetchall()
        )


@pytest.fixture(scope="module")
def units(parser_sql) -> list[tuple[str, float]]:
    """Every spelling of seed emission_units, with its true factor (not the seed's)."""
    with parser_sql.connect() as con:
        spellings = [
            row[0]
            for row in con.execute(
                "select unit_spelling from warehouse.staging.emission_units"
            ).fetchall()
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
def shapes(parser_sql):
    """Run metadata extraction (the built model's SQL on our input) then parsing on JSON values."""
    compiled = parser_sql.sql
    extraction = compiled["int_model_emission_fields_extracted"].replace(
        compiled["unioned_relation"], "shape_input"
    )
    assert "shape_input" in extraction
    parse = compiled["parse_extracted"]
    con = parser_sql.connect()

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


@pytest.fixture(scope="module")
def prose(parser_sql):
    """Run the built prose model's SQL on card texts: model id -> (status, raw value, grams)."""
    compiled = parser_sql.sql
    model_sql = compiled["int_model_prose_emissions_extracted"]
    for relation, table in (
        ("scanned_relation", "scanned_input"),
        ("cards_relation", "card_input"),
    ):
        assert compiled[relation] in model_sql
        model_sql = model_sql.replace(compiled[relation], table)
    con = parser_sql.connect()

    def run(texts: list[str]) -> dict[str, tuple]:
        con.execute(
            "create or replace temp table card_input"
            " (model_id varchar, sha varchar, card_text varchar)"
        )
        con.execute(
            "create or replace temp table scanned_input"
            " (model_id varchar, card_sha varchar, autotrain_co2_text varchar)"
        )
        rows = [(f"m{i}", "s", text) for i, text in enumerate(texts)]
        con.executemany("insert into card_input values (?, ?, ?)", rows)
        con.executemany("insert into scanned_input values (?, ?, null)", [r[:2] for r in rows])
        return {
            model_id: rest
            for model_id, *rest in con.execute(
                "select model_id, emissions_parse_status, co2_eq_emissions_raw,"
                f" co2_eq_emissions_g from ({model_sql})"
            ).fetchall()
        }

    yield run
    con.close()


# What a line must name for a value to come from it: CO2 (outside a link), or a mass unit after a
# number. Written independently of the model's own test, which reads seed emission_units.
NAMES_CO2 = re.compile(r"(?i)co2|co₂|carbon|emission|[0-9]\s*(mg|g|kg|t|tons?|grams?)\b")
LINK = re.compile(r"https?://[^\s)\]]*")
NUMBER = st.one_of(
    st.floats(min_value=-1e6, max_value=1e16, allow_nan=False).map(lambda v: f"{v:g}"),
    st.integers(min_value=0, max_value=10**7).map(lambda v: f"{v:,}"),
    st.sampled_from(["0", "7,05", "1.234,5", "2,1e-3", "-3", "12_500", "1e400", "nan", "inf"]),
)
UNIT = st.sampled_from(["", " g", " kg", "kgCO2eq", " tCO2e", " tons", " CO2", " kWh", " W", " h"])
# Lines as cards write them around numbers: reports, and training losses, links, datasets and
# metric tables that report nothing.
LINE = st.one_of(
    st.tuples(
        st.sampled_from([
            "- **Carbon Emitted:** {n}{u}", "Carbon Emitted:", "### co2_eq_emissions:",
            "- emissions: {n}{u}", "  - Total: {n}{u}", "  - Training: {n}{u}",
            "CO2 Emissions (in grams): {n}", "350W x 12h = {n} kWh x 0.43 kg CO2eq/kWh = {n}{u}",
            "- Training loss: {n}", "| accuracy | {n} |", "| co2 | {n} |",
            "See https://mlco2.github.io/impact#compute ({n})", "datasets: emissions-{n}",
            "- **Hours used:** {n}", "  learning_rate: {n}", "Trained for {n} hours on {n} GPUs",
            "{n} {n} {n}", "",
        ]),
        NUMBER, UNIT,
    ).map(lambda t: t[0].format(n=t[1], u=t[2])),
    st.text(max_size=30),
)  # fmt: skip


@SETTINGS
@given(st.lists(st.lists(LINE, max_size=8).map("\n".join), min_size=1, max_size=12))
@example(
    [
        "- **Carbon Emitted:** 1e400 g",  # infinity
        "Carbon Emitted: -3 kg",
        "- **Carbon Emitted:**\n  - learning_rate: 0.001\n  - Training loss: 12",
        "### co2_eq_emissions:\n  datasets: emissions-12\n- Training loss: 0.5",
    ]
)
def test_prose_never_yields_a_wrong_kind_of_number(prose, statuses, texts):
    rows = prose(texts)
    for model_id, (status, raw, grams) in rows.items():
        card = texts[int(model_id[1:])]
        assert status is None or status in statuses
        if grams is None:
            continue
        assert math.isfinite(grams) and grams >= 0, (card, raw, grams)
        # The value comes from one line, and that line names CO2 or a mass unit.
        assert any(
            raw in line and NAMES_CO2.search(LINK.sub("", line)) for line in card.splitlines()
        ), (card, raw)
