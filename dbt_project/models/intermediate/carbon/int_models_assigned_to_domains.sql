-- The study's domain assignment (docs/method.md#rq1-how-creators-report, domains): every tag (and
-- the pipeline tag), lower-cased with spaces as dashes, is mapped through tags_metadata.yaml (seed
-- tag_domains). Rules:
--   no mapped tag                                   -> Not Specified
--   one domain                                      -> that domain
--   feature-extraction among the tags, two domains  -> NLP (feature-extraction maps to Multimodal)
--   Multimodal among the domains                    -> Multimodal
--   otherwise the study picked arbitrarily (most_common over a set); here the domain with the most
--   mapped tags wins, ties broken by var('domain_tie_precedence').
{%- set domains = var('domain_tie_precedence') %}
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02

with

model_tags as (

    select
        model_id,
        {{ hubcarbon.unnest_list(hubcarbon.list_distinct_with('tags', 'pipeline_tag')) }} as tag
    from {{ ref('int_models_unioned') }}

),

-- Normalise and map the few thousand distinct tags once, not the millions of (model, tag) pairs.
tag_map as (

    select
        distinct_tags.tag,
        tag_domains.domain
    from (select distinct tag from model_tags) as distinct_tags
    inner join {{ ref('tag_domains') }} as tag_domains
        on lower(replace(distinct_tags.tag, ' ', '-')) = tag_domains.tag

),

per_model as (

    select
        model_tags.model_id,
        {{ dbt.bool_or("lower(model_tags.tag) = 'feature-extraction'") }} as has_feature_extraction,
        {% for domain in domains -%}
        count(*) filter (where tag_map.domain = '{{ domain }}') as tags_{{ loop.index }}
        {{- ',' if not loop.last }}
        {% endfor %}
    from model_tags
    inner join tag_map on model_tags.tag = tag_map.tag
    group by model_tags.model_id

),

decided as (

    {%- set has_domain, names, counts = [], [], [] %}
    {%- for domain in domains %}
    {%- do has_domain.append('(case when tags_' ~ loop.index ~ ' > 0 then 1 else 0 end)') %}
    {%- do names.append('case when tags_' ~ loop.index ~ " > 0 then '" ~ domain ~ "' end") %}
    {%- do counts.append('tags_' ~ loop.index) %}
    {%- endfor %}

    select
        model_id,
        {{ has_domain | join(' + ') }} as domain_count,
        concat_ws(', ', {{ names | join(', ') }}) as mapped_domains,
        case
            when {{ has_domain | join(' + ') }} = 2 and has_feature_extraction then 'NLP'
            when tags_{{ domains.index('Multimodal') + 1 }} > 0 then 'Multimodal'
            {% for domain in domains -%}
            when tags_{{ loop.index }} = greatest({{ counts | join(', ') }}) then '{{ domain }}'
            {% endfor -%}
        end as domain
    from per_model

),

final as (

    select
        models.model_id,
        coalesce(decided.domain, 'Not Specified') as domain,
        decided.mapped_domains,
        coalesce(decided.domain_count, 0) as mapped_domain_count
    from {{ ref('int_models_unioned') }} as models
    left join decided on models.model_id = decided.model_id

)

select * from final
