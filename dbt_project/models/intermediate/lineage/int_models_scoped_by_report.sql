-- One row per model on the Hub (deleted ones left out): whether a report covers it, its own card's
-- (own_report: it reports a measured value, copied or not, as headline_figures.reporters) or only
-- an ancestor's own training run (lineage_report_only), and the weights coverage is measured in.
with

final as (

    select
        models.model_id,
        case
            when classification.emissions_status = 'reported' then 'own_report'
            when lineage.ancestors_reporting > 0 then 'lineage_report_only'
            else 'no_report'
        end as report_scope,
        {{ hubcarbon.month_text('models.created_at') }} as created_month,
        models.downloads,
        models.downloads_all_time,
        models.parameters
    from {{ ref('dim_models') }} as models
    inner join {{ ref('reporting_classification') }} as classification
        on models.model_id = classification.model_id
    inner join {{ ref('fct_model_lineage_emissions') }} as lineage
        on models.model_id = lineage.model_id
    where not models.is_deleted

)

select * from final
