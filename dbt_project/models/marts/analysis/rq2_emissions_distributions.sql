-- RQ1/RQ2: how reported emissions are distributed by what the cards say (study.md §2.3-2.4):
-- emission source, training type, location (country), hardware (accelerator family and model),
-- domain, unit as written and origin. Measured values only.
{%- set dimensions = {
    'emissions_source': 'emissions_source',
    'training_type': 'training_type',
    'location_country': "coalesce(location_country, 'Not Specified')",
    'accelerator_family': "coalesce(accelerator_family, 'Not Specified')",
    'accelerator_model': "coalesce(accelerator_model, 'Not Specified')",
    'domain': 'domain',
    'emissions_unit': 'emissions_unit',
    'emissions_origin': 'emissions_origin',
} %}
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02

with

reporters as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

categorised as (

    {% for dimension, expression in dimensions.items() -%}
    select
        '{{ dimension }}' as dimension,
        {{ expression }} as category,
        co2_eq_emissions_g
    from reporters
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        dimension,
        category,
        count(*) as reporting_models,
        count(*) / sum(count(*)) over (partition by dimension) as share_of_reporters,
        {{ hubcarbon.percentile_linear('co2_eq_emissions_g', 0.5) }} as median_co2_eq_emissions_g,
        {{ hubcarbon.percentile_linear('co2_eq_emissions_g', 0.25) }} as q1_co2_eq_emissions_g,
        {{ hubcarbon.percentile_linear('co2_eq_emissions_g', 0.75) }} as q3_co2_eq_emissions_g,
        avg(co2_eq_emissions_g) as mean_co2_eq_emissions_g,
        min(co2_eq_emissions_g) as min_co2_eq_emissions_g,
        max(co2_eq_emissions_g) as max_co2_eq_emissions_g,
        sum(co2_eq_emissions_g) as total_co2_eq_emissions_g
    from categorised
    group by dimension, category

)

select * from final
