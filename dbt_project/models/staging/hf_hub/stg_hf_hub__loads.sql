with

source as (

    select *
    from {{ source('hf_hub', '_dlt_loads') }}

),

renamed as (

    select
        load_id,
        schema_name,
        status = 0 as is_completed,
        cast(inserted_at as {{ hubcarbon.type_timestamp_utc() }}) as loaded_at

    from source

)

select * from renamed
