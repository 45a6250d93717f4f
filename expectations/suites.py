"""What `make check` validates: frames queried from the marts, and the GX suite for each.

Each :class:`Frame` pairs one read-only SQL query on the marts (the served interface; never
staging or intermediate) with the expectations that check its result, so a reader sees what is
validated next to the data it is validated on.

dbt and GX each do their own job. The invariants of the marts are dbt tests (YAML data tests and
dbt_project/tests/), and `make build` does not swap in a warehouse that fails one. GX owns:

- ``warning`` expectations: what a test of one build cannot say well, namely distributions, shares
  and drift between loads (a x1000 jump the history observed, CodeCarbon values below 1 g, the
  share of assumed units, the share of junk claims). They describe the Hub's cards and never block.
- ``critical`` expectations: a deliberately short audit of the served file's key invariants, which
  repeats dbt's (grams >= 0, grams = value x the unit's factor, no quarantined model in the facts)
  so that a warehouse changed after its build still fails `make check` (exit 1) and names the
  models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import great_expectations.expectations as gxe
import yaml
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column

from hubcarbon_settings import DBT_PROJECT_DIR

WARNING = "warning"

# An independent oracle for the unit table dbt converts with: grams per unit.
UNIT_FACTORS_G = {"mg": 0.001, "g": 1.0, "kg": 1_000.0, "lb": 453.59237, "t": 1_000_000.0}


def _dbt_var(name: str) -> Any:
    return yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text())["vars"][name]


# Above this, a value cannot be a training footprint and dbt quarantines it (implausible_magnitude);
# one bound for both, defined (and justified) in dbt_project.yml.
PLAUSIBLE_MAX_G = float(_dbt_var("emissions_implausible_above_g"))

# Relative difference allowed between stored grams and value x factor (floating point only).
GRAMS_RELATIVE_TOLERANCE = 1e-9

# AutoTrain values are typically 0.1-500 g. Of the 1,495 non-zero AutoTrain values of a 2026
# re-extraction of the Hub, 21.6 % fall outside; warn when more than a quarter does.
AUTOTRAIN_TYPICAL_G = (0.1, 500.0)
AUTOTRAIN_TYPICAL_MOSTLY = 0.75

# A CodeCarbon value below 1 g is likely kilograms written where grams were meant.
CODECARBON_MIN_G = 1.0

# Share of reporters that must state a unit before the grams assumption is called out. Most
# metadata values are bare numbers (grams per the spec), so this warning fires on the real Hub and
# is there to say how much rests on the assumption.
UNIT_STATED_MOSTLY = 0.5

# A value that moved by two orders of magnitude or more between loads looks like a unit fix
# (kg <-> g is x1000).
CHANGE_RATIO_BOUNDS = (0.01, 100.0)


@dataclass(frozen=True)
class Frame:
    """A query on the marts and the expectations its result must meet."""

    name: str
    description: str
    sql: str
    expectations: list[Expectation]


def _values(mapping: dict[str, float]) -> str:
    rows = ", ".join(f"('{unit}', {factor!r}::double)" for unit, factor in mapping.items())
    return f"(values {rows})"


# GX reports failing rows in frame order: newest changes first, so the examples a summary shows are
# the models whose cards changed since the last load.
NEWEST_FIRST = """
    left join marts.dim_models as recency on recency.model_id = {alias}.model_id
    order by recency.last_modified_at desc nulls last, {alias}.model_id
"""


def _emissions() -> Frame:
    measured = Column("is_measured") == True  # noqa: E712 (GX condition)
    return Frame(
        name="emissions",
        description="marts.fct_model_emissions, with each unit's factor from an independent table "
        "and where the other carbon marts have the model",
        sql=f"""
            select
                f.model_id,
                f.co2_eq_emissions_g,
                f.emissions_value,
                f.emissions_unit,
                -- Against the oracle's factor, not the stored one, so that a wrong factor fails
                -- too; a unit the oracle does not know has no true factor: 100 % wrong.
                coalesce(
                    abs(f.co2_eq_emissions_g - f.emissions_value * u.factor_g)
                    / greatest(abs(f.emissions_value * u.factor_g), 1e-12),
                    1.0
                ) as grams_relative_error,
                q.quarantine_reason,
                f.emissions_parse_status,
                f.emissions_source,
                f.is_autotrain,
                f.is_measured
            from marts.fct_model_emissions as f
            left join {_values(UNIT_FACTORS_G)} as u (unit, factor_g) on u.unit = f.emissions_unit
            left join marts.quarantined_emissions as q on q.model_id = f.model_id
            {NEWEST_FIRST.format(alias="f")}
        """,
        expectations=[
            # The audit: dbt's accepted_range on co2_eq_emissions_g, test
            # assert_emission_grams_are_value_times_factor and test
            # assert_claimants_land_in_exactly_one_place, repeated on the served file.
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=0,
                max_value=PLAUSIBLE_MAX_G,
                description="audit: grams are >= 0 and physically plausible "
                f"(<= {PLAUSIBLE_MAX_G:g} g)",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="grams_relative_error",
                min_value=0,
                max_value=GRAMS_RELATIVE_TOLERANCE,
                description="audit: grams = parsed number x the unit's true factor",
            ),
            gxe.ExpectColumnValuesToBeNull(
                column="quarantine_reason",
                description="audit: no quarantined model in the facts",
            ),
            # Distributions and shares of what the cards say.
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=CODECARBON_MIN_G,
                row_condition=(Column("emissions_source") == "CodeCarbon") & measured,
                severity=WARNING,
                description="CodeCarbon value below 1 g: likely kilograms written as grams",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=AUTOTRAIN_TYPICAL_G[0],
                max_value=AUTOTRAIN_TYPICAL_G[1],
                mostly=AUTOTRAIN_TYPICAL_MOSTLY,
                row_condition=(Column("is_autotrain") == True) & measured,  # noqa: E712 (GX condition)
                severity=WARNING,
                description="AutoTrain values mostly within their usual 0.1-500 g",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_parse_status",
                value_set=["ok"],
                mostly=UNIT_STATED_MOSTLY,
                row_condition=measured,
                severity=WARNING,
                description="reporters whose unit had to be assumed (grams, per the spec)",
            ),
        ],
    )


def _emission_changes() -> Frame:
    return Frame(
        name="emission_changes",
        description="marts.emission_changes: reported values the loads saw change, newest first",
        sql="""
            select model_id, observed_at, grams_before, grams_after, ratio as change_ratio
            from marts.emission_changes
            where change_type = 'value_changed'
            order by observed_at desc, abs(ln(ratio)) desc, model_id
        """,
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="change_ratio",
                min_value=CHANGE_RATIO_BOUNDS[0],
                max_value=CHANGE_RATIO_BOUNDS[1],
                severity=WARNING,
                description="value changed x100 or more between two loads (a kg/g fix?)",
            ),
        ],
    )


def _claims() -> Frame:
    return Frame(
        name="claims",
        description="marts.reporting_classification: every card that claims emissions, with the "
        "reason from marts.quarantined_emissions when its value is junk",
        sql=f"""
            with claims as (
                select model_id, emissions_status
                from marts.reporting_classification
                where emissions_status <> 'no_claim'
            )

            select c.model_id, c.emissions_status, q.quarantine_reason
            from claims as c
            left join marts.quarantined_emissions as q on q.model_id = c.model_id
            {NEWEST_FIRST.format(alias="c")}
        """,
        expectations=[
            gxe.ExpectColumnValuesToBeNull(
                column="quarantine_reason",
                severity=WARNING,
                description="card emission value is junk and was quarantined",
            ),
        ],
    )


# Every frame `make check` validates.
FRAMES = [_emissions(), _emission_changes(), _claims()]
