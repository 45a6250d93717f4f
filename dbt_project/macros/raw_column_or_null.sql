{#- A raw column the loader added later (the listing's `safetensors` and `gguf` expansions), or a
    typed null when the raw file was loaded before it existed: dlt adds a column at the first load
    that writes it, so a raw.duckdb (or its Spark lake) loaded by an earlier loader still builds,
    with the column's facts unknown rather than a "column not found". Only a run or build looks
    at the relation: compiling opens no connection (on Spark, that would start a session). -#}
{% macro raw_column_or_null(source_table, column) -%}
    {%- set present = [] -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- for described in adapter.get_columns_in_relation(source('hf_hub', source_table)) -%}
            {%- if described.name | lower == column -%}{%- do present.append(column) -%}{%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {%- do present.append(column) -%}
    {%- endif -%}
    {%- if present -%}{{ column }}{%- else -%}cast(null as {{ dbt.type_string() }}){%- endif -%}
{%- endmacro %}
