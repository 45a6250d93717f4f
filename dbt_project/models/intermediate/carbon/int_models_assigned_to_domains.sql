-- The study's domain assignment (study.md §1.3 step 7): every tag (and the pipeline tag), lower-cased
-- with spaces as dashes, is mapped through tags_metadata.yaml (seed tag_domains). Rules:
--   no mapped tag                                   -> Not Specified
--   one domain                                      -> that domain
--   feature-extraction among the tags, two domains  -> NLP (feature-extraction maps to Multimodal)
--   Multimodal among the domains                    -> Multimodal
--   otherwise the study picked arbitrarily (most_common over a set); here the domain with the most
--   mapped tags wins, ties broken by var('domain_tie_precedence').
with

model_tags as (

    select distinct
        model_id,
        lower(replace(tag, ' ', '-')) as tag
    from (
        select model_id, unnest(list_append(coalesce(tags, []), pipeline_tag)) as tag
        from {{ ref('int_models_unioned') }}
    ) as exploded
    where tag is not null

),

mapped as (

    select
        model_tags.model_id,
        model_tags.tag,
        tag_domains.domain
    from model_tags
    inner join {{ ref('tag_domains') }} as tag_domains
        on model_tags.tag = tag_domains.tag

),

per_domain as (

    select
        model_id,
        domain,
        count(*) as mapped_tag_count,
        {% for domain in var('domain_tie_precedence') -%}
        {% if loop.first %}case {% endif %}when domain = '{{ domain }}' then {{ loop.length - loop.index }}
        {% if loop.last %}else -1 end{% endif %}
        {%- endfor %} as precedence_score
    from mapped
    group by model_id, domain

),

per_model as (

    select
        per_domain.model_id,
        count(*) as domain_count,
        bool_or(per_domain.domain = 'Multimodal') as has_multimodal,
        max_by(per_domain.domain, per_domain.mapped_tag_count * 100 + per_domain.precedence_score)
            as majority_domain,
        string_agg(per_domain.domain, ', ' order by per_domain.domain) as mapped_domains
    from per_domain
    group by per_domain.model_id

),

feature_extraction as (

    select distinct model_id
    from mapped
    where tag = 'feature-extraction'

),

final as (

    select
        models.model_id,
        case
            when per_model.model_id is null then 'Not Specified'
            when per_model.domain_count = 1 then per_model.majority_domain
            when per_model.domain_count = 2 and feature_extraction.model_id is not null then 'NLP'
            when per_model.has_multimodal then 'Multimodal'
            else per_model.majority_domain
        end as domain,
        per_model.mapped_domains,
        coalesce(per_model.domain_count, 0) as mapped_domain_count
    from {{ ref('int_models_unioned') }} as models
    left join per_model on models.model_id = per_model.model_id
    left join feature_extraction on models.model_id = feature_extraction.model_id

)

select * from final
