with

source as (

    select *
    from {{ source('hf_hub', 'dataset_sizes') }}

),

renamed as (

    select
        dataset_id,
        sha,
        status as dataset_status,
        cast(dataset_size_bytes as bigint) as dataset_size_bytes,
        cast(used_storage_bytes as bigint) as used_storage_bytes,
        cast(fetched_at as {{ hubcarbon.type_timestamp_utc() }}) as fetched_at

    from source

)

select * from renamed
