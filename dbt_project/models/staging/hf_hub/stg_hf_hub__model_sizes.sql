with

source as (

    select *
    from {{ source('hf_hub', 'model_sizes') }}

),

renamed as (

    select
        _dlt_id as model_size_id,
        model_id,
        sha,
        cast(parameters as bigint) as parameter_count,
        cast(used_storage_bytes as bigint) as used_storage_bytes,
        cast(fetched_at as {{ hubcarbon.type_timestamp_utc() }}) as fetched_at

    from source

)

select * from renamed
