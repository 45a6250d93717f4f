{#- The rows of a label table in every build: this build's `computed` rows, keyed by the load it
    read (marts.build_info), and the rows earlier builds recorded in raw (`recorded`, keyed by the
    load they read). Past labels cannot be computed again (downloads and likes are not versioned),
    hence the record. -#}
{% macro label_rows_of_every_build(computed, recorded, columns) %}
    {%- set newest_load -%}
        (select load_id from {{ ref('build_info') }})
    {%- endset %}
    select
        {{ newest_load }} as load_id,
        {{ columns | join(',\n        ') }}
    from {{ computed }}

    union all

    select
        recorded.load_id,
        recorded.{{ columns | join(',\n        recorded.') }}
    from {{ recorded }} as recorded
    where recorded.load_id < {{ newest_load }}
{% endmacro %}
