with

source as (

    select *
    from {{ source('hf_hub', 'model_sizes') }}

),

renamed as (

    select
        model_id,
        sha,
        cast(parameters as bigint) as parameter_count,
        cast(weight_files_bytes as bigint) as weight_files_bytes,
        cast(pytorch_model_bin_bytes as bigint) as pytorch_model_bin_bytes,
        cast(used_storage_bytes as bigint) as used_storage_bytes,
        cast(fetched_at as {{ hubcarbon.type_timestamp_utc() }}) as fetched_at

    from source

)

select * from renamed
