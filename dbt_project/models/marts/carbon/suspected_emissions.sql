-- The one home of the suspicion rules (docs/method.md#suspected-values): one row per emission
-- value of fct_model_emissions and rule that suspects it, with the reason in words. A suspected
-- value stays in the facts and keeps its label (a flag is not a quarantine); every output that
-- shows the value shows the reason. GX's warnings audit the same values independently.
with

measured as (

    select
        model_id,
        co2_eq_emissions_g,
        emissions_source,
        is_autotrain,
        model_size_bytes,
        emission_value_inherited,
        -- The value as the reasons write it: milligrams below 1 g, where grams would round to 0.
        case
            when co2_eq_emissions_g < 1
                then cast(round(co2_eq_emissions_g * 1000, 1) as {{ dbt.type_string() }}) || ' mg'
            else cast(round(co2_eq_emissions_g, 1) as {{ dbt.type_string() }}) || ' g'
        end as co2_eq_emissions_text
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

-- (a) CodeCarbon writes kilograms; a value below the bound is likely kilograms written as grams.
codecarbon_below_bound as (

    select
        model_id,
        'codecarbon_below_1_g' as suspicion,
        'likely kilograms written as grams' as suspicion_caveat,
        'CodeCarbon value of ' || co2_eq_emissions_text
        || ', below 1 g: likely kilograms written as grams' as suspicion_reason
    from measured
    where
        emissions_source = 'CodeCarbon'
        and co2_eq_emissions_g < {{ var('suspicion_codecarbon_below_g') }}

),

-- (b) Grams per byte of model size, the axis the efficiency label rates. AutoTrain's values are
-- its own CodeCarbon measurement, whose low tail is short jobs: neither judged nor peers.
sized as (

    select
        measured.*,
        measured.co2_eq_emissions_g / measured.model_size_bytes as g_per_byte,
        cast(floor(log10(measured.model_size_bytes)) as integer) as size_decade
    from measured
    where measured.model_size_bytes > 0 and not measured.is_autotrain

),

-- Peers: the own (not inherited) values of the same order of magnitude of size. The median, not
-- a low percentile: a family of placeholders is the low tail of its group and pulls a percentile
-- down with it.
peers as (

    select
        size_decade,
        count(*) as peer_count,
        {{ hubcarbon.percentile_linear('g_per_byte', 0.5) }} as median_g_per_byte
    from sized
    where not emission_value_inherited
    group by size_decade

),

far_below_peers as (

    select
        sized.model_id,
        'far_below_peers' as suspicion,
        'far below its peers, per byte of model size' as suspicion_caveat,
        sized.co2_eq_emissions_text || ' for '
        || cast(round(sized.model_size_bytes / decades.size_unit_bytes, 1) as {{ dbt.type_string() }})
        || ' ' || decades.size_unit || ' of weights, '
        || cast(cast(floor(peers.median_g_per_byte / sized.g_per_byte) as bigint) as {{ dbt.type_string() }})
        || ' times below the median grams per byte of its '
        || cast(peers.peer_count as {{ dbt.type_string() }}) || ' peers (not AutoTrain, '
        || decades.size_range || ')' as suspicion_reason
    from sized
    inner join peers on sized.size_decade = peers.size_decade
    -- A left join: a decade missing from the seed leaves the reason null, which its test fails.
    left join {{ ref('model_size_decades') }} as decades on sized.size_decade = decades.size_decade
    where
        peers.peer_count >= {{ var('suspicion_min_peers') }}
        and sized.g_per_byte
        < peers.median_g_per_byte / power(10, {{ var('suspicion_peer_orders_below_median') }})

),

final as (

    select * from codecarbon_below_bound
    union all
    select * from far_below_peers

)

select * from final
