{#- Regular expressions differ per engine (DuckDB's RE2 functions, Spark's Java regex functions).
    Patterns passed here must stay within the RE2/Java common subset: no look-around. -#}

{% macro regexp_test(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_test', 'hubcarbon')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_test(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_test(expr, pattern) -%}
    ({{ expr }} rlike {{ pattern }})
{%- endmacro %}

{% macro default__regexp_test(expr, pattern) -%}
    regexp_like({{ expr }}, {{ pattern }})
{%- endmacro %}


{% macro regexp_group(expr, pattern, group=1) -%}
    {{ return(adapter.dispatch('regexp_group', 'hubcarbon')(expr, pattern, group)) }}
{%- endmacro %}

{#- DuckDB returns '' when there is no match; null keeps "no match" distinct from an empty group. -#}
{% macro duckdb__regexp_group(expr, pattern, group=1) -%}
    nullif(regexp_extract({{ expr }}, {{ pattern }}, {{ group }}), '')
{%- endmacro %}

{% macro default__regexp_group(expr, pattern, group=1) -%}
    nullif(regexp_extract({{ expr }}, {{ pattern }}, {{ group }}), '')
{%- endmacro %}


{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'hubcarbon')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Spark's regexp_replace replaces every match already. -#}
{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}
