-- The rating boundaries behind efficiency_labels, per metric and label variant: in index space (what
-- a model's index is compared with) and in the metric's own units (what a user can read), with the
-- time they were in use. This build's boundaries hold from the newest load on; those of earlier
-- loads are what the builds after them recorded in raw (source hubcarbon_builds): the population,
-- its downloads and likes at that time are not kept, so they cannot be computed again.
{%- set columns = [
    'metric', 'label_variant', 'is_higher_better', 'weight', 'percentiles',
    'is_computed_on_sqrt_index', 'reference_model_id', 'reference_value',
    'index_boundary_ab', 'value_boundary_ab', 'index_boundary_bc', 'value_boundary_bc',
    'index_boundary_cd', 'value_boundary_cd', 'index_boundary_de', 'value_boundary_de',
] %}
with

-- The population efficiency_labels rates: each training run once, an inherited value at its
-- source only. Percentiles over any other population would not be the boundaries in use.
measured as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured and not emission_value_inherited

),

computed as (

    {{ efficiency_labels('measured', output='boundaries') }}

),

in_use as (

    {{ label_rows_of_every_build(
        'computed', ref('stg_hubcarbon_builds__efficiency_label_boundaries'), columns
    ) }}

),

final as (

    select
        {{ columns | join(',\n        ') }},
        {{ hubcarbon.dlt_load_id_to_timestamp('load_id') }} as valid_from,
        lead({{ hubcarbon.dlt_load_id_to_timestamp('load_id') }}) over (
            partition by metric, label_variant order by load_id
        ) as valid_to
    from in_use

)

select * from final
