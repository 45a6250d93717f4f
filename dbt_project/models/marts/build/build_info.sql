-- What a build read: the newest completed load of the Hub. The one place that rule is written:
-- the labels a build records (hubcarbon.label_history), the history marts, the label cards and
-- the report all read it here. One row, nulls before any load completed; a property of the build's
-- input is one more column.
with

completed as (

    select
        load_id,
        loaded_at
    from {{ ref('stg_hf_hub__loads') }}
    where is_completed

),

-- The newest completed load, and the newest completed main run among them: where it came from (a
-- backfill run records no endpoint of its own).
newest as (

    select
        max(completed.load_id) as load_id,
        max(endpoints.load_id) as origin_load_id
    from completed
    left join {{ ref('stg_hf_hub__load_endpoints') }} as endpoints
        on completed.load_id = endpoints.load_id

),

origin as (

    select
        endpoints.endpoint,
        endpoints.endpoint_kind
    from {{ ref('stg_hf_hub__load_endpoints') }} as endpoints
    inner join newest
        on endpoints.load_id = newest.origin_load_id

),

loaded as (

    select
        newest.load_id,
        max(completed.loaded_at) as loaded_at
    from newest
    left join completed
        on newest.load_id = completed.load_id
    group by newest.load_id

),

final as (

    select
        loaded.load_id,
        loaded.loaded_at,
        origin.endpoint,
        origin.endpoint_kind,
        -- What every output that shows a figure says of where it comes from.
        case
            when origin.endpoint_kind = 'bundled_snapshot'
                then 'demo snapshot (imitated Hub), not today’s Hub'
            when origin.endpoint_kind = 'huggingface_hub'
                then 'Hugging Face Hub, loaded '
                    || substring(cast(loaded.loaded_at as {{ dbt.type_string() }}), 1, 16) || ' UTC'
            when origin.endpoint_kind = 'other_endpoint'
                then origin.endpoint || ' (not the Hugging Face Hub), loaded '
                    || substring(cast(loaded.loaded_at as {{ dbt.type_string() }}), 1, 16) || ' UTC'
            else 'no completed load'
        end as data_origin
    from loaded
    left join origin on true

)

select * from final
