-- The co2_eq_emissions fields of each current card (macro emission_fields_extracted): the five
-- fields of the spec plus hours_used and cloud_provider, whatever shape the card wrote them in.
{{ hubcarbon.emission_fields_extracted(ref('int_models_unioned')) }}
