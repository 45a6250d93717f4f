-- The emission contract: a parsed model is in fct_model_emissions, quarantined_emissions, or
-- reported as not reported, never in two of them, never lost.
with

placements as (

    select
        model_id,
        'fact' as place
    from {{ ref('fct_model_emissions') }}
    union all
    select
        model_id,
        'quarantine' as place
    from {{ ref('quarantined_emissions') }}
    union all
    select
        model_id,
        'not_reported' as place
    from {{ ref('reporting_classification') }}
    where emissions_status in ('not_reported_placeholder', 'not_reported_empty')

)

select
    parsed.model_id,
    count(placements.place) as places
from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
left join placements on parsed.model_id = placements.model_id
group by parsed.model_id
having count(placements.place) <> 1
