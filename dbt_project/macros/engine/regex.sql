{#- Regular expressions differ per engine (DuckDB's RE2 functions, Spark's Java regex functions).
    Patterns passed here must stay within the RE2/Java common subset: no look-around. A pattern is
    written once, as a standard SQL literal (backslashes as they are); Spark unescapes backslashes
    in string literals, so its variants double them (macro spark_regex). -#}

{#- A pattern expression for Spark: the backslashes of its literals doubled, and a quote written
    the standard way ('') as Spark reads it (\'; Spark reads '' as two adjacent literals). Harmless
    for column references (a lookup seed's patterns are stored with single backslashes). -#}
{% macro spark_regex(pattern) -%}
    {{ pattern | replace('\\', '\\\\') | replace("''", "\\'") }}
{%- endmacro %}

{% macro regexp_test(expr, pattern) -%}
    {{ return(adapter.dispatch('regexp_test', 'hubcarbon')(expr, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_test(expr, pattern) -%}
    regexp_matches({{ expr }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_test(expr, pattern) -%}
    ({{ expr }} rlike {{ hubcarbon.spark_regex(pattern) }})
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

{% macro spark__regexp_group(expr, pattern, group=1) -%}
    nullif(regexp_extract({{ expr }}, {{ hubcarbon.spark_regex(pattern) }}, {{ group }}), '')
{%- endmacro %}


{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'hubcarbon')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#- Spark's regexp_replace replaces every match already. -#}
{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, {{ hubcarbon.spark_regex(pattern) }}, {{ replacement }})
{%- endmacro %}
