with

source as (

    select *
    from {{ source('hf_hub', 'model_sizes__siblings') }}

),

renamed as (

    select
        _dlt_parent_id as model_size_id,
        rfilename as file_path,
        cast(size as bigint) as size_bytes,
        cast(lfs_size as bigint) as lfs_size_bytes

    from source

)

select * from renamed
