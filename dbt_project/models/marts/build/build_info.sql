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

newest as (

    select max(load_id) as load_id
    from completed

),

final as (

    select
        newest.load_id,
        max(completed.loaded_at) as loaded_at
    from newest
    left join completed
        on newest.load_id = completed.load_id
    group by newest.load_id

)

select * from final
