{#- Splitting text into lines and joining them again: set-returning and ordered aggregates differ
    between engines. -#}

{#- Select-list items: one row per line of `text_expr`, as columns line_number (ascending in text
    order) and line_text. -#}
{% macro explode_lines(text_expr) -%}
    {{ return(adapter.dispatch('explode_lines', 'hubcarbon')(text_expr)) }}
{%- endmacro %}

{% macro default__explode_lines(text_expr) -%}
    unnest(string_split({{ text_expr }}, chr(10))) as line_text,
    generate_subscripts(string_split({{ text_expr }}, chr(10)), 1) as line_number
{%- endmacro %}

{#- Spark reads '\n' in a literal as a newline. -#}
{% macro spark__explode_lines(text_expr) -%}
    posexplode(split({{ text_expr }}, '\n')) as (line_number, line_text)
{%- endmacro %}


{#- Aggregate: the non-null `expr` of the group joined by newlines, in the order of `order_expr`. -#}
{% macro lines_joined(expr, order_expr) -%}
    {{ return(adapter.dispatch('lines_joined', 'hubcarbon')(expr, order_expr)) }}
{%- endmacro %}

{% macro default__lines_joined(expr, order_expr) -%}
    string_agg({{ expr }}, chr(10) order by {{ order_expr }})
{%- endmacro %}

{% macro spark__lines_joined(expr, order_expr) -%}
    array_join(transform(
        array_sort(collect_list(case when {{ expr }} is not null then struct({{ order_expr }} as o, {{ expr }} as v) end)),
        x -> x.v
    ), chr(10))
{%- endmacro %}
