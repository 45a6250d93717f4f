-- RQ2: what goes with higher emissions (study.md §2.5): Spearman's rho (average ranks for ties) and
-- Pearson's r of log10 values, between reported grams and model size, parameters, dataset size,
-- downloads, likes and performance, each with the number of models it rests on. Measured values
-- only; log-log pairs need both values above 0.
{%- set variables = ['model_size_bytes', 'parameter_count', 'dataset_size_bytes', 'downloads',
                     'likes', 'performance_score'] %}
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02

with

reporters as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

pairs as (

    {% for variable in variables -%}
    select
        '{{ variable }}' as variable,
        co2_eq_emissions_g as emissions_g,
        cast({{ variable }} as double) as other_value
    from reporters
    where {{ variable }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

ranked as (

    select
        variable,
        emissions_g,
        other_value,
        rank() over (partition by variable order by emissions_g)
        + (count(*) over (partition by variable, emissions_g) - 1) / 2.0 as emissions_rank,
        rank() over (partition by variable order by other_value)
        + (count(*) over (partition by variable, other_value) - 1) / 2.0 as other_rank
    from pairs

),

correlated as (

    select
        variable,
        count(*) as spearman_n,
        corr(emissions_rank, other_rank) as spearman_rho,
        count(*) filter (where emissions_g > 0 and other_value > 0) as pearson_log_log_n,
        corr(log10(emissions_g), log10(other_value))
            filter (where emissions_g > 0 and other_value > 0) as pearson_log_log_r
    from ranked
    group by variable

),

final as (

    -- A correlation is undefined when one side is constant: null for BI tools, not NaN.
    select
        variable,
        spearman_n,
        case when not isnan(spearman_rho) then spearman_rho end as spearman_rho,
        pearson_log_log_n,
        case when not isnan(pearson_log_log_r) then pearson_log_log_r end as pearson_log_log_r
    from correlated

)

select * from final
