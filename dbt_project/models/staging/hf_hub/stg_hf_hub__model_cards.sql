with

source as (

    select *
    from {{ hf_hub_source('model_cards', {
        'model_id': 'varchar',
        'sha': 'varchar',
        'status': 'varchar',
        'card_text': 'varchar',
        'fetched_at': 'timestamptz'
    }) }}

),

renamed as (

    select
        model_id,
        sha,
        status as card_status,
        card_text,
        cast(fetched_at as timestamptz) as fetched_at

    from source

)

select * from renamed
