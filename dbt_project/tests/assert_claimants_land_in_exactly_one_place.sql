-- The emission contract: every parsed model is placed exactly once, where its classification
-- says (seed emission_parse_statuses): in fct_model_emissions with a fact status, in
-- quarantined_emissions when quarantined, classified as not reported otherwise. Nothing is placed
-- twice, lost, in the wrong place, or placed without being parsed.
with

fact_statuses as (

    select distinct emissions_status
    from {{ ref('emission_parse_statuses') }}
    where is_fact

),

expected as (

    select
        parsed.model_id,
        case
            when classified.emissions_status = 'quarantined' then 'quarantine'
            when fact_statuses.emissions_status is not null then 'fact'
            when classified.emissions_status in ('not_reported_placeholder', 'not_reported_empty')
                then 'not_reported'
        end as expected_place
    from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
    left join {{ ref('reporting_classification') }} as classified
        on parsed.model_id = classified.model_id
    left join fact_statuses on classified.emissions_status = fact_statuses.emissions_status

),

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

),

placed as (

    select
        model_id,
        count(*) as places,
        min(place) as place
    from placements
    group by model_id

)

select
    coalesce(expected.model_id, placed.model_id) as model_id,
    expected.expected_place,
    placed.place,
    placed.places
from expected
full outer join placed on expected.model_id = placed.model_id
where
    expected.model_id is null
    or expected.expected_place is null
    or placed.model_id is null
    or placed.places <> 1
    or placed.place <> expected.expected_place
