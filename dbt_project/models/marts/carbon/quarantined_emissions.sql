-- Emission values that cannot be trusted as grams: never in facts or labels. The reason is the
-- parse status (those seed emission_parse_statuses files as quarantined); the value as written is
-- kept so a curator can fix the card or the parser.
select
    parsed.model_id,
    parsed.co2_eq_emissions_raw,
    parsed.emissions_value,
    parsed.emissions_unit_raw,
    parsed.emissions_unit,
    parsed.co2_eq_emissions_g,
    parsed.emissions_origin,
    parsed.emissions_parse_status as quarantine_reason,
    statuses.meaning as quarantine_reason_meaning
from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
inner join {{ ref('emission_parse_statuses') }} as statuses
    on parsed.emissions_parse_status = statuses.emissions_parse_status
where statuses.emissions_status = 'quarantined'
