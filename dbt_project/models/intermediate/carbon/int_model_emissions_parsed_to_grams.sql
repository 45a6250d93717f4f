-- One row per model whose card claims emissions: the co2_eq_emissions tag, the metadata key, or a
-- card-body line (AutoTrain's "CO2 Emissions (in grams): x", the template's "Carbon Emitted: x").
-- Every candidate value is parsed (macro parse_emission_values); the metadata value wins unless it
-- is a placeholder or empty, then the card body (AutoTrain line before template line), as the
-- study filled co2 from card text only where the metadata had none.
with

metadata_values as (

    select
        models.model_id,
        'card_metadata' as emissions_origin,
        1 as candidate_rank,
        fields.emissions_raw as co2_eq_emissions_raw,
        cast(null as varchar) as emissions_unit_hint
    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('int_model_emission_fields_extracted') }} as fields
        on models.model_id = fields.model_id
    where models.has_co2_tag or models.has_co2_metadata_key

),

card_values as (

    select
        model_id,
        'card_text' as emissions_origin,
        2 as candidate_rank,
        autotrain_co2_text as co2_eq_emissions_raw,
        'in grams' as emissions_unit_hint
    from {{ ref('int_model_cards_scanned') }}
    where autotrain_co2_text is not null

    union all

    select
        model_id,
        'card_text' as emissions_origin,
        3 as candidate_rank,
        carbon_emitted_text as co2_eq_emissions_raw,
        cast(null as varchar) as emissions_unit_hint
    from {{ ref('int_model_cards_scanned') }}
    where carbon_emitted_text is not null

),

candidates as (

    select * from metadata_values
    union all
    select * from card_values

),

parsed as (

    {{ parse_emission_values('candidates', ['model_id', 'emissions_origin', 'candidate_rank']) }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by model_id
            order by emissions_parse_status in ('placeholder', 'empty'), candidate_rank
        ) as preference
    from parsed

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
