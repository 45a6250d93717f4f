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

final as (

    select
        rated_id as model_id,
        {% for m in var('efficiency_label_metrics') -%}
        {{ m.metric }}_value,
        {{ m.metric }}_index,
        substr('ABCDE', {{ m.metric }}_rating_paper + 1, 1) as {{ m.metric }}_rating_paper,
        substr('ABCDE', {{ m.metric }}_rating_consistent + 1, 1) as {{ m.metric }}_rating,
        {% endfor -%}
        compound_score_paper,
        compound_score_consistent,
        label_paper as efficiency_label_paper,
        label_consistent as efficiency_label
    from labels

)

select * from final
