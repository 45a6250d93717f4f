{#- JSON access. The Hub's JSON is kept verbatim in raw_hub; staging extracts what the models need.
    `path` is a JSONPath starting with '$'. DuckDB has a JSON type; on Spark JSON stays text and is
    read through Spark 4's variant (parse_json, variant_get, variant_explode), which, unlike
    get_json_object, keeps a JSON null apart from a missing key. -#}

{#- A column holding JSON: DuckDB's JSON type, Spark's string. -#}
{% macro as_json(expr) -%}
    {{ return(adapter.dispatch('as_json', 'hubcarbon')(expr)) }}
{%- endmacro %}

{% macro duckdb__as_json(expr) -%}
    cast({{ expr }} as json)
{%- endmacro %}

{% macro default__as_json(expr) -%}
    {{ expr }}
{%- endmacro %}


{#- A variant path: keys that are no identifier ("$.model-index") in brackets. -#}
{% macro spark_variant_path(path) -%}
    {{ modules.re.sub('\\.([^.\\[]*[^A-Za-z0-9_.\\[][^.\\[]*)', '["\\1"]', path) }}
{%- endmacro %}

{% macro json_get(json_expr, path) -%}
    {{ return(adapter.dispatch('json_get', 'hubcarbon')(json_expr, path)) }}
{%- endmacro %}

{#- The JSON value at path, still JSON (null when absent). -#}
{% macro duckdb__json_get(json_expr, path) -%}
    json_extract(cast({{ json_expr }} as json), '{{ path }}')
{%- endmacro %}

{% macro spark__json_get(json_expr, path) -%}
    to_json(variant_get(parse_json({{ json_expr }}), '{{ hubcarbon.spark_variant_path(path) }}'))
{%- endmacro %}


{#- The value at path as text: strings unquoted, numbers and containers as JSON text. -#}
{% macro json_get_text(json_expr, path) -%}
    {{ return(adapter.dispatch('json_get_text', 'hubcarbon')(json_expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_get_text(json_expr, path) -%}
    json_extract_string(cast({{ json_expr }} as json), '{{ path }}')
{%- endmacro %}

{% macro spark__json_get_text(json_expr, path) -%}
    variant_get(parse_json({{ json_expr }}), '{{ hubcarbon.spark_variant_path(path) }}', 'string')
{%- endmacro %}


{#- JSON type name in upper case: OBJECT, ARRAY, VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, NULL. -#}
{% macro json_type_name(json_expr) -%}
    {{ return(adapter.dispatch('json_type_name', 'hubcarbon')(json_expr)) }}
{%- endmacro %}

{% macro duckdb__json_type_name(json_expr) -%}
    json_type(cast({{ json_expr }} as json))
{%- endmacro %}

{% macro spark__json_type_name(json_expr) -%}
    {{ hubcarbon.spark_variant_type_name('parse_json(' ~ json_expr ~ ')') }}
{%- endmacro %}

{#- DuckDB's JSON type names for a Spark variant (DECIMAL is a JSON number with a fraction). -#}
{% macro spark_variant_type_name(variant_expr) -%}
    case regexp_extract(schema_of_variant({{ variant_expr }}), '^[A-Z]+', 0)
        when 'OBJECT' then 'OBJECT'
        when 'ARRAY' then 'ARRAY'
        when 'STRING' then 'VARCHAR'
        when 'BIGINT' then 'BIGINT'
        when 'BOOLEAN' then 'BOOLEAN'
        when 'VOID' then 'NULL'
        else 'DOUBLE'
    end
{%- endmacro %}


{#- A JSON list of strings as a SQL list (tags, datasets). A lone string becomes a one-item list. -#}
{% macro json_string_list(json_expr) -%}
    {{ return(adapter.dispatch('json_string_list', 'hubcarbon')(json_expr)) }}
{%- endmacro %}

{% macro duckdb__json_string_list(json_expr) -%}
    case json_type(cast({{ json_expr }} as json))
        when 'ARRAY' then cast(cast({{ json_expr }} as json) as varchar [])
        when 'VARCHAR' then [json_extract_string(cast({{ json_expr }} as json), '$')]
    end
{%- endmacro %}

{% macro spark__json_string_list(json_expr) -%}
    case {{ hubcarbon.json_type_name(json_expr) }}
        when 'ARRAY' then from_json({{ json_expr }}, 'array<string>')
        when 'VARCHAR' then array(variant_get(parse_json({{ json_expr }}), '$', 'string'))
    end
{%- endmacro %}


{#- A FROM item: one row per member of a JSON object or element of a JSON array, with columns
    key (the member's name; DuckDB: the element's index as text), value (JSON) and type (as
    json_type_name). Join it laterally: `from t, {{ json_each('t.col') }} as members`. -#}
{% macro json_each(json_expr) -%}
    {{ return(adapter.dispatch('json_each', 'hubcarbon')(json_expr)) }}
{%- endmacro %}

{% macro duckdb__json_each(json_expr) -%}
    json_each({{ json_expr }})
{%- endmacro %}

{% macro spark__json_each(json_expr) -%}
    lateral (
        select
            coalesce(exploded.key, cast(exploded.pos as string)) as key,
            to_json(exploded.value) as value,
            {{ hubcarbon.spark_variant_type_name('exploded.value') }} as type
        from variant_explode(parse_json({{ json_expr }})) as exploded
    )
{%- endmacro %}
