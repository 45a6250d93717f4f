-- A model is in fct_model_emissions exactly when its status is a fact status of seed
-- emission_parse_statuses, and in quarantined_emissions exactly when it is quarantined: no
-- quarantined model in the facts, no fact missing, and nothing placed that is not classified.
with

fact_statuses as (

    select distinct emissions_status
    from {{ ref('emission_parse_statuses') }}
    where is_fact

),

expected as (

    select
        classified.model_id,
        case
            when classified.emissions_status = 'quarantined' then 'quarantine'
            when fact_statuses.emissions_status is not null then 'fact'
        end as place
    from {{ ref('reporting_classification') }} as classified
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

)

select
    coalesce(expected.model_id, placements.model_id) as model_id,
    expected.place as expected_place,
    placements.place
from expected
full outer join placements on expected.model_id = placements.model_id
where
    (expected.place is not null or placements.place is not null)
    and (
        expected.place is null
        or placements.place is null
        or expected.place <> placements.place
    )
