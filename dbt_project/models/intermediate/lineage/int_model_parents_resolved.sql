-- One row per (model, parent): the bases a model declares, resolved (docs/method.md#lineage).
-- The Hub's tags win over the card: a model with at least one well-formed base_model tag takes
-- its parents from its tags only, others from the card's base_model. A self-reference is dropped;
-- a merge keeps all its parents. The relation is the card's base_model_relation when the card has
-- one the Hub knows, else the tag's, else unknown.
with

models as (

    select
        model_id,
        tags,
        card_base_models,
        card_base_model_relation
    from {{ ref('int_models_unioned') }}

),

relations as (

    select * from {{ ref('lineage_relations') }}

),

declared as (

    {{ hubcarbon.base_model_declarations('models') }}

),

tagged_models as (

    select distinct model_id
    from declared
    where evidence = 'hub_tag'

),

-- The Hub writes both base_model:<id> and base_model:<relation>:<id> for one parent: one edge.
edges as (

    select
        declared.model_id,
        declared.parent_model_id,
        max(declared.evidence) as evidence,
        max(declared.tag_relation) as tag_relation
    from declared
    left join tagged_models on declared.model_id = tagged_models.model_id
    where
        declared.parent_model_id <> declared.model_id
        and (declared.evidence = 'hub_tag' or tagged_models.model_id is null)
    group by declared.model_id, declared.parent_model_id

),

listed as (

    select models.model_id
    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('stg_hf_hub__model_deletions') }} as deletions
        on models.model_id = deletions.model_id
    where deletions.model_id is null

),

final as (

    select
        edges.model_id,
        edges.parent_model_id,
        coalesce(card_relations.relation, edges.tag_relation, 'unknown') as relation,
        edges.evidence,
        listed.model_id is not null as parent_on_hub
    from edges
    inner join models on edges.model_id = models.model_id
    left join relations as card_relations
        on models.card_base_model_relation = card_relations.relation
            and card_relations.relation <> 'unknown'
    left join listed on edges.parent_model_id = listed.model_id

)

select * from final
