-- One row per (model, parent): the Hub's lineage as the warehouse reads it (docs/method.md#lineage).
with

final as (

    select
        model_id,
        parent_model_id,
        relation,
        evidence,
        parent_on_hub
    from {{ ref('int_model_parents_resolved') }}

)

select * from final
