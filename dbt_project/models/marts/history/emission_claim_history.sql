-- One row per model per observed version of its emission claim (int_model_claims_versioned), for
-- every model that claimed emissions in at least one observation: when the version was first
-- observed, until the next one (null: current), and the claim read from it. A model's first row
-- starts at the load that first listed it: claiming nothing until its first claim, unless it
-- claimed from the start (int_model_claims_versioned).
-- efficiency_label: the label the last build during the version's validity gave the model (today's
-- build for the current version; earlier builds recorded theirs in raw, source hubcarbon_builds).
-- A label rates the whole population, so it can change within one version of the claim:
-- efficiency_label_boundaries says with which boundaries.
with

versions as (

    select * from {{ ref('int_model_claims_versioned') }}

),

labels as (

    {{ label_rows_of_every_build(
        ref('efficiency_labels'),
        ref('stg_hubcarbon_builds__efficiency_labels'),
        ['model_id', 'efficiency_label']
    ) }}

),

-- Per version, the newest label observed while it was valid.
version_labels as (

    select
        versions.model_id,
        versions.valid_from,
        labels.efficiency_label,
        row_number() over (
            partition by versions.model_id, versions.valid_from order by labels.load_id desc
        ) as label_rank
    from versions
    inner join labels
        on
            versions.model_id = labels.model_id
            and {{ hubcarbon.dlt_load_id_to_timestamp('labels.load_id') }} >= versions.valid_from
            and (
                versions.valid_to is null
                or {{ hubcarbon.dlt_load_id_to_timestamp('labels.load_id') }} < versions.valid_to
            )
    where not versions.is_deleted

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
        version_labels.efficiency_label,
        versions.is_deleted
    from versions
    inner join claimants on versions.model_id = claimants.model_id
    left join version_labels
        on
            versions.model_id = version_labels.model_id
            and versions.valid_from = version_labels.valid_from
            and version_labels.label_rank = 1

)

select * from final
