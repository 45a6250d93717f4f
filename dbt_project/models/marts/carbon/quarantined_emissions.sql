-- Emission values that cannot be trusted as grams: never in facts or labels. The reason is the
-- parse status; the value as written is kept so a curator can fix the card or the parser.
select
    model_id,
    co2_eq_emissions_raw,
    emissions_value,
    emissions_unit_raw,
    emissions_unit,
    co2_eq_emissions_g,
    emissions_origin,
    emissions_parse_status as quarantine_reason
from {{ ref('int_model_emissions_parsed_to_grams') }}
where emissions_parse_status in ('negative', 'unknown_unit', 'implausible_magnitude', 'range', 'unparseable')
