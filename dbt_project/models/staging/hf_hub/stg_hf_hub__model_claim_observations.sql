with

source as (

    select *
    from {{ source('hf_hub', 'model_claim_observations') }}

),

renamed as (

    select
        model_id,
        sha,
        {{ hubcarbon.json_string_list('tags') }} as tags,
        co2_eq_emissions as co2_eq_emissions_json,
        cast(is_deleted as boolean) as is_deleted,
        claim_hash,
        _dlt_load_id as load_id,
        {{ hubcarbon.dlt_load_id_to_timestamp('_dlt_load_id') }} as observed_at

    from source

)

select * from renamed
