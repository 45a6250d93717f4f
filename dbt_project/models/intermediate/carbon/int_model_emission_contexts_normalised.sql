-- What a card says around its emissions, normalised: emission source bucket, training type,
-- hardware (accelerator family / vendor / model / count), location (country, continent, cloud
-- region), hours used and cloud provider. The metadata dict wins; the template's card-body lines
-- ("Hardware Type", "Compute Region", "Hours used", "Cloud Provider") fill what it lacks, as in the
-- study; placeholders count as missing. One row per model with a co2_eq_emissions key or a
-- scanned card.
with

models as (

    select
        model_id,
        is_autotrain
    from {{ ref('int_models_unioned') }}

),

fields as (

    select * from {{ ref('int_model_emission_fields_extracted') }}

),

cards as (

    select * from {{ ref('int_model_cards_scanned') }}

),

combined as (

    select
        coalesce(fields.model_id, cards.model_id) as model_id,
        {{ hubcarbon.card_value_or_null('fields.source_raw') }} as emissions_source_raw,
        {{ hubcarbon.card_value_or_null('fields.training_type_raw') }} as training_type_raw,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.hardware_used_raw') }},
            {{ hubcarbon.card_value_or_null('cards.hardware_type_text') }}
        ) as hardware_used,
        case
            when {{ hubcarbon.card_value_or_null('fields.hardware_used_raw') }} is not null
                then 'card_metadata'
            when {{ hubcarbon.card_value_or_null('cards.hardware_type_text') }} is not null
                then 'card_text'
        end as hardware_used_origin,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.geographical_location_raw') }},
            {{ hubcarbon.card_value_or_null('cards.compute_region_text') }}
        ) as geographical_location_raw,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.hours_used_raw') }},
            {{ hubcarbon.card_value_or_null('cards.hours_used_text') }}
        ) as hours_used_raw,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.cloud_provider_raw') }},
            {{ hubcarbon.card_value_or_null('cards.cloud_provider_text') }}
        ) as cloud_provider_raw,
        -- The five fields of the co2_eq_emissions spec filled in the metadata (emissions is
        -- judged by the parser in reporting_classification).
        (case when {{ hubcarbon.card_value_or_null('fields.source_raw') }} is not null then 1 else 0 end)
        + (case when {{ hubcarbon.card_value_or_null('fields.training_type_raw') }} is not null then 1 else 0 end)
        + (
            case
                when {{ hubcarbon.card_value_or_null('fields.geographical_location_raw') }} is not null then 1 else 0
            end
        )
        + (case when {{ hubcarbon.card_value_or_null('fields.hardware_used_raw') }} is not null then 1 else 0 end)
            as co2_context_fields_filled_count,
        cards.autotrain_co2_text is not null as has_autotrain_card_line
    from fields
    full outer join cards on fields.model_id = cards.model_id

),

sources as (

    select
        combined.model_id,
        min_by(emission_sources.emission_source, emission_sources.priority) as emission_source_matched
    from combined
    inner join {{ ref('emission_sources') }} as emission_sources
        on {{ hubcarbon.regexp_test('lower(combined.emissions_source_raw)', 'emission_sources.pattern') }}
    group by combined.model_id

),

training_types as (

    select
        combined.model_id,
        min_by(training_types.training_type, training_types.priority) as training_type_matched
    from combined
    inner join {{ ref('training_types') }} as training_types
        on {{ hubcarbon.regexp_test('lower(combined.training_type_raw)', 'training_types.pattern') }}
    group by combined.model_id

),

hardware as (

    select
        combined.model_id,
        min_by(catalogue.accelerator_family, catalogue.priority) as accelerator_family,
        min_by(catalogue.accelerator_vendor, catalogue.priority) as accelerator_vendor,
        min_by(catalogue.accelerator_model, catalogue.priority) as accelerator_model
    from combined
    inner join {{ ref('hardware_catalogue') }} as catalogue
        on {{ hubcarbon.regexp_test('lower(combined.hardware_used)', 'catalogue.pattern') }}
    group by combined.model_id

),

locations as (

    select
        combined.model_id,
        min_by(locations.country, locations.priority) as location_country,
        min_by(locations.continent, locations.priority) as location_continent,
        min_by(locations.cloud_provider, locations.priority) as location_cloud_provider,
        min_by(locations.cloud_region, locations.priority) as cloud_region
    from combined
    inner join {{ ref('locations') }} as locations
        on {{ hubcarbon.regexp_test('lower(combined.geographical_location_raw)', 'locations.pattern') }}
    group by combined.model_id

),

final as (

    select
        combined.model_id,

        combined.emissions_source_raw,
        case
            when sources.emission_source_matched is not null then sources.emission_source_matched
            when models.is_autotrain or combined.has_autotrain_card_line then 'AutoTrain'
            when combined.emissions_source_raw is not null then 'Other'
            else 'Not Specified'
        end as emissions_source,

        combined.training_type_raw,
        coalesce(training_types.training_type_matched, 'Not Specified') as training_type,

        combined.hardware_used,
        combined.hardware_used_origin,
        hardware.accelerator_family,
        hardware.accelerator_vendor,
        hardware.accelerator_model,
        -- "8 v100", "1 TPU v3-8 VM", "4xRTX 3090", "A100 x 4"
        cast(coalesce(
            {{ hubcarbon.regexp_group('lower(combined.hardware_used)', "'^\\s*([0-9]+)(?:\\s*[x×*]|\\s)'") }},
            {{ hubcarbon.regexp_group('lower(combined.hardware_used)', "'[x×*]\\s*([0-9]+)\\s*$'") }}
        ) as integer) as accelerator_count,

        combined.geographical_location_raw,
        case
            when combined.geographical_location_raw is null then 'Not Specified'
            -- The study merged every "East US" spelling and dropped grid-intensity remarks.
            when combined.geographical_location_raw like '%East US%' then 'East US'
            {%- set grid_remark = "'\\s*\\([^)]*[0-9][^)]*\\)\\s*$'" %}
            else trim({{ hubcarbon.regexp_replace_all('combined.geographical_location_raw', grid_remark, "''") }})
        end as geographical_location,
        locations.location_country,
        locations.location_continent,
        locations.cloud_region,
        coalesce(combined.cloud_provider_raw, locations.location_cloud_provider) as cloud_provider,

        {{ hubcarbon.try_to_double(hubcarbon.regexp_group('combined.hours_used_raw', "'([0-9]+(?:[.][0-9]+)?)'")) }}
            as hours_used,

        combined.co2_context_fields_filled_count
    from combined
    left join models on combined.model_id = models.model_id
    left join sources on combined.model_id = sources.model_id
    left join training_types on combined.model_id = training_types.model_id
    left join hardware on combined.model_id = hardware.model_id
    left join locations on combined.model_id = locations.model_id

)

select * from final
