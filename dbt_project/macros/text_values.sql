{#- Free-text card values (source, hardware, location ...): markdown emphasis and code ticks
    dropped, blanks become null. -#}
{% macro clean_card_value(expr) -%}
    nullif(trim({{ hubcarbon.regexp_replace_all(expr, "'[*`]+'", "''") }}), '')
{%- endmacro %}


{#- True when a value is a placeholder (seed emission_placeholders: "TBD", "N/A", the template's
    "[More Information Needed]", anything containing "unknown" or "needed" as the study did). -#}
{#- The value as the placeholder seed's exact matches are written: lower case, no brackets or
    trailing punctuation around it. -#}
{% macro placeholder_text(expr) -%}
    trim({{ hubcarbon.regexp_replace_all("lower(" ~ expr ~ ")", "'^[\\s\\[\\(]+|[\\s\\]\\)\\.!]+$'", "''") }})
{%- endmacro %}


{% macro is_placeholder(expr) -%}
    {{ return(adapter.dispatch('is_placeholder', 'hubcarbon')(expr)) }}
{%- endmacro %}

{% macro default__is_placeholder(expr) -%}
    exists (
        select 1
        from {{ ref('emission_placeholders') }} as placeholders
        where
            (
                placeholders.match_type = 'exact'
                and {{ hubcarbon.placeholder_text(expr) }}
                = placeholders.placeholder
            )
            or (
                placeholders.match_type = 'contains'
                and lower({{ expr }}) like '%' || placeholders.placeholder || '%'
            )
    )
{%- endmacro %}


{#- A card value with placeholders turned into null. -#}
{% macro card_value_or_null(expr) -%}
    case
        when not {{ hubcarbon.is_placeholder(hubcarbon.clean_card_value(expr)) }}
            then {{ hubcarbon.clean_card_value(expr) }}
    end
{%- endmacro %}


{#- Spark: a correlated EXISTS per card value (a dozen per row of the context model) makes Spark's
    optimizer plan a nested-loop join for each, and planning alone takes minutes; Spark allows no
    subquery inside a lambda either. So the seed's rows are read when the model runs and written
    into the expression: no join, the same answer. `dbt compile` (which runs nothing) renders them
    as none; a unit test, whose seed is a fixture inside its own query, keeps the EXISTS. -#}
{% macro spark__is_placeholder(expr) -%}
    {%- set seed = ref('emission_placeholders') %}
    {%- if (seed | string).startswith('__dbt__cte__') %}
        {#- A unit test: the seed is a fixture in the test's own query. -#}
        {{- return(hubcarbon.default__is_placeholder(expr)) }}
    {%- endif %}
    {%- set rows = run_query('select match_type, placeholder from ' ~ seed).rows
        if execute and flags.WHICH != 'compile' else [] %}
    {%- set exact = rows | selectattr(0, 'equalto', 'exact') | map(attribute=1) | list %}
    {%- set contains = rows | selectattr(0, 'equalto', 'contains') | map(attribute=1) | list %}
    coalesce(
        {{ hubcarbon.placeholder_text(expr) }} in (
            {%- for p in exact or [none] %}{{ 'null' if p is none else hubcarbon.spark_string_literal(p) }}
            {{- ', ' if not loop.last }}{% endfor -%}
        )
        {%- for p in contains %}
        or lower({{ expr }}) like {{ hubcarbon.spark_string_literal('%' ~ p ~ '%') }}
        {%- endfor %},
        false
    )
{%- endmacro %}
