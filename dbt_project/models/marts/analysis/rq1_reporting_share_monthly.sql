-- RQ1: of the models created each month, how many report their training emissions
-- (docs/method.md#rq1-how-creators-report, the study's "stalled" ratio). Reporting = a usable,
-- measured value (reporting_classification.emissions_status = 'reported'); zeros, placeholders and
-- quarantined values do not count. Reporting is a property of a card: a model whose value is
-- inherited from another model's card still reports. Segments: all models, each domain, AutoTrain
-- vs the rest. Models without a known creation date and deleted models (absent from a snapshot, as
-- from the study's listing) are left out.
with

models as (

    select
        dim_models.model_id,
        cast({{ dbt.date_trunc('month', 'dim_models.created_at') }} as date) as created_month,
        dim_models.domain,
        case when dim_models.is_autotrain then 'AutoTrain' else 'Not AutoTrain' end as autotrain_segment,
        classification.emissions_status = 'reported' as is_reporting
    from {{ ref('dim_models') }} as dim_models
    inner join {{ ref('reporting_classification') }} as classification
        on dim_models.model_id = classification.model_id
    where dim_models.created_at is not null and not dim_models.is_deleted

),

segmented as (

    select
        created_month,
        'all' as segment_type,
        'All models' as segment,
        is_reporting
    from models
    union all
    select
        created_month,
        'domain' as segment_type,
        domain as segment,
        is_reporting
    from models
    union all
    select
        created_month,
        'autotrain' as segment_type,
        autotrain_segment as segment,
        is_reporting
    from models

),

final as (

    select
        created_month,
        segment_type,
        segment,
        count(*) as models_created,
        count(*) filter (where is_reporting) as models_reporting,
        count(*) filter (where is_reporting) / count(*) as reporting_share
    from segmented
    group by created_month, segment_type, segment

)

select * from final
