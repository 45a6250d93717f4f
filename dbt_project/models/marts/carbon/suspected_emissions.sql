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
        training_type,
        parameter_count,
        emission_value_inherited,
        {{ hubcarbon.float_divide('co2_eq_emissions_g', 'parameter_count') }} as g_per_parameter,
        floor(log10(parameter_count)) as parameter_decade
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

-- (a) CodeCarbon writes kilograms; a value below the bound is likely kilograms written as grams.
codecarbon_below_bound as (

    select
        model_id,
        'codecarbon_below_1_g' as suspicion,
        'likely kilograms written as grams' as suspicion_caveat,
        'CodeCarbon value of '
        || cast(round(co2_eq_emissions_g * 1000, 1) as {{ dbt.type_string() }})
        || ' mg, below 1 g: likely kilograms written as grams' as suspicion_reason
    from measured
    where
        emissions_source = 'CodeCarbon'
        and co2_eq_emissions_g < {{ var('suspicion_codecarbon_below_g') }}

),

-- (b) Peers: the own (not inherited) values of the same training type and parameter decade.
peers as (

    select
        training_type,
        parameter_decade,
        count(*) as peer_count,
        {{ hubcarbon.percentile_linear('g_per_parameter', var('suspicion_peer_percentile')) }}
            as peer_percentile_g_per_parameter
    from measured
    where parameter_count > 0 and not emission_value_inherited
    group by training_type, parameter_decade

),

far_below_peers as (

    select
        measured.model_id,
        'far_below_peers' as suspicion,
        'far below its peers, per parameter' as suspicion_caveat,
        cast(round(measured.co2_eq_emissions_g, 3) as {{ dbt.type_string() }}) || ' g for '
        || cast(round(measured.parameter_count / 1e9, 2) as {{ dbt.type_string() }})
        || ' B parameters, below the 1st percentile of the grams per parameter of its '
        || cast(peers.peer_count as {{ dbt.type_string() }}) || ' peers ('
        || measured.training_type || ', the same order of magnitude of parameters)'
            as suspicion_reason
    from measured
    inner join peers
        on
            measured.training_type = peers.training_type
            and measured.parameter_decade = peers.parameter_decade
    where
        measured.parameter_count > 0
        and peers.peer_count >= {{ var('suspicion_min_peers') }}
        and measured.g_per_parameter < peers.peer_percentile_g_per_parameter

),

final as (

    select * from codecarbon_below_bound
    union all
    select * from far_below_peers

)

select * from final
