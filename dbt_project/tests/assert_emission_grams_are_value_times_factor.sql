-- Grams must be the number as written times the unit's factor, for every fact.
select
    model_id,
    emissions_value,
    emissions_unit_factor_g,
    co2_eq_emissions_g
from {{ ref('fct_model_emissions') }}
where abs(co2_eq_emissions_g - emissions_value * emissions_unit_factor_g) > 1e-9 * abs(co2_eq_emissions_g)
