with

source as (

    select *
    from {{ source('hf_hub', '_dlt_loads') }}

),

renamed as (

    select
        load_id,
        schema_name,
        cast(status as integer) = 0 as is_completed,
        {{ hubcarbon.dlt_load_id_to_timestamp('load_id') }} as loaded_at

    from source

)

select * from renamed
