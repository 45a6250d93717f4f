{#- Rows whose value lies outside [min_value, max_value] (open bounds when inclusive is false);
    either bound may be left out. Nulls pass, as in accepted_values: pair with not_null where a
    value is required. NaN compares above every number, so it fails any max_value. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}

{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error(
        "accepted_range on " ~ model ~ "." ~ column_name ~ " needs min_value, max_value or both"
    ) }}
{%- endif -%}
{%- set bounds = [] -%}
{%- if min_value is not none -%}
    {%- do bounds.append(column_name ~ (' >= ' if inclusive else ' > ') ~ min_value) -%}
{%- endif -%}
{%- if max_value is not none -%}
    {%- do bounds.append(column_name ~ (' <= ' if inclusive else ' < ') ~ max_value) -%}
{%- endif %}

select {{ column_name }}
from {{ model }}
where not ({{ bounds | join(' and ') }})

{% endtest %}
