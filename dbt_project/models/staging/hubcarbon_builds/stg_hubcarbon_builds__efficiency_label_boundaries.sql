with

source as (

    select *
    from {{ source('hubcarbon_builds', 'efficiency_label_boundaries') }}

),

renamed as (

    select
        load_id,
        metric,
        label_variant,
        is_higher_better,
        weight,
        percentiles,
        is_computed_on_sqrt_index,
        reference_model_id,
        reference_value,
        index_boundary_ab,
        value_boundary_ab,
        index_boundary_bc,
        value_boundary_bc,
        index_boundary_cd,
        value_boundary_cd,
        index_boundary_de,
        value_boundary_de

    from source

)

select * from renamed
