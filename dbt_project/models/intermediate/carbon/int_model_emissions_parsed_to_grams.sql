-- One row per model whose card claims emissions: the co2_eq_emissions tag, the metadata key, or
-- the prose (int_model_prose_emissions_extracted: AutoTrain's line, a co2_eq_emissions block pasted
-- into the prose, the template's "Carbon Emitted"). The metadata value is parsed here (macro
-- parse_emission_values, as the prose is); the front matter wins unless it is a placeholder or
-- empty, then the prose, as the study filled co2 from card text only where the metadata had none.
-- emissions_origin says which was used.
with

metadata_values as (

    select
        models.model_id,
        fields.emissions_raw as co2_eq_emissions_raw,
        cast(null as varchar) as emissions_unit_hint
    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('int_model_emission_fields_extracted') }} as fields
        on models.model_id = fields.model_id
    where models.has_co2_tag or models.has_co2_metadata_key

),

metadata_parsed as (

    {{ parse_emission_values('metadata_values', ['model_id']) }}

),

candidates as (

    select
        model_id,
        'card_metadata' as emissions_origin,
        1 as candidate_rank,
        co2_eq_emissions_raw,
        emissions_value,
        emissions_unit_raw,
        emissions_unit,
        emissions_unit_factor_g,
        co2_eq_emissions_g,
        emissions_parse_status
    from metadata_parsed

    union all

    select
        model_id,
        'card_text' as emissions_origin,
        2 as candidate_rank,
        co2_eq_emissions_raw,
        emissions_value,
        emissions_unit_raw,
        emissions_unit,
        emissions_unit_factor_g,
        co2_eq_emissions_g,
        emissions_parse_status
    from {{ ref('int_model_prose_emissions_extracted') }}
    where emissions_parse_status is not null

),

ranked as (

    select
        candidates.*,
        row_number() over (
            partition by candidates.model_id
            order by statuses.emissions_status like 'not_reported%', candidates.candidate_rank
        ) as preference
    from candidates
    inner join {{ ref('emission_parse_statuses') }} as statuses
        on candidates.emissions_parse_status = statuses.emissions_parse_status

),

final as (

    select
        model_id,
        emissions_origin,
        co2_eq_emissions_raw,
        emissions_value,
        emissions_unit_raw,
        emissions_unit,
        emissions_unit_factor_g,
        co2_eq_emissions_g,
        emissions_parse_status
    from ranked
    where preference = 1

)

select * from final
