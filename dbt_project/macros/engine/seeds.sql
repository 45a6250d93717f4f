{#- Seeds on Spark: dbt-spark 1.11's session method splices seed values into its INSERT unescaped,
    so a quote in a value breaks the statement and Spark's string-literal escapes eat the
    backslashes of the lookup seeds' regular expressions ("\b"). The rows are written as escaped
    literals instead, cast to the seed's column types as dbt-spark does. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) %}
    {%- set types = [] %}
    {%- for col_name in agate_table.column_names %}
        {%- do types.append(column_override.get(col_name, adapter.convert_type(agate_table, loop.index0))) %}
    {%- endfor %}
    {%- set statements = [] %}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) %}
        {%- set sql %}
            insert into {{ this.render() }} values
            {%- for row in chunk %}
            (
                {%- for value in row -%}
                cast({{ 'null' if value is none else hubcarbon.spark_string_literal(value | string) }} as {{ types[loop.index0] }})
                {{- ', ' if not loop.last }}
                {%- endfor -%}
            ){{ ',' if not loop.last }}
            {%- endfor %}
        {%- endset %}
        {%- do run_query(sql) %}
        {%- do statements.append(sql) %}
    {%- endfor %}
    {{ return(statements[0] if statements else '') }}
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
