-- RQ2: what goes with higher emissions (docs/method.md, RQ2): Spearman's rho (average ranks for
-- ties) and Pearson's r of log10 values, between reported grams and model size, parameters,
-- dataset size, downloads, likes and performance, each with the number of models it rests on.
-- Measured values only; log-log pairs need both values above 0. Each training run counts once
-- (values inherited from another model's card are left out); the _incl_inherited columns count
-- every model, as the study did.
{%- set variables = ['model_size_bytes', 'parameter_count', 'dataset_size_bytes', 'downloads',
                     'likes', 'performance_score'] %}
{%- set populations = {'training_runs': 'not emission_value_inherited', 'incl_inherited': 'true'} %}
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02

with

reporters as (

    select *
    from {{ ref('fct_model_emissions') }}
    where is_measured

),

pairs as (

    {% for population, condition in populations.items() -%}
    {% set outer_loop = loop -%}
    {% for variable in variables -%}
    select
        '{{ population }}' as population,
        '{{ variable }}' as variable,
        co2_eq_emissions_g as emissions_g,
        cast({{ variable }} as double) as other_value
    from reporters
    where {{ variable }} is not null and {{ condition }}
    {{ 'union all' if not (loop.last and outer_loop.last) }}
    {% endfor -%}
    {% endfor %}

),

ranked as (

    select
        population,
        variable,
        emissions_g,
        other_value,
        rank() over (partition by population, variable order by emissions_g)
        + (count(*) over (partition by population, variable, emissions_g) - 1) / 2.0 as emissions_rank,
        rank() over (partition by population, variable order by other_value)
        + (count(*) over (partition by population, variable, other_value) - 1) / 2.0 as other_rank
    from pairs

),

correlated as (

    select
        population,
        variable,
        count(*) as spearman_n,
        corr(emissions_rank, other_rank) as spearman_rho,
        count(*) filter (where emissions_g > 0 and other_value > 0) as pearson_log_log_n,
        corr(log10(emissions_g), log10(other_value))
            filter (where emissions_g > 0 and other_value > 0) as pearson_log_log_r
    from ranked
    group by population, variable

),

final as (

    -- A correlation is undefined when one side is constant: null for BI tools, not NaN.
    select
        variable,
        {% for population in populations -%}
        {% set suffix = '' if population == 'training_runs' else '_' ~ population -%}
        coalesce(max(case when population = '{{ population }}' then spearman_n end), 0)
            as spearman_n{{ suffix }},
        max(case when population = '{{ population }}' and not isnan(spearman_rho) then spearman_rho end)
            as spearman_rho{{ suffix }},
        coalesce(max(case when population = '{{ population }}' then pearson_log_log_n end), 0)
            as pearson_log_log_n{{ suffix }},
        max(
            case when population = '{{ population }}' and not isnan(pearson_log_log_r) then pearson_log_log_r end
        ) as pearson_log_log_r{{ suffix }}{{ ',' if not loop.last }}
        {% endfor %}
    from correlated
    group by variable

)

select * from final
