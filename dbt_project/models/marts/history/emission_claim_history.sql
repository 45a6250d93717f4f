-- One row per model per observed version of its emission claim (int_model_claims_versioned), for
-- every model that claimed emissions in at least one observation: when the version was first
-- observed, until the next one (null: current), and the claim read from it. A model's first row is
-- its first observation: the first load's for the models it listed (the baseline).
-- efficiency_label: the model's label today, on its current version only (labels rate the whole
-- population at once: efficiency_label_boundaries records when the boundaries moved).
with

versions as (

    select * from {{ ref('int_model_claims_versioned') }}

),

claimants as (

    select distinct model_id
    from versions
    where has_claim

),

final as (

    select
        versions.model_id,
        versions.valid_from,
        versions.valid_to,
        versions.co2_eq_emissions_g,
        versions.emissions_status,
        versions.emissions_source,
        versions.reporting_level,
        case when versions.valid_to is null then labels.efficiency_label end as efficiency_label,
        versions.is_deleted
    from versions
    inner join claimants on versions.model_id = claimants.model_id
    left join {{ ref('efficiency_labels') }} as labels
        on versions.model_id = labels.model_id and not versions.is_deleted

)

select * from final
