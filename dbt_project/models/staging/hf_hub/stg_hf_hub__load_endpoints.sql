with

source as (

    select *
    from {{ source('hf_hub', 'load_endpoints') }}

),

renamed as (

    select
        load_id,
        endpoint,
        endpoint_kind

    from source

)

select * from renamed
