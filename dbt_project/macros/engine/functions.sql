{#- Scalar functions whose name or semantics differ between engines. -#}

{% macro try_to_double(expr) -%}
    {{ return(adapter.dispatch('try_to_double', 'hubcarbon')(expr)) }}
{%- endmacro %}

{% macro default__try_to_double(expr) -%}
    try_cast({{ expr }} as double)
{%- endmacro %}


{#- Python's round() on a float: halves go to the even neighbour (the study's compound label). -#}
{% macro round_half_even(expr) -%}
    {{ return(adapter.dispatch('round_half_even', 'hubcarbon')(expr)) }}
{%- endmacro %}

{% macro duckdb__round_half_even(expr) -%}
    round_even({{ expr }}, 0)
{%- endmacro %}

{% macro spark__round_half_even(expr) -%}
    bround({{ expr }}, 0)
{%- endmacro %}

{% macro default__round_half_even(expr) -%}
    case
        when {{ expr }} - floor({{ expr }}) = 0.5
            then case when mod(floor({{ expr }}), 2) = 0 then floor({{ expr }}) else ceil({{ expr }}) end
        else round({{ expr }})
    end
{%- endmacro %}


{#- Linear-interpolation percentile (numpy's nanpercentile default); nulls are ignored. -#}
{% macro percentile_linear(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_linear', 'hubcarbon')(expr, fraction)) }}
{%- endmacro %}

{% macro duckdb__percentile_linear(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile_linear(expr, fraction) -%}
    percentile({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro default__percentile_linear(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}


{#- dlt load ids are Unix epochs with a fractional part, as text ("1764517234.1917765"). They are
    read from the text, truncated to the microsecond, never through a double: a double rounds on one
    engine and truncates on another, and the two disagreed by 1 µs on some loads. -#}
{% macro dlt_load_id_to_timestamp(expr) -%}
    {{ return(adapter.dispatch('dlt_load_id_to_timestamp', 'hubcarbon')(
        'cast(' ~ dbt.split_part(expr, "'.'", 1) ~ ' as bigint)',
        'substring(' ~ dbt.concat([dbt.split_part(expr, "'.'", 2), "'000000'"]) | trim ~ ', 1, 6)'
    )) }}
{%- endmacro %}

{% macro duckdb__dlt_load_id_to_timestamp(seconds, micros_text) -%}
    to_timestamp({{ seconds }}) + to_microseconds(cast({{ micros_text }} as bigint))
{%- endmacro %}

{% macro default__dlt_load_id_to_timestamp(seconds, micros_text) -%}
    timestamp_micros({{ seconds }} * 1000000 + cast({{ micros_text }} as bigint))
{%- endmacro %}


{#- numpy's float division: x/0 is +inf or -inf, 0/0 is NaN (null here), instead of an error or null. -#}
{% macro float_divide(numerator, denominator) -%}
    case
        when {{ denominator }} = 0
            then case
                when {{ numerator }} > 0 then cast('infinity' as double)
                when {{ numerator }} < 0 then cast('-infinity' as double)
            end
        else cast({{ numerator }} as double) / {{ denominator }}
    end
{%- endmacro %}


{#- A UTC instant: DuckDB's timestamptz; Spark has no time-zone type, its timestamp is read and
    written in the session time zone, which the spark profile sets to UTC. -#}
{% macro type_timestamp_utc() -%}
    {{ return(adapter.dispatch('type_timestamp_utc', 'hubcarbon')()) }}
{%- endmacro %}

{% macro duckdb__type_timestamp_utc() -%}
    timestamptz
{%- endmacro %}

{% macro default__type_timestamp_utc() -%}
    timestamp
{%- endmacro %}


{#- The Hub's createdAt of repos created before it recorded dates, as a UTC instant. -#}
{% macro hub_created_at_placeholder() -%}
    cast('{{ var("hub_created_at_placeholder") }}' as {{ hubcarbon.type_timestamp_utc() }})
{%- endmacro %}


{#- 'YYYY-MM' of a timestamp or date. -#}
{% macro month_text(expr) -%}
    {{ return(adapter.dispatch('month_text', 'hubcarbon')(expr)) }}
{%- endmacro %}

{% macro duckdb__month_text(expr) -%}
    strftime({{ expr }}, '%Y-%m')
{%- endmacro %}

{% macro default__month_text(expr) -%}
    date_format({{ expr }}, 'yyyy-MM')
{%- endmacro %}


{#- The `value` of the row with the smallest / largest `ordering` (an aggregate). -#}
{% macro min_by(value, ordering) -%}
    {{ return(adapter.dispatch('min_by', 'hubcarbon')(value, ordering)) }}
{%- endmacro %}

{% macro default__min_by(value, ordering) -%}
    min_by({{ value }}, {{ ordering }})
{%- endmacro %}

{% macro max_by(value, ordering) -%}
    {{ return(adapter.dispatch('max_by', 'hubcarbon')(value, ordering)) }}
{%- endmacro %}

{% macro default__max_by(value, ordering) -%}
    max_by({{ value }}, {{ ordering }})
{%- endmacro %}
