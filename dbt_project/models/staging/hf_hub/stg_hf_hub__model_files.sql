with

source as (

    select *
    from {{ source('hf_hub', 'model_sizes') }}

),

files as (

    select
        source._dlt_id as model_size_id,
        siblings.value as sibling
    from source, {{ hubcarbon.json_each('source.siblings') }} as siblings

),

renamed as (

    select
        model_size_id,
        {{ hubcarbon.json_get_text('sibling', '$.rfilename') }} as file_path,
        cast({{ hubcarbon.json_get_text('sibling', '$.size') }} as bigint) as size_bytes,
        cast({{ hubcarbon.json_get_text('sibling', '$.lfs_size') }} as bigint) as lfs_size_bytes

    from files

)

select * from renamed
