-- RQ1 as observed: per month of observation (UTC), the changes of emission claims the loads saw
-- (emission_changes), where rq1_reporting_share_monthly can only date reporting by creation.
-- Only months with at least one observed change have a row.
with

changes as (

    select
        cast({{ dbt.date_trunc('month', 'observed_at') }} as date) as observed_month,
        change_type
    from {{ ref('emission_changes') }}

),

final as (

    select
        observed_month,
        count(case when change_type in ('new_model_reporting', 'started_reporting') then 1 end)
            as models_started_reporting,
        count(case when change_type = 'new_model_reporting' then 1 end) as new_models_reporting,
        count(case when change_type = 'value_changed' then 1 end) as values_corrected,
        count(case when change_type = 'stopped_reporting' then 1 end) as reports_removed,
        count(case when change_type = 'model_deleted' then 1 end) as models_deleted,
        count(case when change_type = 'model_restored' then 1 end) as models_restored
    from changes
    group by observed_month

)

select * from final
