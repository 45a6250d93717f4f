-- Every observed version of every model's emission claim (stg_hf_hub__model_claim_observations),
-- with its validity and the claim read as today's cards are: the metadata's co2_eq_emissions
-- parsed into grams (macros emission_fields_extracted, parse_emission_values), its status and
-- source, and the reporting level (macro reporting_level). Derived here, from the raw inputs, for
-- every version, so a better parser rewrites the whole history on the next build. The card's
-- prose is not versioned: this is the claim the Hub indexes (the co2_eq_emissions tag and key).
-- A load observes a model once it claims something, or is deleted: before that the model claimed
-- nothing, since the load that first listed it, which opens a version of its own here (see
-- docs/architecture.md, "The history").
with

recorded as (

    select
        model_id,
        load_id,
        observed_at,
        sha,
        tags,
        co2_eq_emissions_json,
        is_deleted,
        not is_deleted and (
            co2_eq_emissions_json is not null
            or coalesce({{ hubcarbon.list_contains('tags', "'co2_eq_emissions'") }}, false)
        ) as has_claim
    from {{ ref('stg_hf_hub__model_claim_observations') }}

),

firsts as (

    select
        model_id,
        load_id,
        observed_at,
        has_claim or is_deleted as is_opening
    from (
        select
            recorded.*,
            row_number() over (
                partition by recorded.model_id order by recorded.observed_at
            ) as observation_number
        from recorded
    ) as numbered
    where observation_number = 1

),

-- Loaders before the proportional baseline observed every model they listed first, claim or not:
-- a first observation in such a load is the model's first listing, with nothing to add.
baseline_loads as (

    select distinct load_id
    from firsts
    where not is_opening

),

history_start as (

    select min(observed_at) as started_at
    from recorded

),

-- The load that first listed a model is the first load of the history at or after the model's
-- creation on the Hub (a model is listed from its creation on; an incremental load lists every
-- model modified since the previous one), and before the model's first observation.
first_listings as (

    select
        firsts.model_id,
        min(loads.loaded_at) as listed_at
    from firsts
    inner join {{ ref('stg_hf_hub__models') }} as models on firsts.model_id = models.model_id
    cross join history_start
    inner join {{ ref('stg_hf_hub__loads') }} as loads
        on
            loads.is_completed
            and history_start.started_at <= loads.loaded_at
            and coalesce(models.hub_created_at, history_start.started_at) <= loads.loaded_at
            and firsts.observed_at > loads.loaded_at
    where
        firsts.is_opening
        and firsts.load_id not in (select baseline_loads.load_id from baseline_loads)
    group by firsts.model_id

),

never_claimed as (

    select
        first_listings.model_id,
        loads.load_id,
        first_listings.listed_at as observed_at,
        null as sha,
        null as tags,
        null as co2_eq_emissions_json,
        false as is_deleted,
        false as has_claim
    from first_listings
    inner join {{ ref('stg_hf_hub__loads') }} as loads on first_listings.listed_at = loads.loaded_at

),

observations as (

    select
        versions.*,
        versions.model_id || '@' || versions.load_id as version_key,
        lead(versions.observed_at) over (
            partition by versions.model_id order by versions.observed_at
        ) as valid_to,
        row_number() over (partition by versions.model_id order by versions.observed_at) as version_number
    from (
        select * from recorded
        union all
        select * from never_claimed
    ) as versions

),

claim_fields as (

    {{ hubcarbon.emission_fields_extracted('observations', 'version_key') }}

),

metadata_values as (

    select
        observations.version_key,
        claim_fields.emissions_raw as co2_eq_emissions_raw,
        cast(null as {{ dbt.type_string() }}) as emissions_unit_hint
    from observations
    left join claim_fields on observations.version_key = claim_fields.version_key
    where observations.has_claim

),

parsed as (

    {{ parse_emission_values('metadata_values', ['version_key']) }}

),

contexts as (

    select
        observations.version_key,
        {{ hubcarbon.card_value_or_null('claim_fields.source_raw') }} as emissions_source_raw,
        {{ hubcarbon.card_value_or_null('claim_fields.training_type_raw') }} as training_type_raw,
        {{ hubcarbon.card_value_or_null('claim_fields.hardware_used_raw') }} as hardware_used,
        coalesce(
            {{ hubcarbon.list_contains('observations.tags', "'autotrain'") }}
            or {{ hubcarbon.list_contains('observations.tags', "'autonlp'") }},
            false
        ) as is_autotrain
    from observations
    inner join claim_fields on observations.version_key = claim_fields.version_key

),

sources as (

    {{ hubcarbon.normalise_emission_context('contexts', 'version_key') }}

),

final as (

    select
        observations.model_id,
        observations.version_number,
        observations.load_id,
        observations.observed_at as valid_from,
        observations.valid_to,
        observations.sha,
        observations.is_deleted,
        observations.has_claim,
        parsed.co2_eq_emissions_raw,
        parsed.emissions_parse_status,
        case when statuses.is_fact then parsed.co2_eq_emissions_g end as co2_eq_emissions_g,
        case
            when observations.is_deleted then null
            else coalesce(statuses.emissions_status, 'no_claim')
        end as emissions_status,
        case when observations.has_claim then coalesce(sources.emissions_source, 'Not Specified') end
            as emissions_source,
        case
            when not observations.is_deleted
                then {{ hubcarbon.reporting_level(
                    "coalesce(statuses.emissions_status, 'no_claim')",
                    'sources.hardware_used is not null',
                    hubcarbon.has_optimization_tag('observations.tags'),
                    hubcarbon.has_certification_tag('observations.tags'),
                ) }}
        end as reporting_level
    from observations
    left join parsed on observations.version_key = parsed.version_key
    left join {{ ref('emission_parse_statuses') }} as statuses
        on parsed.emissions_parse_status = statuses.emissions_parse_status
    left join sources on observations.version_key = sources.version_key

)

select * from final
