-- The headline figures agree with each other: every reporter is one training run or one inherited
-- value, every model has one reporting level, every training run one label in each variant.
with

totals as (

    select
        coalesce(sum(case when figure = 'models' then figure_value end), 0) as models,
        coalesce(sum(case when figure = 'reporting_level' then figure_value end), 0) as models_with_a_level,
        coalesce(sum(case when figure = 'reporters' then figure_value end), 0) as reporters,
        coalesce(sum(case when figure = 'training_runs' then figure_value end), 0) as training_runs,
        coalesce(sum(case when figure = 'inherited_values' then figure_value end), 0) as inherited_values,
        coalesce(sum(case when figure = 'efficiency_label' then figure_value end), 0) as labelled,
        coalesce(sum(case when figure = 'efficiency_label_study' then figure_value end), 0) as labelled_study
    from {{ ref('headline_figures') }}

)

select *
from totals
where
    reporters <> training_runs + inherited_values
    or models <> models_with_a_level
    or training_runs <> labelled
    or training_runs <> labelled_study
