-- efficiency_labels rates exactly the training runs: every measured value that is the model's own
-- has a label, and nothing else has one (not a zero, not an inherited value, not a non-reporter).
with

training_runs as (

    select model_id
    from {{ ref('fct_model_emissions') }}
    where is_measured and not emission_value_inherited

)

select
    coalesce(training_runs.model_id, labels.model_id) as model_id,
    training_runs.model_id is not null as is_training_run,
    labels.model_id is not null as has_label
from training_runs
full outer join {{ ref('efficiency_labels') }} as labels
    on training_runs.model_id = labels.model_id
where training_runs.model_id is null or labels.model_id is null
