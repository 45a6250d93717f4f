-- RQ1/RQ2: how reported emissions are distributed by what the cards say (docs/method.md, RQ1 and
-- RQ2): emission source, training type, location (country), hardware (accelerator family and
-- model), domain, unit as written and origin. Measured values only, each training run counted once
-- (values inherited from another model's card are left out); the _incl_inherited columns count
-- every model, as the study did.
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

    select
        *,
        case when not emission_value_inherited then co2_eq_emissions_g end as run_co2_eq_emissions_g
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

categorised as (

    {% for dimension, expression in dimensions.items() -%}
    select
        '{{ dimension }}' as dimension,
        {{ expression }} as category,
        co2_eq_emissions_g,
        run_co2_eq_emissions_g
    from reporters
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        dimension,
        category,
        {{ hubcarbon.emission_summary_columns(share_over='dimension', with_range=true) }}
    from categorised
    group by dimension, category

)

select * from final
