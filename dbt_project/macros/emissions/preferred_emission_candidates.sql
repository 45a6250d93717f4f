{#- For each `key` of `relation` (parsed emission candidates with a candidate_rank, lower first):
    the candidate kept, the first in rank order that says something (not a status seed
    emission_parse_statuses files as not reported: placeholder, empty), else the first. The same
    rule picks among the prose's places and between the front matter and the prose. -#}
{% macro preferred_emission_candidates(relation, key='model_id') -%}
    select *
    from (
        select
            candidates.*,
            row_number() over (
                partition by candidates.{{ key }}
                order by statuses.emissions_status like 'not_reported%', candidates.candidate_rank
            ) as preference
        from {{ relation }} as candidates
        inner join {{ ref('emission_parse_statuses') }} as statuses
            on candidates.emissions_parse_status = statuses.emissions_parse_status
    ) as ranked
    where preference = 1
{%- endmacro %}
