with

source as (

    select *
    from {{ source('hf_hub', 'model_deletions') }}

),

renamed as (

    select
        id as model_id,
        cast(deleted_at as timestamptz) as deleted_at

    from source

)

select * from renamed
