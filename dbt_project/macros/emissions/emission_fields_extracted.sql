{#- One row per `key` of `relation` (columns: the key, co2_eq_emissions_json) whose card metadata has
    co2_eq_emissions: its five fields (plus hours_used and cloud_provider), whatever shape the card
    wrote them in: a bare value (number or string: emissions only), a dict, or a list of dicts. Keys
    are read by macro emission_fields_pivoted (seed emission_metadata_keys). Values stay as written
    (text); the first occurrence wins when a key repeats in a list. One macro for the current cards
    (int_model_emission_fields_extracted) and every observed version (int_model_claims_versioned). -#}
{% macro emission_fields_extracted(relation, key='model_id') -%}
with

claims as (

    select
        {{ key }} as model_id,
        co2_eq_emissions_json as co2,
        {{ hubcarbon.json_type_name('co2_eq_emissions_json') }} as co2_shape
    from {{ relation }}
    where co2_eq_emissions_json is not null

),

object_members as (

    select
        claims.model_id,
        0 as element_index,
        members.key as metadata_key,
        members.value
    from claims, {{ hubcarbon.json_each('claims.co2') }} as members
    where claims.co2_shape = 'OBJECT'

),

array_elements as (

    select
        claims.model_id,
        cast(elements.key as integer) as element_index,
        elements.value,
        elements.type as element_type
    from claims, {{ hubcarbon.json_each('claims.co2') }} as elements
    where claims.co2_shape = 'ARRAY'

),

array_members as (

    select
        array_elements.model_id,
        array_elements.element_index,
        members.key as metadata_key,
        members.value
    from array_elements, {{ hubcarbon.json_each('array_elements.value') }} as members
    where array_elements.element_type = 'OBJECT'

    union all

    -- A list of bare values ([12.5]) is read as emissions.
    select
        model_id,
        element_index,
        'emissions' as metadata_key,
        value
    from array_elements
    where element_type not in ('OBJECT', 'ARRAY')

),

scalar_members as (

    select
        model_id,
        0 as element_index,
        'emissions' as metadata_key,
        co2 as value
    from claims
    where co2_shape not in ('OBJECT', 'ARRAY')

),

members as (

    select * from object_members
    union all
    select * from array_members
    union all
    select * from scalar_members

),

values_as_text as (

    select
        model_id,
        metadata_key,
        -- JSON null stays SQL null; strings lose their quotes; numbers keep their JSON spelling.
        {{ hubcarbon.json_get_text('value', '$') }} as value_text,
        element_index
    from members

),

pivoted as (

    {{ hubcarbon.emission_fields_pivoted('values_as_text', 'model_id', 'element_index') }}

),

final as (

    select
        claims.model_id as {{ key }},
        claims.co2_shape as co2_eq_emissions_shape,
        pivoted.emissions_raw,
        pivoted.source_raw,
        pivoted.training_type_raw,
        pivoted.geographical_location_raw,
        pivoted.hardware_used_raw,
        pivoted.hours_used_raw,
        pivoted.cloud_provider_raw
    from claims
    left join pivoted on claims.model_id = pivoted.model_id

)

select * from final
{%- endmacro %}
