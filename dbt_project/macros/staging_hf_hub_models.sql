{#- models and emission_reporters share the Hub's model shape; one definition keeps their staging
    views identical. Renaming, casting and JSON extraction only. -#}
{% macro staging_hf_hub_models(source_table) %}

with

source as (

    select * from {{ source('hf_hub', source_table) }}

),

renamed as (

    select
        ---------- ids
        id as model_id,
        author,
        sha,

        ---------- strings
        pipeline_tag,
        library_name,
        cast(gated as {{ dbt.type_string() }}) as gated,

        ---------- lists and JSON
        {{ hubcarbon.json_string_list('tags') }} as tags,
        {{ hubcarbon.as_json('card_data') }} as card_data,
        {{ hubcarbon.json_get('card_data', '$.co2_eq_emissions') }} as co2_eq_emissions_json,
        {{ hubcarbon.json_string_list(hubcarbon.json_get('card_data', '$.datasets')) }} as card_datasets,
        {{ hubcarbon.json_string_list(hubcarbon.json_get('card_data', '$.base_model')) }} as card_base_models,
        lower(trim({{ hubcarbon.json_get_text('card_data', '$.base_model_relation') }}))
            as card_base_model_relation,
        {{ hubcarbon.json_get('card_data', '$.model-index[0].results[0].metrics') }} as model_index_metrics_json,

        ---------- numerics
        cast(downloads as bigint) as downloads,
        cast(downloads_all_time as bigint) as downloads_all_time,
        cast(likes as bigint) as likes,
        -- Parameter counts as the listing expands them: safetensors' total over dtypes, GGUF's total.
        cast({{ hubcarbon.try_to_double(hubcarbon.json_get_text(hubcarbon.raw_column_or_null(source_table, 'safetensors'), '$.total')) }} as bigint)
            as safetensors_parameters,
        cast({{ hubcarbon.try_to_double(hubcarbon.json_get_text(hubcarbon.raw_column_or_null(source_table, 'gguf'), '$.total')) }} as bigint)
            as gguf_parameters,

        ---------- booleans
        coalesce(cast(private as boolean), false) as is_private,
        coalesce(cast(disabled as boolean), false) as is_disabled,

        ---------- timestamps (UTC)
        cast(created_at as {{ hubcarbon.type_timestamp_utc() }}) as hub_created_at,
        cast(last_modified as {{ hubcarbon.type_timestamp_utc() }}) as last_modified_at,
        {{ hubcarbon.dlt_load_id_to_timestamp('_dlt_load_id') }} as loaded_at

    from source

)

select * from renamed

{% endmacro %}
