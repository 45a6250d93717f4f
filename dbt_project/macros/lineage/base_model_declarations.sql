{#- Every base a model declares, one row per (model, declared parent, evidence): the Hub's tags
    base_model:<id> and base_model:<relation>:<id> (evidence hub_tag, relation as tagged, null
    when untagged or not one the Hub writes) and the card's base_model, a string or a list
    (evidence card_base_model). Parsing only: a tag naming no id (`base_model:`, or more than one
    colon after the relation) declares nothing; ids are trimmed, empty ones dropped. Read by the
    deduplication of emission values and by the lineage (docs/method.md). -#}
{% macro base_model_declarations(models_relation) -%}
{%- set tag_pattern = "'^base_model:(([a-z_]+):)?([^:]+)$'" -%}
select
    model_id,
    trim({{ hubcarbon.regexp_group('tag', tag_pattern, 3) }}) as parent_model_id,
    'hub_tag' as evidence,
    case
        when {{ hubcarbon.regexp_group('tag', tag_pattern, 2) }} in ('adapter', 'finetune', 'merge', 'quantized')
            then {{ hubcarbon.regexp_group('tag', tag_pattern, 2) }}
    end as tag_relation
from (
    select
        model_id,
        {{ hubcarbon.unnest_list('tags') }} as tag
    from {{ models_relation }}
) as tagged
where substr(tag, 1, 11) = 'base_model:'
    and trim({{ hubcarbon.regexp_group('tag', tag_pattern, 3) }}) <> ''
union all
select
    model_id,
    trim(card_base_model) as parent_model_id,
    'card_base_model' as evidence,
    cast(null as {{ dbt.type_string() }}) as tag_relation
from (
    select
        model_id,
        {{ hubcarbon.unnest_list('card_base_models') }} as card_base_model
    from {{ models_relation }}
    where card_base_models is not null
) as carded
where trim(card_base_model) <> ''
{%- endmacro %}
