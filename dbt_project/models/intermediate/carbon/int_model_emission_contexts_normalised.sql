-- What a card says around its emissions, normalised: emission source bucket, training type,
-- hardware (accelerator family / vendor / model / count), location (country, continent, cloud
-- region), hours used and cloud provider. The metadata dict wins; the prose fills what it lacks: a
-- co2_eq_emissions block pasted into it, then the template's lines ("Hardware Type", "Compute
-- Region", "Hours used", "Cloud Provider") as in the study; placeholders count as missing. One
-- row per model with a co2_eq_emissions key or a scanned card.
with

-- Each card value cleaned once (the placeholder test is a lookup).
claims as (

    select
        coalesce(fields.model_id, cards.model_id) as model_id,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.source_raw') }},
            {{ hubcarbon.card_value_or_null('prose.source_raw') }}
        ) as emissions_source_raw,
        coalesce(
            {{ hubcarbon.card_value_or_null('fields.training_type_raw') }},
            {{ hubcarbon.card_value_or_null('prose.training_type_raw') }}
        ) as training_type_raw,
        {{ hubcarbon.card_value_or_null('fields.hardware_used_raw') }} as hardware_used_metadata,
        coalesce(
            {{ hubcarbon.card_value_or_null('prose.hardware_used_raw') }},
            {{ hubcarbon.card_value_or_null('cards.hardware_type_text') }}
        ) as hardware_used_text,
        {{ hubcarbon.card_value_or_null('fields.geographical_location_raw') }} as geographical_location_metadata,
        coalesce(
            {{ hubcarbon.card_value_or_null('prose.geographical_location_raw') }},
            {{ hubcarbon.card_value_or_null('cards.compute_region_text') }}
        ) as geographical_location_text,
        {{ hubcarbon.card_value_or_null('fields.hours_used_raw') }} as hours_used_metadata,
        coalesce(
            {{ hubcarbon.card_value_or_null('prose.hours_used_raw') }},
            {{ hubcarbon.card_value_or_null('cards.hours_used_text') }}
        ) as hours_used_text,
        {{ hubcarbon.card_value_or_null('fields.cloud_provider_raw') }} as cloud_provider_metadata,
        coalesce(
            {{ hubcarbon.card_value_or_null('prose.cloud_provider_raw') }},
            {{ hubcarbon.card_value_or_null('cards.cloud_provider_text') }}
        ) as cloud_provider_text,
        -- AutoTrain by its tags, or by the line AutoTrain writes on the cards it generates.
        coalesce(models.is_autotrain, false) or cards.autotrain_co2_text is not null as is_autotrain
    from {{ ref('int_model_emission_fields_extracted') }} as fields
    full outer join {{ ref('int_model_cards_scanned') }} as cards on fields.model_id = cards.model_id
    left join {{ ref('int_model_prose_emissions_extracted') }} as prose on cards.model_id = prose.model_id
    left join {{ ref('int_models_unioned') }} as models
        on coalesce(fields.model_id, cards.model_id) = models.model_id

),

combined as (

    select
        model_id,
        emissions_source_raw,
        training_type_raw,
        coalesce(hardware_used_metadata, hardware_used_text) as hardware_used,
        case
            when hardware_used_metadata is not null then 'card_metadata'
            when hardware_used_text is not null then 'card_text'
        end as hardware_used_origin,
        coalesce(geographical_location_metadata, geographical_location_text) as geographical_location_raw,
        coalesce(hours_used_metadata, hours_used_text) as hours_used_raw,
        coalesce(cloud_provider_metadata, cloud_provider_text) as cloud_provider_raw,
        -- The five fields of the co2_eq_emissions spec filled in the metadata (emissions is
        -- judged by the parser in reporting_classification).
        (case when emissions_source_raw is not null then 1 else 0 end)
        + (case when training_type_raw is not null then 1 else 0 end)
        + (case when geographical_location_metadata is not null then 1 else 0 end)
        + (case when hardware_used_metadata is not null then 1 else 0 end)
            as co2_context_fields_filled_count,
        is_autotrain
    from claims

),

normalised as (

    {{ hubcarbon.normalise_emission_context('combined', 'model_id') }}

),

hardware as (

    {{ hubcarbon.lookup_first_match(
        'combined', 'model_id', 'hardware_used', 'hardware_catalogue',
        ['accelerator_family', 'accelerator_vendor', 'accelerator_model'],
    ) }}

),

locations as (

    {{ hubcarbon.lookup_first_match(
        'combined', 'model_id', 'geographical_location_raw', 'locations',
        ['country', 'continent', 'cloud_provider', 'cloud_region'],
    ) }}

),

final as (

    select
        normalised.model_id,

        normalised.emissions_source_raw,
        normalised.emissions_source,

        normalised.training_type_raw,
        normalised.training_type,

        normalised.hardware_used,
        normalised.hardware_used_origin,
        hardware.accelerator_family,
        hardware.accelerator_vendor,
        hardware.accelerator_model,
        -- "8 v100", "1 TPU v3-8 VM", "4xRTX 3090", "A100 x 4"
        cast(coalesce(
            {{ hubcarbon.regexp_group('lower(normalised.hardware_used)', "'^\\s*([0-9]+)(?:\\s*[x×*]|\\s)'") }},
            {{ hubcarbon.regexp_group('lower(normalised.hardware_used)', "'[x×*]\\s*([0-9]+)\\s*$'") }}
        ) as integer) as accelerator_count,

        normalised.geographical_location_raw,
        case
            when normalised.geographical_location_raw is null then 'Not Specified'
            -- The study merged every "East US" spelling and dropped grid-intensity remarks.
            when normalised.geographical_location_raw like '%East US%' then 'East US'
            {%- set grid_remark = "'\\s*\\([^)]*[0-9][^)]*\\)\\s*$'" %}
            else trim({{ hubcarbon.regexp_replace_all('normalised.geographical_location_raw', grid_remark, "''") }})
        end as geographical_location,
        locations.country as location_country,
        locations.continent as location_continent,
        locations.cloud_region,
        coalesce(normalised.cloud_provider_raw, locations.cloud_provider) as cloud_provider,

        {{ hubcarbon.try_to_double(hubcarbon.regexp_group('normalised.hours_used_raw', "'([0-9]+(?:[.][0-9]+)?)'")) }}
            as hours_used,

        normalised.co2_context_fields_filled_count
    from normalised
    left join hardware on normalised.model_id = hardware.model_id
    left join locations on normalised.model_id = locations.model_id

)

select * from final
