{#- Lists (DuckDB LIST, Spark ARRAY): functions and lambdas are spelled differently. -#}

{#- Select-list item: one row per element of the list (none for an empty or null list). -#}
{% macro unnest_list(list_expr) -%}
    {{ return(adapter.dispatch('unnest_list', 'hubcarbon')(list_expr)) }}
{%- endmacro %}

{% macro duckdb__unnest_list(list_expr) -%}
    unnest({{ list_expr }})
{%- endmacro %}

{% macro default__unnest_list(list_expr) -%}
    explode({{ list_expr }})
{%- endmacro %}


{#- The distinct non-null elements of a list (null: empty) and one more element. -#}
{% macro list_distinct_with(list_expr, element_expr) -%}
    {{ return(adapter.dispatch('list_distinct_with', 'hubcarbon')(list_expr, element_expr)) }}
{%- endmacro %}

{% macro duckdb__list_distinct_with(list_expr, element_expr) -%}
    list_distinct(list_append(coalesce({{ list_expr }}, []), {{ element_expr }}))
{%- endmacro %}

{% macro default__list_distinct_with(list_expr, element_expr) -%}
    array_compact(array_distinct(concat(coalesce({{ list_expr }}, array()), array({{ element_expr }}))))
{%- endmacro %}


{#- True when an element of the list equals `value` (lower case) once lower-cased. -#}
{% macro list_contains_lowered(list_expr, value) -%}
    {{ return(adapter.dispatch('list_contains_lowered', 'hubcarbon')(list_expr, value)) }}
{%- endmacro %}

{% macro duckdb__list_contains_lowered(list_expr, value) -%}
    array_contains(list_transform({{ list_expr }}, lambda t: lower(t)), {{ value }})
{%- endmacro %}

{% macro default__list_contains_lowered(list_expr, value) -%}
    exists({{ list_expr }}, t -> lower(t) = {{ value }})
{%- endmacro %}


{#- True when the list holds `value` (null for a null list). -#}
{% macro list_contains(list_expr, value) -%}
    {{ return(adapter.dispatch('list_contains', 'hubcarbon')(list_expr, value)) }}
{%- endmacro %}

{% macro default__list_contains(list_expr, value) -%}
    array_contains({{ list_expr }}, {{ value }})
{%- endmacro %}
