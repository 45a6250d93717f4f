{#- JSON access. The Hub's JSON is kept verbatim in raw_hub; staging extracts what the models need.
    `path` is a JSONPath starting with '$'. -#}

{% macro json_get(json_expr, path) -%}
    {{ return(adapter.dispatch('json_get', 'hubcarbon')(json_expr, path)) }}
{%- endmacro %}

{#- The JSON value at path, still JSON (null when absent). -#}
{% macro duckdb__json_get(json_expr, path) -%}
    json_extract(cast({{ json_expr }} as json), '{{ path }}')
{%- endmacro %}

{% macro spark__json_get(json_expr, path) -%}
    get_json_object({{ json_expr }}, '{{ path }}')
{%- endmacro %}


{#- The value at path as text: strings unquoted, numbers and containers as JSON text. -#}
{% macro json_get_text(json_expr, path) -%}
    {{ return(adapter.dispatch('json_get_text', 'hubcarbon')(json_expr, path)) }}
{%- endmacro %}

{% macro duckdb__json_get_text(json_expr, path) -%}
    json_extract_string(cast({{ json_expr }} as json), '{{ path }}')
{%- endmacro %}

{% macro spark__json_get_text(json_expr, path) -%}
    get_json_object({{ json_expr }}, '{{ path }}')
{%- endmacro %}


{#- JSON type name in upper case: OBJECT, ARRAY, VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, NULL. -#}
{% macro json_type_name(json_expr) -%}
    {{ return(adapter.dispatch('json_type_name', 'hubcarbon')(json_expr)) }}
{%- endmacro %}

{% macro duckdb__json_type_name(json_expr) -%}
    json_type(cast({{ json_expr }} as json))
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
    from_json({{ json_expr }}, 'array<string>')
{%- endmacro %}
