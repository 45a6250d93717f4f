{#-
    The study's carbon-efficiency label (docs/method.md#the-efficiency-label-a-e; ML-EnergyLabel
    app/energy_label.py), over any relation with one row per rated model. Configuration: var('efficiency_label_metrics') (metric,
    input column, direction, percentiles, weight, whether CO2 boundaries are taken on sqrt(index))
    and var('efficiency_label_reference_model').

        {{ efficiency_labels(relation) }}                       -- one row per input row
        {{ efficiency_labels(relation, output='boundaries') }}  -- one row per metric and variant

    For the study's own inputs (HFCO2.csv as seed `hfco2`): macro study_efficiency_labels below.

    Per metric: reference = the reference model's value, else the median (pandas skips nulls);
    index = value/reference (higher is better) or reference/value, with numpy's float semantics
    (x/0 = +inf, 0/0 = null: the study's one zero-CO2 row rates A and shifts the percentiles); boundaries = linear-interpolation
    percentiles of the index (numpy nanpercentile), highest first; rating 0..4 (A..E) = the first
    interval with upper >= index > lower, else 4 (E); null stays null.
    Two variants of the CO2 rating:
      - paper:      boundaries on sqrt(index), compared with the raw index (the study's quirk, which
                    rates most models A on CO2);
      - consistent: sqrt(index) compared with the same sqrt boundaries.
    Compound: null ratings dropped and remaining weights renormalised, weighted mean summed in metric
    order in double precision, rounded half to even (Python's round on a numpy float), 'ABCDE'[mean].
-#}
{% macro efficiency_labels(relation, output='labels', id_column='model_id', columns={},
                           reference_model_id=none) %}

{%- set metrics = var('efficiency_label_metrics') -%}
{%- set reference_id = reference_model_id if reference_model_id is not none
                       else var('efficiency_label_reference_model') -%}

with

label_inputs as (

    select
        {{ id_column }} as rated_id,
        {% for m in metrics -%}
        cast({{ columns.get(m.metric, m.column) }} as double) as {{ m.metric }}_value
        {{- ',' if not loop.last }}
        {% endfor %}
    from {{ relation }}

),

label_reference as (

    select
        {% for m in metrics -%}
        min({{ m.metric }}_value) filter (where rated_id = '{{ reference_id }}') as {{ m.metric }}_reference_model_value,
        {{ hubcarbon.percentile_linear(m.metric ~ '_value', 0.5) }} as {{ m.metric }}_median
        {{- ',' if not loop.last }}
        {% endfor %}
    from label_inputs

),

label_referenced as (

    select
        label_inputs.*,
        {% for m in metrics -%}
        coalesce(label_reference.{{ m.metric }}_reference_model_value, label_reference.{{ m.metric }}_median)
            as {{ m.metric }}_reference{{ ',' if not loop.last }}
        {% endfor %}
    from label_inputs
    cross join label_reference

),

label_indexed as (

    select
        label_inputs.*,
        {% for m in metrics -%}
        {% if m.higher_is_better -%}
        {{ hubcarbon.float_divide('label_inputs.' ~ m.metric ~ '_value', m.metric ~ '_reference') }}
        {%- else -%}
        {{ hubcarbon.float_divide(m.metric ~ '_reference', 'label_inputs.' ~ m.metric ~ '_value') }}
        {%- endif %} as {{ m.metric }}_index
        {{- ',' if not loop.last }}
        {% endfor %}
    from label_referenced as label_inputs

),

label_boundaries as (

    select
        {% for m in metrics -%}
        {%- set space = 'sqrt(' ~ m.metric ~ '_index)' if m.get('boundaries_on_sqrt_index') else m.metric ~ '_index' -%}
        {%- for p in m.percentiles | reverse -%}
        {{ hubcarbon.percentile_linear(space, p / 100) }} as {{ m.metric }}_boundary_{{ loop.index0 }},
        {% endfor -%}
        min({{ m.metric }}_reference) as {{ m.metric }}_reference
        {{- ',' if not loop.last }}
        {% endfor %}
    from label_indexed

),

label_rated as (

    {%- set rating_columns = [] -%}
    {%- for m in metrics -%}
    {%- for variant in ['paper', 'consistent'] -%}
    {%- set compared = 'sqrt(label_indexed.' ~ m.metric ~ '_index)'
        if (variant == 'consistent' and m.get('boundaries_on_sqrt_index'))
        else 'label_indexed.' ~ m.metric ~ '_index' -%}
    {%- set whens = [] -%}
    {%- for i in range(4) -%}
    {%- do whens.append('when ' ~ compared ~ ' > label_boundaries.' ~ m.metric ~ '_boundary_' ~ i ~ ' then ' ~ i) -%}
    {%- endfor -%}
    {%- do rating_columns.append('case when ' ~ compared ~ ' is null then null ' ~ (whens | join(' '))
        ~ ' else 4 end as ' ~ m.metric ~ '_rating_' ~ variant) -%}
    {%- endfor -%}
    {%- endfor %}

    select
        label_indexed.*,
        {{ rating_columns | join(',\n        ') }}
    from label_indexed
    cross join label_boundaries

),

label_weighted as (

    select
        label_rated.*,
        {% for variant in ['paper', 'consistent'] -%}
        ({% for m in metrics %}case when {{ m.metric }}_rating_{{ variant }} is not null then cast({{ m.weight }} as double) else 0 end{{ ' + ' if not loop.last }}{% endfor %})
            as weight_total_{{ variant }}{{ ',' if not loop.last }}
        {% endfor %}
    from label_rated

),

label_compounded as (

    select
        label_weighted.*,
        {% for variant in ['paper', 'consistent'] -%}
        ({% for m in metrics %}coalesce({{ m.metric }}_rating_{{ variant }} * (cast({{ m.weight }} as double) / weight_total_{{ variant }}), 0){{ ' + ' if not loop.last }}{% endfor %})
            as compound_score_{{ variant }}{{ ',' if not loop.last }}
        {% endfor %}
    from label_weighted

),

labelled as (

    select
        label_compounded.*,
        {% for variant in ['paper', 'consistent'] -%}
        case
            when weight_total_{{ variant }} > 0
                then substr('ABCDE', cast({{ hubcarbon.round_half_even('compound_score_' ~ variant) }} as integer) + 1, 1)
        end as label_{{ variant }}{{ ',' if not loop.last }}
        {% endfor %}
    from label_compounded

),

label_boundary_rows as (

    {% for m in metrics -%}
    {%- set outer = loop -%}
    {%- for variant in ['paper', 'consistent'] -%}
    {%- set squared = variant == 'consistent' and m.get('boundaries_on_sqrt_index') -%}
    select
        '{{ m.metric }}' as metric,
        '{{ variant }}' as label_variant,
        {{ 'true' if m.higher_is_better else 'false' }} as is_higher_better,
        cast({{ m.weight }} as double) as weight,
        '{{ m.percentiles | reverse | join(",") }}' as percentiles,
        {{ 'true' if m.get('boundaries_on_sqrt_index') else 'false' }} as is_computed_on_sqrt_index,
        '{{ reference_id }}' as reference_model_id,
        {{ m.metric }}_reference as reference_value,
        {% for i in range(4) -%}
        {%- set b = m.metric ~ '_boundary_' ~ i -%}
        {%- set b_index = '(' ~ b ~ ' * ' ~ b ~ ')' if squared else b -%}
        {{ b_index }} as index_boundary_{{ 'abcd'[i] }}{{ 'bcde'[i] }},
        {% if m.higher_is_better -%}
        {{ b_index }} * {{ m.metric }}_reference
        {%- else -%}
        {{ m.metric }}_reference / nullif({{ b_index }}, 0)
        {%- endif %} as value_boundary_{{ 'abcd'[i] }}{{ 'bcde'[i] }}{{ ',' if not loop.last }}
        {% endfor %}
    from label_boundaries
    {{ 'union all' if not (outer.last and loop.last) }}
    {% endfor -%}
    {% endfor %}

)

{% if output == 'boundaries' -%}
select * from label_boundary_rows
{%- else -%}
select * from labelled
{%- endif %}

{% endmacro %}


{#- The label on the study's own inputs, unchanged (seed hfco2, HFCO2.csv: its column names, its
    author-stripped ids), for models/reproduction: the proof that efficiency_labels is the study's
    algorithm. -#}
{% macro study_efficiency_labels(output='labels') -%}
    {{ hubcarbon.efficiency_labels(
        ref('hfco2'),
        output=output,
        id_column=adapter.quote('modelId'),
        reference_model_id='distilgpt2',
        columns={
            'co2_eq_emissions': 'co2_eq_emissions',
            'size_efficiency': 'size_efficency',
            'dataset_size_efficiency': 'datasets_size_efficency',
        },
    ) }}
{%- endmacro %}
