-- RQ1: the reported footprint over time (docs/method.md, RQ1: monthly median of reported grams by
-- creation month), for all reporters and AutoTrain vs the rest. Zeros (not measured) are left out;
-- each training run counts once (values inherited from another model's card are left out), the
-- _incl_inherited columns count every model, as the study did.
with

reporters as (

    select
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as created_month,
        case when is_autotrain then 'AutoTrain' else 'Not AutoTrain' end as autotrain_segment,
        co2_eq_emissions_g,
        case when not emission_value_inherited then co2_eq_emissions_g end as run_co2_eq_emissions_g
    from {{ ref('fct_model_emissions') }}
    where is_measured and created_at is not null

),

segmented as (

    select
        created_month,
        'all' as segment_type,
        'All reporters' as segment,
        co2_eq_emissions_g,
        run_co2_eq_emissions_g
    from reporters
    union all
    select
        created_month,
        'autotrain' as segment_type,
        autotrain_segment as segment,
        co2_eq_emissions_g,
        run_co2_eq_emissions_g
    from reporters

),

final as (

    select
        created_month,
        segment_type,
        segment,
        {{ hubcarbon.emission_summary_columns() }}
    from segmented
    group by created_month, segment_type, segment

)

select * from final
