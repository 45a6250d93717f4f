"""What `make check` validates: frames queried from the warehouse, and the GX suite for each.

Each :class:`Frame` pairs one read-only SQL query with the expectations that check its result, so a
reader sees what is validated next to the data it is validated on. Cross-table invariants are frames
too (a per-model ledger joining the marts, a table of reconciled counts): GX still evaluates them as
ordinary expectations, and the failing rows name the models.

Severity: ``critical`` expectations guard the marts' invariants and make `make check` exit 1;
``warning`` expectations describe the quality of what the Hub's cards say (junk is quarantined by
dbt, never dropped silently) and never block.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import great_expectations.expectations as gxe
import yaml
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.row_conditions import Column

from hubcarbon_settings import DBT_PROJECT_DIR

WARNING = "warning"


def _read_parse_statuses() -> list[dict[str, str]]:
    """The emission contract, as dbt reads it: seed emission_parse_statuses."""
    seed = DBT_PROJECT_DIR / "seeds" / "lookups" / "emission_parse_statuses.csv"
    with seed.open(newline="") as rows:
        return list(csv.DictReader(rows))


_PARSE_STATUS_ROWS = _read_parse_statuses()


def _statuses(column: str, keep: Callable[[dict[str, str]], bool]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(row[column] for row in _PARSE_STATUS_ROWS if keep(row)))


# emissions_parse_status of the parser, by where the seed sends it.
PARSE_STATUSES = _statuses("emissions_parse_status", lambda row: True)
FACT_STATUSES = _statuses("emissions_parse_status", lambda row: row["is_fact"] == "true")
MEASURED_STATUSES = _statuses("emissions_parse_status", lambda row: row["is_measured"] == "true")
UNIT_STATUSES = _statuses("emissions_parse_status", lambda row: row["has_unit"] == "true")
JUNK_STATUSES = _statuses(
    "emissions_parse_status", lambda row: row["emissions_status"] == "quarantined"
)

# reporting_classification.emissions_status
IN_FACTS = _statuses("emissions_status", lambda row: row["is_fact"] == "true")
NOT_REPORTED = _statuses(
    "emissions_status", lambda row: row["emissions_status"].startswith("not_reported")
)
ACCOUNTED = _statuses("emissions_status", lambda row: True)
EMISSIONS_STATUSES = (*ACCOUNTED, "no_claim")

# Reporting levels (docs/method.md#the-reporting-classification). In `reporting_level` only a
# reporter reaches a level above Context Reporting; `reporting_level_paper` follows the study (any
# non-zero first number reports).
NON_REPORTER_LEVELS = ("Unknown", "Context Reporting")
REPORTER_LEVELS = ("Basic Reporting", "Awareness", "Optimization", "Certified")
REPORTING_LEVELS = NON_REPORTER_LEVELS + REPORTER_LEVELS
PAPER_REPORTING_LEVELS = ("Unknown", "Context Reporting", "Basic Reporting", "Awareness")

EFFICIENCY_LABELS = ("A", "B", "C", "D", "E")

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

# A value that moved by two orders of magnitude or more between checks looks like a unit fix
# (kg <-> g is x1000).
CHANGE_RATIO_BOUNDS = (0.01, 100.0)


@dataclass(frozen=True)
class Frame:
    """A query on the warehouse and the expectations its result must meet."""

    name: str
    description: str
    sql: str
    expectations: list[Expectation]


def _values(mapping: dict[str, float]) -> str:
    rows = ", ".join(f"('{unit}', {factor!r}::double)" for unit, factor in mapping.items())
    return f"(values {rows})"


def _sql_list(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# GX reports failing rows in frame order: newest changes first, so the examples a summary shows are
# the models whose cards changed since the last load.
NEWEST_FIRST = """
    left join marts.dim_models as recency on recency.model_id = {alias}.model_id
    order by recency.last_modified_at desc nulls last, {alias}.model_id
"""


def _emissions() -> Frame:
    measured = Column("emissions_parse_status").is_in(MEASURED_STATUSES)
    return Frame(
        name="emissions",
        description="marts.fct_model_emissions, with each unit's factor from an independent table",
        sql=f"""
            select
                f.model_id,
                f.co2_eq_emissions_g,
                f.co2_eq_emissions_raw,
                f.emissions_value,
                f.emissions_unit_raw,
                f.emissions_unit,
                f.emissions_unit_factor_g,
                u.factor_g as known_unit_factor_g,
                case
                    when f.co2_eq_emissions_g = f.emissions_value * f.emissions_unit_factor_g then 0
                    else abs(f.co2_eq_emissions_g - f.emissions_value * f.emissions_unit_factor_g)
                        / greatest(abs(f.emissions_value * f.emissions_unit_factor_g), 1e-12)
                end as grams_relative_error,
                f.emissions_parse_status,
                f.emissions_source,
                f.is_autotrain
            from marts.fct_model_emissions as f
            left join {_values(UNIT_FACTORS_G)} as u (unit, factor_g) on u.unit = f.emissions_unit
            {NEWEST_FIRST.format(alias="f")}
        """,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="model_id"),
            gxe.ExpectColumnValuesToBeUnique(column="model_id", description="one fact per model"),
            gxe.ExpectColumnValuesToNotBeNull(column="co2_eq_emissions_g"),
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=0,
                max_value=PLAUSIBLE_MAX_G,
                description=f"grams are >= 0 and physically plausible (<= {PLAUSIBLE_MAX_G:g} g)",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_parse_status",
                value_set=list(FACT_STATUSES),
                description="only trusted parses reach the facts",
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="emissions_value"),
            gxe.ExpectColumnValuesToNotBeNull(
                column="emissions_unit",
                row_condition=Column("emissions_parse_status").is_in(UNIT_STATUSES),
                description="the unit is known or explicitly assumed grams (a bare 0 is 0 g)",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_unit", value_set=list(UNIT_FACTORS_G)
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_unit",
                value_set=["g"],
                row_condition=Column("emissions_parse_status") == "unit_assumed_grams",
                description="a bare number is explicitly assumed to be grams",
            ),
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="emissions_unit_factor_g",
                column_B="known_unit_factor_g",
                description="each unit converts with its true factor",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="grams_relative_error",
                min_value=0,
                max_value=GRAMS_RELATIVE_TOLERANCE,
                description="grams = parsed number x unit factor",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=0,
                max_value=0,
                row_condition=Column("emissions_parse_status") == "zero_not_measured",
                description="'zero_not_measured' is exactly 0 g",
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="co2_eq_emissions_g",
                min_value=0,
                strict_min=True,
                row_condition=measured,
                description="a measured value is above 0 g",
            ),
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
        description="emissions that changed since the previous successful check",
        sql="""
            select
                c.model_id,
                p.co2_eq_emissions_g as previous_g,
                c.co2_eq_emissions_g as current_g,
                c.co2_eq_emissions_g / p.co2_eq_emissions_g as change_ratio
            from marts.fct_model_emissions as c
            inner join previous_emissions as p on p.model_id = c.model_id
            where c.co2_eq_emissions_g > 0 and p.co2_eq_emissions_g > 0
            order by abs(ln(c.co2_eq_emissions_g / p.co2_eq_emissions_g)) desc, c.model_id
        """,
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(
                column="change_ratio",
                min_value=CHANGE_RATIO_BOUNDS[0],
                max_value=CHANGE_RATIO_BOUNDS[1],
                severity=WARNING,
                description="value changed x100 or more since the previous check (a kg/g fix?)",
            ),
        ],
    )


def _claims() -> Frame:
    return Frame(
        name="claims",
        description="int_model_emissions_parsed_to_grams: every card that claims emissions",
        sql=f"""
            select p.model_id, p.emissions_parse_status, p.co2_eq_emissions_raw
            from intermediate.int_model_emissions_parsed_to_grams as p
            {NEWEST_FIRST.format(alias="p")}
        """,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="model_id"),
            gxe.ExpectColumnValuesToBeUnique(column="model_id", description="one parse per model"),
            gxe.ExpectColumnValuesToNotBeNull(column="emissions_parse_status"),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_parse_status", value_set=list(PARSE_STATUSES)
            ),
            gxe.ExpectColumnValuesToNotBeInSet(
                column="emissions_parse_status",
                value_set=list(JUNK_STATUSES),
                severity=WARNING,
                description="card emission value is junk and was quarantined",
            ),
        ],
    )


def _quarantine() -> Frame:
    return Frame(
        name="quarantine",
        description="marts.quarantined_emissions: junk values kept out of facts and labels",
        sql="select model_id, co2_eq_emissions_raw, quarantine_reason "
        "from marts.quarantined_emissions",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="model_id"),
            gxe.ExpectColumnValuesToBeUnique(column="model_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="quarantine_reason"),
            gxe.ExpectColumnValuesToBeInSet(
                column="quarantine_reason", value_set=list(JUNK_STATUSES)
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="co2_eq_emissions_raw", description="the raw value is kept as written"
            ),
        ],
    )


def _ledger() -> Frame:
    in_quarantine = Column("in_quarantine") == True  # noqa: E712 (GX condition)
    return Frame(
        name="ledger",
        description="one row per model involved with emissions, and where each mart has it",
        sql=f"""
            with involved as (
                select id as model_id from raw_hub.emission_reporters
                union select model_id from intermediate.int_model_emissions_parsed_to_grams
                union select model_id from marts.fct_model_emissions
                union select model_id from marts.quarantined_emissions
                union select model_id from marts.efficiency_labels
                union
                select model_id from marts.reporting_classification
                where emissions_status <> 'no_claim'
            )

            select
                i.model_id,
                t.id is not null as has_emissions_tag,
                p.emissions_parse_status,
                r.emissions_status,
                f.model_id is not null as in_facts,
                coalesce(f.emission_value_inherited, false) as is_inherited,
                q.model_id is not null as in_quarantine,
                l.model_id is not null as has_label,
                l.efficiency_label,
                l.efficiency_label_paper
            from involved as i
            left join raw_hub.emission_reporters as t on t.id = i.model_id
            left join intermediate.int_model_emissions_parsed_to_grams as p
                on p.model_id = i.model_id
            left join marts.reporting_classification as r on r.model_id = i.model_id
            left join marts.fct_model_emissions as f on f.model_id = i.model_id
            left join marts.quarantined_emissions as q on q.model_id = i.model_id
            left join marts.efficiency_labels as l on l.model_id = i.model_id
            {NEWEST_FIRST.format(alias="i")}
        """,
        expectations=[
            gxe.ExpectColumnValuesToBeUnique(column="model_id"),
            gxe.ExpectColumnValuesToNotBeNull(
                column="emissions_status",
                row_condition=Column("has_emissions_tag") == True,  # noqa: E712 (GX condition)
                description="every model with the co2_eq_emissions tag is classified",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_status",
                value_set=list(ACCOUNTED),
                row_condition=Column("has_emissions_tag") == True,  # noqa: E712 (GX condition)
                description="a tagged model is in the facts, quarantined, or not reported with "
                "its reason",
            ),
            gxe.ExpectColumnValuesToNotBeNull(
                column="emissions_status",
                row_condition=Column("emissions_parse_status").is_not_null(),
                description="every parsed claim is classified",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="in_facts",
                value_set=[True],
                row_condition=Column("emissions_status").is_in(IN_FACTS),
                description="a reporter is in fct_model_emissions",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_status",
                value_set=list(IN_FACTS),
                row_condition=Column("in_facts") == True,  # noqa: E712 (GX condition)
                description="fct_model_emissions holds reporters only",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="in_quarantine",
                value_set=[True],
                row_condition=Column("emissions_status") == "quarantined",
                description="a quarantined classification is listed in quarantined_emissions",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_status",
                value_set=["quarantined"],
                row_condition=in_quarantine,
                description="a quarantined model is classified as quarantined",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="in_facts",
                value_set=[False],
                row_condition=in_quarantine,
                description="no quarantined model appears in the facts",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="has_label",
                value_set=[False],
                row_condition=in_quarantine,
                description="no quarantined model has an efficiency label",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_status",
                value_set=["reported"],
                row_condition=Column("has_label") == True,  # noqa: E712 (GX condition)
                description="A-E labels exist only for reporters",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="has_label",
                value_set=[True],
                row_condition=(Column("emissions_status") == "reported")
                & (Column("is_inherited") == False),  # noqa: E712 (GX condition)
                description="every training run (a reporter whose value is its own) has a label",
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="has_label",
                value_set=[False],
                row_condition=Column("is_inherited") == True,  # noqa: E712 (GX condition)
                description="a value inherited from another model's card has no label of its own",
            ),
            *(
                gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(EFFICIENCY_LABELS))
                for column in ("efficiency_label", "efficiency_label_paper")
            ),
        ],
    )


def _reporting_levels() -> Frame:
    # Aggregated so that a population of millions stays a handful of rows; model_id is an example.
    return Frame(
        name="reporting_levels",
        description="marts.reporting_classification, per combination of status and levels",
        sql="""
            select
                emissions_status,
                reporting_level,
                reporting_level_paper,
                count(*) as models,
                min(model_id) as model_id
            from marts.reporting_classification
            group by all
            order by all
        """,
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="emissions_status"),
            gxe.ExpectColumnValuesToBeInSet(
                column="emissions_status", value_set=list(EMISSIONS_STATUSES)
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="reporting_level"),
            gxe.ExpectColumnValuesToBeInSet(
                column="reporting_level", value_set=list(REPORTING_LEVELS)
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="reporting_level_paper"),
            gxe.ExpectColumnValuesToBeInSet(
                column="reporting_level_paper", value_set=list(PAPER_REPORTING_LEVELS)
            ),
            gxe.ExpectColumnPairValuesToBeInSet(
                column_A="emissions_status",
                column_B="reporting_level",
                value_pairs_set=[("reported", level) for level in REPORTER_LEVELS]
                + [
                    (status, level)
                    for status in EMISSIONS_STATUSES
                    if status != "reported"
                    for level in NON_REPORTER_LEVELS
                ],
                description="only reporters reach a reporting level above Context Reporting",
            ),
        ],
    )


def _reconciliation() -> Frame:
    return Frame(
        name="reconciliation",
        description="row counts that must agree from raw_hub through staging to the marts",
        sql=f"""
            with counts as (
                select
                    (select count(distinct id) from raw_hub.models) as raw_models,
                    (select count(*) from staging.stg_hf_hub__models) as stg_models,
                    (select count(distinct id) from raw_hub.emission_reporters) as raw_reporters,
                    (select count(*) from staging.stg_hf_hub__emission_reporters) as stg_reporters,
                    (
                        select count(*) from (
                            select id from raw_hub.models
                            union select id from raw_hub.emission_reporters
                        )
                    ) as raw_listed,
                    (select count(*) from marts.dim_models) as dim_models,
                    (select count(*) from marts.reporting_classification) as classified,
                    (select count(*) from intermediate.int_model_emissions_parsed_to_grams)
                        as claims,
                    (select count(*) from marts.fct_model_emissions) as facts,
                    (select count(*) from marts.quarantined_emissions) as quarantined,
                    (
                        select count(*) from marts.reporting_classification
                        where emissions_status in ({_sql_list(NOT_REPORTED)})
                    ) as not_reported
            )

            select 'raw_hub.models = staging models' as reconciliation,
                raw_models as expected, stg_models as actual
            from counts
            union all
            select 'raw_hub.emission_reporters = staging reporters', raw_reporters, stg_reporters
            from counts
            union all
            select 'raw models and reporters = marts.dim_models', raw_listed, dim_models
            from counts
            union all
            select 'marts.dim_models = marts.reporting_classification', dim_models, classified
            from counts
            union all
            select 'claims = facts + quarantined + not reported', claims,
                facts + quarantined + not_reported
            from counts
        """,
        expectations=[
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="expected",
                column_B="actual",
                description="counts reconcile from raw to staging to marts",
            ),
        ],
    )


# Every frame `make check` validates. They may read `previous_emissions` (model_id,
# co2_eq_emissions_g), which the checkpoint provides from the last successful check.
FRAMES = [
    _emissions(),
    _emission_changes(),
    _claims(),
    _quarantine(),
    _ledger(),
    _reporting_levels(),
    _reconciliation(),
]
