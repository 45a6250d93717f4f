-- One row per (model, ancestor reporting its own training run): who, in a model's lineage, the
-- upstream footprint comes from (docs/method.md#lineage). The ancestors are those
-- fct_model_lineage_emissions sums, each once at its shortest distance, the model itself left out
-- (a cycle); a model's rows add up to its upstream_emissions_g
-- (tests/assert_reporting_ancestors_add_up.sql). The label card names them.
with

ancestors as (

    select
        model_id,
        ancestor_model_id,
        depth
    from {{ ref('int_model_ancestors_expanded') }}
    where ancestor_model_id <> model_id

),

reporting as (

    select
        model_id,
        own_emissions_g
    from {{ ref('fct_model_lineage_emissions') }}
    where own_emissions_g is not null

),

final as (

    select
        ancestors.model_id,
        ancestors.ancestor_model_id,
        ancestors.depth,
        reporting.own_emissions_g as ancestor_own_emissions_g
    from ancestors
    inner join reporting on ancestors.ancestor_model_id = reporting.model_id

)

select * from final
