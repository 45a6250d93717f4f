{{ staging_hf_hub_models('emission_reporters') }}
