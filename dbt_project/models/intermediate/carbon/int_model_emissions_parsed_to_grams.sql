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
        cast(null as {{ dbt.type_string() }}) as emissions_unit_hint
    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('int_model_emission_fields_extracted') }} as fields
        on models.model_id = fields.model_id
    where models.has_co2_tag or models.has_co2_metadata_key

),

metadata_parsed as (

    {{ parse_emission_values('metadata_values', ['model_id']) }}

),

{%- set parsed_columns = [
    'co2_eq_emissions_raw', 'emissions_value', 'emissions_unit_raw', 'emissions_unit',
    'emissions_unit_factor_g', 'co2_eq_emissions_g', 'emissions_parse_status',
] %}

candidates as (

    select
        model_id,
        'card_metadata' as emissions_origin,
        1 as candidate_rank,
        {{ parsed_columns | join(',\n        ') }}
    from metadata_parsed

    union all

    select
        model_id,
        'card_text' as emissions_origin,
        2 as candidate_rank,
        {{ parsed_columns | join(',\n        ') }}
    from {{ ref('int_model_prose_emissions_extracted') }}
    where emissions_parse_status is not null

),

chosen as (

    {{ hubcarbon.preferred_emission_candidates('candidates') }}

),

final as (

    select
        model_id,
        emissions_origin,
        {{ parsed_columns | join(',\n        ') }}
    from chosen

)

select * from final
