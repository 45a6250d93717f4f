{#- Select-list items summarising a group of measured reporters (marts/analysis): the training runs
    (`run_co2_eq_emissions_g`, null for a value inherited from another model's card) counted and
    described once each, then every reporter (`co2_eq_emissions_g`) as the study counted them.
    `share_over`: also each group's share of the reporters over the groups with the same value of
    that column; `with_range`: also the smallest and largest value. -#}
{% macro emission_summary_columns(share_over=none, with_range=false) -%}
        count(run_co2_eq_emissions_g) as reporting_models,
        {%- if share_over %}
        count(run_co2_eq_emissions_g)
        / sum(count(run_co2_eq_emissions_g)) over (partition by {{ share_over }}) as share_of_reporters,
        {%- endif %}
        {{ hubcarbon.percentile_linear('run_co2_eq_emissions_g', 0.5) }} as median_co2_eq_emissions_g,
        {{ hubcarbon.percentile_linear('run_co2_eq_emissions_g', 0.25) }} as q1_co2_eq_emissions_g,
        {{ hubcarbon.percentile_linear('run_co2_eq_emissions_g', 0.75) }} as q3_co2_eq_emissions_g,
        avg(run_co2_eq_emissions_g) as mean_co2_eq_emissions_g,
        {%- if with_range %}
        min(run_co2_eq_emissions_g) as min_co2_eq_emissions_g,
        max(run_co2_eq_emissions_g) as max_co2_eq_emissions_g,
        {%- endif %}
        coalesce(sum(run_co2_eq_emissions_g), 0) as total_co2_eq_emissions_g,
        count(*) as reporting_models_incl_inherited,
        {{ hubcarbon.percentile_linear('co2_eq_emissions_g', 0.5) }}
            as median_co2_eq_emissions_g_incl_inherited,
        sum(co2_eq_emissions_g) as total_co2_eq_emissions_g_incl_inherited
{%- endmacro %}
