{#- on-run-start: make the loader's raw tables readable as source('hf_hub', ...).
    DuckDB: `make build` copies them into the new warehouse file; nothing to do here.
    Spark: each table of sources hf_hub and hubcarbon_builds is an external Parquet table over
    DATA_DIR/lake/<schema>/<table> (HUBCARBON_LAKE overrides the lake), written by hubcarbon.lake
    when raw.duckdb changed. The tables come from the sources YAML, so a raw table added there
    reaches Spark without touching this macro.
    Recreated on every run: the Hive metastore caches a table's file list and schema. The
    reproduction (var load_study_seeds, `make reproduce`) reads only the study's seeds: no lake. -#}
{% macro attach_raw_lake() -%}
    {{ return(adapter.dispatch('attach_raw_lake', 'hubcarbon')()) }}
{%- endmacro %}

{% macro default__attach_raw_lake() -%}
{%- endmacro %}

{% macro spark__attach_raw_lake() -%}
    {%- if execute and not var('load_study_seeds', false) %}
        {%- set lake = env_var('HUBCARBON_LAKE', env_var('DATA_DIR', 'data') ~ '/lake') %}
        {%- set tables = graph.sources.values() | selectattr('source_name', 'in', ['hf_hub', 'hubcarbon_builds']) | list %}
        {%- for schema in tables | map(attribute='schema') | unique %}
            {%- do run_query('create database if not exists ' ~ schema) %}
        {%- endfor %}
        {%- for table in tables %}
            {%- set relation = table.schema ~ '.' ~ table.identifier %}
            {%- do run_query('drop table if exists ' ~ relation) %}
            {%- do run_query(
                'create table ' ~ relation ~ " using parquet location '"
                ~ lake ~ '/' ~ table.schema ~ '/' ~ table.identifier ~ "'"
            ) %}
        {%- endfor %}
    {%- endif %}
{%- endmacro %}
