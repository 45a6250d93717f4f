with

source as (

    select *
    from {{ source('hubcarbon_builds', 'efficiency_labels') }}

),

renamed as (

    select
        load_id,
        model_id,
        efficiency_label,
        efficiency_label_paper

    from source

)

select * from renamed
