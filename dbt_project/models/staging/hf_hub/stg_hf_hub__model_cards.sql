with

source as (

    select *
    from {{ source('hf_hub', 'model_cards') }}

),

renamed as (

    select
        model_id,
        sha,
        status as card_status,
        card_text,
        cast(fetched_at as {{ hubcarbon.type_timestamp_utc() }}) as fetched_at

    from source

)

select * from renamed
