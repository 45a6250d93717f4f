{#- The study's reporting level (docs/method.md#the-reporting-classification), checked from the
    highest level down, so every level is reachable: Certified (reported, optimised and certified
    tags), Optimization (reported, optimised tags), Awareness (reported, hardware known), Basic
    Reporting (reported), Context Reporting (hardware known, nothing reported), Unknown. Reported =
    a usable, measured value. One rule for today's cards (reporting_classification) and every
    observed version (int_model_claims_versioned). -#}
{% macro reporting_level(emissions_status, has_hardware, has_optimization_tag, has_certification_tag) -%}
    case
        when {{ emissions_status }} = 'reported' and {{ has_optimization_tag }} and {{ has_certification_tag }}
            then 'Certified'
        when {{ emissions_status }} = 'reported' and {{ has_optimization_tag }} then 'Optimization'
        when {{ emissions_status }} = 'reported' and {{ has_hardware }} then 'Awareness'
        when {{ emissions_status }} = 'reported' then 'Basic Reporting'
        when {{ has_hardware }} then 'Context Reporting'
        else 'Unknown'
    end
{%- endmacro %}


{#- Whether a tag list carries one of var('optimization_tags'). -#}
{% macro has_optimization_tag(tags) -%}
    coalesce(
        {%- for tag in var('optimization_tags') %}
        {{ hubcarbon.list_contains(tags, "'" ~ tag ~ "'") }}{{ ' or' if not loop.last }}
        {%- endfor %}, false
    )
{%- endmacro %}


{#- Whether a tag list carries one of var('certification_tags'), in any case. -#}
{% macro has_certification_tag(tags) -%}
    coalesce(
        {%- for tag in var('certification_tags') %}
        {{ hubcarbon.list_contains_lowered(tags, "'" ~ tag ~ "'") }}{{ ' or' if not loop.last }}
        {%- endfor %}, false
    )
{%- endmacro %}
