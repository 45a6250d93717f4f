{{ staging_hf_hub_models('models') }}
