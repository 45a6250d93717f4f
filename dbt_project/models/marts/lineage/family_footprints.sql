-- One row per family: a root (a model declaring no parent, listed or not) with at least one
-- descendant, and every model that has it among its ancestors (a merge of two families counts
-- in both). Members are the root and its descendants; downloads count members on the Hub;
-- emissions are each member's own training run as counted once (fct_model_lineage_emissions).
with

lineage as (

    select
        lineage.model_id,
        lineage.relation,
        lineage.own_emissions_g,
        models.downloads,
        models.downloads_all_time,
        not models.is_deleted as is_on_hub
    from {{ ref('fct_model_lineage_emissions') }} as lineage
    inner join {{ ref('dim_models') }} as models on lineage.model_id = models.model_id

),

roots as (

    select distinct expanded.ancestor_model_id as family_root_id
    from {{ ref('int_model_ancestors_expanded') }} as expanded
    left join {{ ref('int_model_parents_resolved') }} as parents
        on expanded.ancestor_model_id = parents.model_id
    where parents.model_id is null

),

members as (

    select
        roots.family_root_id,
        expanded.model_id,
        false as is_root
    from roots
    inner join {{ ref('int_model_ancestors_expanded') }} as expanded
        on roots.family_root_id = expanded.ancestor_model_id
    union all
    select
        family_root_id,
        family_root_id as model_id,
        true as is_root
    from roots

),

enriched as (

    select
        members.family_root_id,
        members.model_id,
        members.is_root,
        lineage.relation,
        lineage.own_emissions_g,
        case when lineage.is_on_hub then lineage.downloads end as downloads,
        case when lineage.is_on_hub then lineage.downloads_all_time end as downloads_all_time,
        coalesce(lineage.is_on_hub, false) as is_on_hub,
        -- The most downloaded reporting member first, then by id.
        row_number() over (
            partition by members.family_root_id
            order by
                case when lineage.own_emissions_g is not null then 0 else 1 end asc,
                lineage.downloads desc nulls last,
                members.model_id asc
        ) as reporting_rank
    from members
    left join lineage on members.model_id = lineage.model_id

),

final as (

    select
        family_root_id,
        max(case when is_root and is_on_hub then 1 else 0 end) = 1 as root_on_hub,
        count(case when not is_root then 1 end) as descendants,
        count(case when not is_root and relation = 'finetune' then 1 end) as descendant_finetunes,
        count(case when not is_root and relation = 'adapter' then 1 end) as descendant_adapters,
        count(case when not is_root and relation = 'quantized' then 1 end) as descendant_quantizations,
        count(case when not is_root and relation = 'merge' then 1 end) as descendant_merges,
        count(case when not is_root and relation = 'unknown' then 1 end) as descendant_unknown_relations,
        coalesce(sum(downloads), 0) as family_downloads_30d,
        coalesce(sum(downloads_all_time), 0) as family_downloads_all_time,
        count(own_emissions_g) as reporting_members,
        max(case when is_root then own_emissions_g end) as root_own_emissions_g,
        sum(own_emissions_g) as family_own_emissions_g,
        max(case when reporting_rank = 1 and own_emissions_g is not null then model_id end)
            as top_reporting_member_id,
        max(case when reporting_rank = 1 then own_emissions_g end) as top_reporting_member_own_emissions_g
    from enriched
    group by family_root_id

)

select * from final
