-- Every model the loader listed (models and emission reporters) is one row of dim_models and
-- nothing else is, and every model carrying the co2_eq_emissions tag has an emission claim.
with

listed as (

    select model_id from {{ ref('stg_hf_hub__models') }}
    union
    select model_id from {{ ref('stg_hf_hub__emission_reporters') }}

),

dim as (

    select model_id from {{ ref('dim_models') }}

)

select
    coalesce(listed.model_id, dim.model_id) as model_id,
    case when listed.model_id is null then 'not listed' else 'not in dim_models' end as problem
from listed
full outer join dim on listed.model_id = dim.model_id
where listed.model_id is null or dim.model_id is null

union all

select
    reporters.model_id,
    'tagged but no claim' as problem
from {{ ref('stg_hf_hub__emission_reporters') }} as reporters
left join {{ ref('reporting_classification') }} as classified
    on reporters.model_id = classified.model_id
where classified.emissions_status is null or classified.emissions_status = 'no_claim'
