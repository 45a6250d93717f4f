{#- Use the configured schema name as is (raw_hub, staging, intermediate, marts), not dbt's
    default "<target schema>_<custom schema>", so BI users see stable, unprefixed names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
