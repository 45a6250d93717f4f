{#- For each row of `relation` (key column `key`): the `columns` of the one lookup seed `lookup` row
    whose regular expression `pattern` matches the lower-cased column `text` with the lowest
    priority; among equal priorities the longest (most specific) pattern wins, then the pattern
    itself, so the choice never depends on scan order and all columns come from the same row.
    Rows matching no pattern are left out: left join the result. -#}
{% macro lookup_first_match(relation, key, text, lookup, columns) -%}
    select
        {{ key }},
        {%- for column in columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from (
        select
            lookup_input.{{ key }},
            {%- for column in columns %}
            lookup.{{ column }},
            {%- endfor %}
            row_number() over (
                partition by lookup_input.{{ key }}
                order by lookup.priority, length(lookup.pattern) desc, lookup.pattern
            ) as match_rank
        from {{ relation }} as lookup_input
        inner join {{ ref(lookup) }} as lookup
            on {{ hubcarbon.regexp_test('lower(lookup_input.' ~ text ~ ')', 'lookup.pattern') }}
    ) as matches
    where match_rank = 1
{%- endmacro %}
