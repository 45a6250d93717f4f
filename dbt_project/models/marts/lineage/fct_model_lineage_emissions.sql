-- One row per model: its lineage (docs/method.md#lineage) and the footprint reported along it.
-- own_emissions_g is the model's own training run as counted once (fct_model_emissions: measured,
-- not inherited from another card); upstream_emissions_g sums the own values of its distinct
-- ancestors, each once however many paths reach it. The status asks whether every member that
-- trained reports: the model itself unless it is a quantization or a merge (seed
-- lineage_relations), and each ancestor that trained (a root always did: its pretraining).
with

models as (

    select
        model_id,
        is_deleted
    from {{ ref('dim_models') }}

),

own as (

    select
        model_id,
        co2_eq_emissions_g as own_emissions_g
    from {{ ref('fct_model_emissions') }}
    where is_measured and not emission_value_inherited

),

-- How each model relates to its parents: a merge if any parent says so, else the one relation
-- its parents agree on, else unknown. It trained unless every relation is one that does not.
parents as (

    select
        resolved.model_id,
        case
            when max(case when resolved.relation = 'merge' then 1 else 0 end) = 1 then 'merge'
            when count(distinct resolved.relation) = 1 then max(resolved.relation)
            else 'unknown'
        end as relation,
        max(case when relations.trains_weights then 1 else 0 end) = 1 as trains_weights
    from {{ ref('int_model_parents_resolved') }} as resolved
    inner join {{ ref('lineage_relations') }} as relations on resolved.relation = relations.relation
    group by resolved.model_id

),

-- Every model and every ancestor, listed or not: a parent missing from the Hub is a root that
-- trained (nothing says otherwise) and reports nothing.
nodes as (

    select
        ids.model_id,
        parents.relation,
        parents.model_id is null as is_root,
        coalesce(parents.trains_weights, true) as trains_weights,
        own.own_emissions_g,
        coalesce(models.model_id is not null and not models.is_deleted, false) as is_on_hub
    from (
        select listed.model_id from {{ ref('dim_models') }} as listed
        union
        select ancestor_model_id as model_id from {{ ref('int_model_ancestors_expanded') }}
    ) as ids
    left join parents on ids.model_id = parents.model_id
    left join own on ids.model_id = own.model_id
    left join models on ids.model_id = models.model_id

),

cycle_members as (

    select distinct model_id
    from {{ ref('int_model_ancestors_expanded') }}
    where ancestor_model_id = model_id

),

ancestry as (

    select
        expanded.model_id,
        max(expanded.depth) as depth,
        count(*) as ancestor_count,
        sum(ancestors.own_emissions_g) as upstream_emissions_g,
        count(ancestors.own_emissions_g) as ancestors_reporting,
        count(case when ancestors.trains_weights then 1 end) as ancestors_trained,
        count(case when ancestors.trains_weights and ancestors.own_emissions_g is not null then 1 end)
            as ancestors_trained_reporting,
        count(case when ancestors.is_root then 1 end) as root_count,
        max(case when ancestors.is_root then ancestors.model_id end) as root_id,
        max(case when expanded.is_cut_at_cap then 1 else 0 end) = 1 as is_cut_at_cap,
        max(case when ancestors.is_on_hub then 0 else 1 end) = 1 as has_missing_ancestor
    from {{ ref('int_model_ancestors_expanded') }} as expanded
    inner join nodes as ancestors on expanded.ancestor_model_id = ancestors.model_id
    where expanded.ancestor_model_id <> expanded.model_id
    group by expanded.model_id

),

-- A model in a cycle, or descending from one (an ancestor that is its own ancestor).
in_cycle as (

    select distinct expanded.model_id
    from {{ ref('int_model_ancestors_expanded') }} as expanded
    inner join cycle_members on expanded.ancestor_model_id = cycle_members.model_id

),

counted as (

    select
        nodes.model_id,
        nodes.relation,
        nodes.own_emissions_g,
        ancestry.upstream_emissions_g,
        coalesce(ancestry.depth, 0) as depth,
        coalesce(ancestry.ancestor_count, 0) as ancestor_count,
        coalesce(ancestry.ancestors_reporting, 0) as ancestors_reporting,
        case
            when ancestry.model_id is null then nodes.model_id
            when ancestry.root_count = 1 then ancestry.root_id
        end as family_root_id,
        case when nodes.trains_weights then 1 else 0 end + coalesce(ancestry.ancestors_trained, 0)
            as members_trained,
        case when nodes.trains_weights and nodes.own_emissions_g is not null then 1 else 0 end
        + coalesce(ancestry.ancestors_trained_reporting, 0) as members_trained_reporting,
        case
            when in_cycle.model_id is not null then 'cycle'
            when ancestry.is_cut_at_cap then 'depth_limit'
            when ancestry.has_missing_ancestor then 'missing_parent'
        end as lineage_issue
    from nodes
    inner join models on nodes.model_id = models.model_id
    left join ancestry on nodes.model_id = ancestry.model_id
    left join in_cycle on nodes.model_id = in_cycle.model_id

),

final as (

    select
        model_id,
        family_root_id,
        relation,
        depth,
        ancestor_count,
        own_emissions_g,
        upstream_emissions_g,
        case
            when own_emissions_g is not null or upstream_emissions_g is not null
                then coalesce(own_emissions_g, 0) + coalesce(upstream_emissions_g, 0)
        end as lineage_emissions_g,
        ancestors_reporting,
        ancestor_count - ancestors_reporting as ancestors_not_reporting,
        case
            when members_trained_reporting = 0 then 'none'
            when members_trained_reporting = members_trained then 'complete'
            else 'partial'
        end as lineage_status,
        lineage_issue
    from counted

)

select * from final
