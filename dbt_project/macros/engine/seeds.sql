{#- Seeds on Spark are read by Spark's CSV reader, as dbt-duckdb COPYs them, rather than through
    agate rows spliced into an INSERT (dbt-spark's way): that splices values unescaped (a quote
    breaks the statement, Spark's literal escapes eat the lookup seeds' regex backslashes) and
    agate reads the text "null" as a null (seed emission_placeholders lists it). Columns keep the
    seed's types; empty fields are null, as in DuckDB. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) %}
    {%- set columns = [] %}
    {%- for col_name in agate_table.column_names %}
        {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) %}
        {%- do columns.append(adapter.quote(col_name) ~ ' ' ~ type) %}
    {%- endfor %}
    {%- set csv_view = adapter.quote(this.identifier ~ '__csv') %}
    {%- set path = model.root_path ~ '/' ~ model.original_file_path %}
    {%- set sql %}
        create or replace temporary view {{ csv_view }} ({{ columns | join(', ') }})
        using csv options (
            path {{ hubcarbon.spark_string_literal(path) }}, header 'true', multiLine 'true',
            escape '"', delimiter {{ hubcarbon.spark_string_literal(config.get('delimiter', ',')) }},
            -- pandas writes infinities and NaN so (the study's seeds); DuckDB reads them as numbers
            positiveInf 'inf', negativeInf '-inf', nanValue 'nan'
        )
    {%- endset %}
    {%- do run_query(sql) %}
    {%- do run_query('insert into ' ~ this.render() ~ ' select * from ' ~ csv_view) %}
    {%- do run_query('drop view ' ~ csv_view) %}
    {{ return(sql) }}
{% endmacro %}


{#- A Spark SQL string literal (Spark unescapes backslashes in literals, as Java strings do). -#}
{% macro spark_string_literal(text) -%}
    '{{ text | replace('\\', '\\\\') | replace("'", "\\'") }}'
{%- endmacro %}


{#- Unit-test fixtures give list columns as DuckDB reads a list from text ("['a', 'b']", "[]"); on
    Spark such a value becomes array('a', 'b'). Other values are cast as dbt-spark casts them
    (a struct or map given as a Spark expression, unquoted). -#}
{% macro spark__safe_cast(field, type) -%}
    {%- set is_nested = type.lower().startswith(('struct', 'array', 'map')) %}
    {%- set text = field.strip("'").replace("\\'", "'").strip() if field is string else '' %}
    {%- if is_nested and type.lower().startswith('array') and text.startswith('[') and text.endswith(']') %}
        {%- set items = [] %}
        {%- for item in text[1:-1].split(',') if item.strip() %}
            {%- do items.append(hubcarbon.spark_string_literal(item.strip().strip("'\""))) %}
        {%- endfor -%}
        cast(array({{ items | join(', ') }}) as {{ type }})
    {%- elif is_nested and field is string -%}
        cast({{ text }} as {{ type }})
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif %}
{%- endmacro %}
