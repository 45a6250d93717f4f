-- The rating boundaries behind efficiency_labels, per metric and label variant: in index space (what
-- a model's index is compared with) and in the metric's own units (what a user can read).
with

measured as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

boundaries as (

    {{ efficiency_labels('measured', output='boundaries') }}

)

select * from boundaries
