with

source as (

    select *
    from {{ hf_hub_source('model_first_commits', {
        'model_id': 'varchar',
        'first_commit_id': 'varchar',
        'first_commit_at': 'timestamptz',
        'fetched_at': 'timestamptz'
    }) }}

),

renamed as (

    select
        model_id,
        first_commit_id,
        cast(first_commit_at as timestamptz) as first_commit_at,
        cast(fetched_at as timestamptz) as fetched_at

    from source

)

select * from renamed
