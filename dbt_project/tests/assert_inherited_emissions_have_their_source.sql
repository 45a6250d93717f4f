-- An inherited value names a measured source with the same grams, and never a source that
-- inherits it back: every training run keeps one counted value.
select
    copies.model_id,
    copies.inherited_from_model_id,
    copies.co2_eq_emissions_g,
    sources.co2_eq_emissions_g as source_co2_eq_emissions_g
from {{ ref('fct_model_emissions') }} as copies
left join {{ ref('fct_model_emissions') }} as sources
    on copies.inherited_from_model_id = sources.model_id
where
    copies.emission_value_inherited
    and (
        sources.model_id is null
        or not sources.is_measured
        or sources.co2_eq_emissions_g <> copies.co2_eq_emissions_g
        or sources.inherited_from_model_id = copies.model_id
    )
