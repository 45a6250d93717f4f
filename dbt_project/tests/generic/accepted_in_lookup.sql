{#- Rows whose value is not among the values of `lookup_column` in the lookup seed `lookup`
    (restricted by `lookup_where`), nor in `extra_values`. accepted_values with the list kept in
    one seed, so a list such as the emission parse statuses is written once. -#}
{% test accepted_in_lookup(model, column_name, lookup, lookup_column, lookup_where='1 = 1', extra_values=[]) %}

select {{ column_name }}
from {{ model }}
where
    {{ column_name }} is not null
    and {{ column_name }} not in (
        select lookup.{{ lookup_column }}
        from {{ lookup }} as lookup
        where {{ lookup_where }}
    )
    {%- for value in extra_values %}
    and {{ column_name }} <> '{{ value }}'
    {%- endfor %}

{% endtest %}
