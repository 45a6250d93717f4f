{#- Every column of `relation` (one row per `key`; columns emissions_source_raw, training_type_raw,
    is_autotrain) plus the normalised emissions_source and training_type: the first lookup match by
    priority (seeds emission_sources, training_types); else the source is AutoTrain for an AutoTrain
    model, Other when named but unknown, Not Specified when not named. One macro for the Hub's cards
    (int_model_emission_contexts_normalised) and the study's published rows (models/reproduction),
    so both are bucketed alike. -#}
{% macro normalise_emission_context(relation, key) -%}
    select
        context_input.*,
        case
            when sources.emission_source is not null then sources.emission_source
            when context_input.is_autotrain then 'AutoTrain'
            when context_input.emissions_source_raw is not null then 'Other'
            else 'Not Specified'
        end as emissions_source,
        coalesce(training_types.training_type, 'Not Specified') as training_type
    from {{ relation }} as context_input
    left join (
        {{ hubcarbon.lookup_first_match(
            relation, key, 'emissions_source_raw', 'emission_sources', ['emission_source']) }}
    ) as sources on context_input.{{ key }} = sources.{{ key }}
    left join (
        {{ hubcarbon.lookup_first_match(
            relation, key, 'training_type_raw', 'training_types', ['training_type']) }}
    ) as training_types on context_input.{{ key }} = training_types.{{ key }}
{%- endmacro %}
