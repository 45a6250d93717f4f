-- One row per observed change of a model's emission claim: each pair of consecutive versions in
-- emission_claim_history that differs in what it reports, and each model that appeared after the
-- first load (the baseline) already reporting. Reporting = a usable, measured value
-- (emissions_status 'reported'). Change types, the first that applies:
--   model_deleted / model_restored: a full reconciliation found it gone / back;
--   new_model_reporting: first observed after the baseline, reporting;
--   started_reporting / stopped_reporting: an observed model began / ceased reporting;
--   value_changed: reporting before and after, other grams; ratio = after / before, so a kg->g
--   fix reads 0.001 and a g->kg one 1000.
-- A model's first observation in the baseline is no event; neither is a version that changes
-- nothing reported (tags, source, hardware).
with

history as (

    select
        model_id,
        valid_from,
        co2_eq_emissions_g,
        is_deleted,
        coalesce(emissions_status = 'reported', false) as is_reporting
    from {{ ref('emission_claim_history') }}

),

baseline as (

    select min(observed_at) as baseline_at
    from {{ ref('stg_hf_hub__model_claim_observations') }}

),

paired as (

    select
        model_id,
        valid_from as observed_at,
        co2_eq_emissions_g as grams_after,
        is_deleted,
        is_reporting,
        lag(co2_eq_emissions_g) over (partition by model_id order by valid_from) as grams_before,
        lag(is_deleted) over (partition by model_id order by valid_from) as was_deleted,
        lag(is_reporting) over (partition by model_id order by valid_from) as was_reporting
    from history

),

classified as (

    select
        paired.model_id,
        paired.observed_at,
        case
            -- A model's first version: an event only after the baseline, and only if it reports.
            when paired.was_deleted is null and paired.is_reporting and paired.observed_at > baseline.baseline_at
                then 'new_model_reporting'
            when paired.was_deleted is null then null
            when paired.is_deleted and not paired.was_deleted then 'model_deleted'
            when paired.was_deleted and not paired.is_deleted then 'model_restored'
            when paired.is_reporting and not paired.was_reporting then 'started_reporting'
            when paired.was_reporting and not paired.is_reporting then 'stopped_reporting'
            when paired.is_reporting and paired.grams_after <> paired.grams_before then 'value_changed'
        end as change_type,
        case when paired.was_reporting then paired.grams_before end as grams_before,
        case when paired.is_reporting then paired.grams_after end as grams_after
    from paired
    cross join baseline

),

final as (

    select
        model_id,
        observed_at,
        change_type,
        grams_before,
        grams_after,
        case when change_type = 'value_changed' then grams_after / grams_before end as ratio
    from classified
    where change_type is not null

)

select * from final
