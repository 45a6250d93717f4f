-- The study's carbon-emissions reporting classification, for every model
-- (docs/method.md#the-reporting-classification).
--   reporting_level: macro reporting_level, checked from the highest level down.
--   reporting_level_paper: the study's code order, first match wins, so Optimization and
--     Certified are unreachable; reported = the study's reading (any first number that is not 0,
--     units and junk ignored).
with

flags as (

    select
        models.model_id,
        -- Each parse status's place is the seed's; a model whose card claims nothing has no status.
        coalesce(statuses.emissions_status, 'no_claim') as emissions_status,
        coalesce(parsed.emissions_value <> 0, false) as is_reported_paper,
        contexts.hardware_used is not null as has_hardware,
        {{ hubcarbon.has_optimization_tag('models.tags') }} as has_optimization_tag,
        {{ hubcarbon.has_certification_tag('models.tags') }} as has_certification_tag,
        (case when statuses.emissions_status not like 'not_reported%' then 1 else 0 end)
        + coalesce(contexts.co2_context_fields_filled_count, 0) as co2_fields_filled_count
    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('int_model_emissions_parsed_to_grams') }} as parsed on models.model_id = parsed.model_id
    left join {{ ref('emission_parse_statuses') }} as statuses
        on parsed.emissions_parse_status = statuses.emissions_parse_status
    left join {{ ref('int_model_emission_contexts_normalised') }} as contexts
        on models.model_id = contexts.model_id

),

final as (

    select
        model_id,
        {{ hubcarbon.reporting_level(
            'emissions_status', 'has_hardware', 'has_optimization_tag', 'has_certification_tag'
        ) }} as reporting_level,
        case
            when not is_reported_paper and not has_hardware then 'Unknown'
            when not is_reported_paper and has_hardware then 'Context Reporting'
            when is_reported_paper and not has_hardware then 'Basic Reporting'
            else 'Awareness'
        end as reporting_level_paper,
        emissions_status,
        coalesce(co2_fields_filled_count, 0) as co2_fields_filled_count,
        has_hardware,
        has_optimization_tag,
        has_certification_tag
    from flags

)

select
    final.*,
    -- The status in words; a status missing from the seed is a null, which a test fails.
    statuses.meaning as emissions_status_meaning
from final
left join {{ ref('emission_statuses') }} as statuses on final.emissions_status = statuses.emissions_status
