-- The history's current version of a claim is today's claim: every fact read from the card
-- metadata has a current, undeleted version in emission_claim_history with the same grams.
select
    facts.model_id,
    facts.co2_eq_emissions_g,
    history.co2_eq_emissions_g as history_grams
from {{ ref('fct_model_emissions') }} as facts
left join {{ ref('emission_claim_history') }} as history
    on facts.model_id = history.model_id and history.valid_to is null
where
    facts.emissions_origin = 'card_metadata'
    and not facts.is_deleted
    and (
        history.model_id is null
        or history.is_deleted
        or history.co2_eq_emissions_g is distinct from facts.co2_eq_emissions_g
    )
