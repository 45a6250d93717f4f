with

source as (

    select *
    from {{ source('hf_hub', 'model_first_commits') }}

),

renamed as (

    select
        model_id,
        first_commit_id,
        cast(first_commit_at as {{ hubcarbon.type_timestamp_utc() }}) as first_commit_at,
        cast(fetched_at as {{ hubcarbon.type_timestamp_utc() }}) as fetched_at

    from source

)

select * from renamed
