-- Each model's reporting ancestors (model_reporting_ancestors) are the ones its upstream footprint
-- sums: as many as ancestors_reporting, adding up to upstream_emissions_g. Rows returned fail.
with

named as (

    select
        model_id,
        count(*) as ancestors_named,
        sum(ancestor_own_emissions_g) as named_emissions_g
    from {{ ref('model_reporting_ancestors') }}
    group by model_id

)

select
    lineage.model_id,
    lineage.ancestors_reporting,
    named.ancestors_named,
    lineage.upstream_emissions_g,
    named.named_emissions_g
from {{ ref('fct_model_lineage_emissions') }} as lineage
full outer join named on lineage.model_id = named.model_id
where
    coalesce(lineage.ancestors_reporting, 0) <> coalesce(named.ancestors_named, 0)
    or abs(coalesce(lineage.upstream_emissions_g, 0) - coalesce(named.named_emissions_g, 0))
    > 1e-9 * coalesce(lineage.upstream_emissions_g, 0)
