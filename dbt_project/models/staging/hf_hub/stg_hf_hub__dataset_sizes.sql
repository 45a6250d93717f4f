with

source as (

    select *
    from {{ hf_hub_source('dataset_sizes', {
        'dataset_id': 'varchar',
        'sha': 'varchar',
        'status': 'varchar',
        'dataset_size_bytes': 'bigint',
        'used_storage_bytes': 'bigint',
        'fetched_at': 'timestamptz'
    }) }}

),

renamed as (

    select
        dataset_id,
        sha,
        status as dataset_status,
        cast(dataset_size_bytes as bigint) as dataset_size_bytes,
        cast(used_storage_bytes as bigint) as used_storage_bytes,
        cast(fetched_at as timestamptz) as fetched_at

    from source

)

select * from renamed
