{#- reporting_coverage and its monthly version: per partition, every (measure, scope) of
    int_models_scoped_by_report, zero when empty, with its share of the measure (null when the
    measure's total is 0, e.g. parameters nobody published). -#}
{% macro coverage_shares(partition_columns=[]) -%}
{%- set measures = {'models': 'count(*)', 'downloads_30d': 'sum(downloads)',
                    'downloads_all_time': 'sum(downloads_all_time)', 'parameters': 'sum(parameters)'} -%}
{%- set scopes = ['own_report', 'lineage_report_only', 'no_report'] -%}
{%- set by = partition_columns | join(', ') -%}
with

scoped as (

    select * from {{ ref('int_models_scoped_by_report') }}
    {%- if by %}
    where {{ partition_columns | join(' is not null and ') }} is not null
    {%- endif %}

),

partitions as (

    select distinct {{ by or '1 as whole' }}
    from scoped

),

grid as (

    {% for scope in scopes -%}
    select
        partitions.*,
        '{{ scope }}' as report_scope
    from partitions
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

totals as (

    select
        {{ by ~ ',' if by }}
        report_scope,
        {%- for measure, aggregate in measures.items() %}
        {{ aggregate }} as {{ measure }}{{ ',' if not loop.last }}
        {%- endfor %}
    from scoped
    group by {{ by ~ ',' if by }} report_scope

),

measured as (

    {% for measure in measures -%}
    select
        {%- for column in partition_columns %}
        grid.{{ column }},
        {%- endfor %}
        '{{ measure }}' as measure,
        grid.report_scope as scope,
        cast(coalesce(totals.{{ measure }}, 0) as double) as value
    from grid
    left join totals
        on grid.report_scope = totals.report_scope
        {%- for column in partition_columns %}
            and grid.{{ column }} = totals.{{ column }}
        {%- endfor %}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        {{ by ~ ',' if by }}
        measure,
        scope,
        value,
        value / nullif(sum(value) over (partition by {{ by ~ ',' if by }} measure), 0) as share
    from measured

)

select * from final
{%- endmacro %}
