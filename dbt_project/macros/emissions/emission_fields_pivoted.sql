{#- One row per `key` with the co2_eq_emissions fields of `relation` (columns: the key, metadata_key
    as written, value_text, and `order_column`): metadata keys are matched case-, space- and
    punctuation-insensitively through seed emission_metadata_keys ("Emissions", "hardware used",
    "geographic_location"); the first value in `order_column` order wins when a field repeats.
    One macro for the front matter (int_model_emission_fields_extracted) and for a block pasted
    into the prose (int_model_prose_emissions_extracted), so both read keys alike. -#}
{% macro emission_fields_pivoted(relation, key, order_column) -%}
    select
        members.{{ key }},
        {%- for field in ['emissions', 'source', 'training_type', 'geographical_location',
                          'hardware_used', 'hours_used', 'cloud_provider'] %}
        {{ hubcarbon.min_by('members.value_text', 'members.' ~ order_column) }} filter (where keys.emission_field = '{{ field }}')
            as {{ field }}_raw{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }} as members
    inner join {{ ref('emission_metadata_keys') }} as keys
        on {{ hubcarbon.regexp_replace_all("lower(members.metadata_key)", "'[^a-z0-9]'", "''") }}
        = keys.metadata_key
    group by members.{{ key }}
{%- endmacro %}
