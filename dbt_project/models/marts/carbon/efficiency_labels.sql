-- The study's carbon-efficiency label (A-E) for every training run with a measured, trusted
-- emission value (macro efficiency_labels; configuration in dbt_project.yml vars). A value
-- inherited from another model's card gets no label of its own: it is rated once, at its source
-- (docs/method.md#each-training-run-counted-once).
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02
with

measured as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured and not emission_value_inherited

),

labels as (

    {{ efficiency_labels('measured') }}

),

-- This build's boundaries of the default (consistent) variant, one row per metric.
boundaries as (

    select *
    from {{ ref('efficiency_label_boundaries') }}
    where label_variant = 'consistent' and valid_to is null

),

final as (

    select
        labels.rated_id as model_id,
        {% for m in var('efficiency_label_metrics') -%}
        labels.{{ m.metric }}_value,
        labels.{{ m.metric }}_index,
        substr('ABCDE', labels.{{ m.metric }}_rating_paper + 1, 1) as {{ m.metric }}_rating_paper,
        substr('ABCDE', labels.{{ m.metric }}_rating_consistent + 1, 1) as {{ m.metric }}_rating,
        -- The boundary the value passed to earn its rating (A: a-b, ... D: d-e), or for E the d-e
        -- boundary it did not pass, in the metric's units: what a label card shows beside it.
        case labels.{{ m.metric }}_rating_consistent
            when 0 then boundaries_{{ m.metric }}.value_boundary_ab
            when 1 then boundaries_{{ m.metric }}.value_boundary_bc
            when 2 then boundaries_{{ m.metric }}.value_boundary_cd
            when 3 then boundaries_{{ m.metric }}.value_boundary_de
            when 4 then boundaries_{{ m.metric }}.value_boundary_de
        end as {{ m.metric }}_rating_boundary_value,
        {% endfor -%}
        labels.compound_score_paper,
        labels.compound_score_consistent,
        labels.label_paper as efficiency_label_paper,
        labels.label_consistent as efficiency_label
    from labels
    {% for m in var('efficiency_label_metrics') -%}
    left join boundaries as boundaries_{{ m.metric }} on boundaries_{{ m.metric }}.metric = '{{ m.metric }}'
    {% endfor %}
)

select * from final
