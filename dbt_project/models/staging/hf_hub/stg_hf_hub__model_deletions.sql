with

source as (

    select *
    from {{ source('hf_hub', 'model_deletions') }}

),

renamed as (

    select
        id as model_id,
        cast(deleted_at as {{ hubcarbon.type_timestamp_utc() }}) as deleted_at

    from source

)

select * from renamed
