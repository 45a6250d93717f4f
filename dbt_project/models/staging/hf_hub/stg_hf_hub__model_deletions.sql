with

source as (

    select *
    from {{ hf_hub_source('model_deletions', {
        'id': 'varchar',
        'deleted_at': 'timestamptz'
    }) }}

),

renamed as (

    select
        id as model_id,
        cast(deleted_at as timestamptz) as deleted_at

    from source

)

select * from renamed
