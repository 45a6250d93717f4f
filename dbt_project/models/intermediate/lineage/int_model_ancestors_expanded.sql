-- One row per (model, ancestor): every model reachable through the parents' parents, at its
-- shortest distance, up to var lineage_depth_cap levels (docs/method.md#lineage). Portable and
-- bounded: one join per level, written out by Jinja (no recursive CTE, which Spark runs only as
-- UNION ALL, enumerating paths), each level deduplicated, so an ancestor reached by two paths is
-- one row per level and a cycle cannot run past the cap. A cycle shows as a model among its own
-- ancestors; `is_cut_at_cap` marks an ancestor at the cap whose own parents were not followed.
{%- set cap = var('lineage_depth_cap') %}
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02
with

edges as (

    select
        model_id,
        parent_model_id
    from {{ ref('int_model_parents_resolved') }}

),

parented as (

    select distinct model_id
    from edges

),

level_1 as (

    select
        model_id,
        parent_model_id as ancestor_model_id
    from edges

),

{% for level in range(2, cap + 1) -%}
level_{{ level }} as (

    select distinct
        level_{{ level - 1 }}.model_id,
        edges.parent_model_id as ancestor_model_id
    from level_{{ level - 1 }}
    inner join edges on level_{{ level - 1 }}.ancestor_model_id = edges.model_id

),

{% endfor -%}
reached as (

    {% for level in range(1, cap + 1) -%}
    select
        model_id,
        ancestor_model_id,
        {{ level }} as depth
    from level_{{ level }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        reached.model_id,
        reached.ancestor_model_id,
        min(reached.depth) as depth,
        max(reached.depth = {{ cap }} and parented.model_id is not null) as is_cut_at_cap
    from reached
    left join parented on reached.ancestor_model_id = parented.model_id
    group by reached.model_id, reached.ancestor_model_id

)

select * from final
