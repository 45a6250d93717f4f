{#- For each row of `relation` (key column `key`): the `columns` of the lookup seed `lookup` row
    with the lowest priority whose regular expression `pattern` matches the lower-cased column
    `text`. Rows matching no pattern are left out: left join the result. -#}
{% macro lookup_first_match(relation, key, text, lookup, columns) -%}
    select
        lookup_input.{{ key }},
        {%- for column in columns %}
        min_by(lookup.{{ column }}, lookup.priority) as {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }} as lookup_input
    inner join {{ ref(lookup) }} as lookup
        on {{ hubcarbon.regexp_test('lower(lookup_input.' ~ text ~ ')', 'lookup.pattern') }}
    group by lookup_input.{{ key }}
{%- endmacro %}
