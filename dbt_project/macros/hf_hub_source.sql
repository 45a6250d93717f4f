{#- A raw_hub table, or an empty relation of the same columns when the loader has not created it
    yet: dlt creates a table with its first row, so a first load without deletions (no full
    reconciliation) or without a dataset has no such table, and the build must not fail on it. -#}
{% macro hf_hub_source(table_name, columns) %}
    {%- set declared = source('hf_hub', table_name) -%}
    {%- set existing = adapter.get_relation(
        database=declared.database, schema=declared.schema, identifier=declared.identifier
    ) if execute else declared -%}
    {%- if existing is not none -%}
        {{ declared }}
    {%- else -%}
        (
            select
                {% for name, data_type in columns.items() -%}
                cast(null as {{ data_type }}) as {{ name }}{{ ',' if not loop.last }}
                {% endfor %}
            where false
        )
    {%- endif -%}
{% endmacro %}
