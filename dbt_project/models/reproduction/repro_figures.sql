-- Every figure `make reproduce` compares with the study, one row per (figure, item): the value and
-- the n it rests on. Computed here from the study's published data run through the project's
-- logic (repro_study_models; study_efficiency_labels, macro efficiency_labels on the published
-- label inputs); hubcarbon.reproduce only compares and prints.
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02
with

study as (

    -- Source and training type through the project's lookups and fallbacks, exactly as the Hub's
    -- cards in int_model_emission_contexts_normalised.
    {{ hubcarbon.normalise_emission_context(ref('repro_study_models'), 'study_row') }}

),

measured as (

    -- The contract: only measured statuses count as a reported emission (0 g is "not measured").
    select study.*
    from study
    inner join {{ ref('emission_parse_statuses') }} as statuses
        on study.emissions_parse_status = statuses.emissions_parse_status
    where statuses.is_measured

),

labels as (

    select * from {{ ref('study_efficiency_labels') }}

),

curated as (

    -- Pearson on logs exactly as the study: ln(x + 1e-6), so its one 0 g model stays in (n = 48);
    -- and as the project: measured emissions only, plain logs.
    select
        co2_eq_emissions,
        size,
        datasets_size,
        co2_eq_emissions > 0 as is_measured
    from {{ ref('hfclean') }}
    where co2_eq_emissions is not null

),

figures as (

    select
        'reporters' as figure,
        'models reporting CO2 (distinct ids)' as item,
        count(distinct model_id) as figure_value,
        count(*) as n
    from measured

    union all

    select
        'reporters' as figure,
        'published rows' as item,
        count(*) as figure_value,
        count(*) as n
    from study

    union all

    select
        'autotrain' as figure,
        'AutoTrain models' as item,
        count(*) filter (where is_autotrain) as figure_value,
        count(*) as n
    from measured

    union all

    select
        'autotrain' as figure,
        'AutoTrain share' as item,
        avg(case when is_autotrain then 1.0 else 0.0 end) as figure_value,
        count(*) as n
    from measured

    union all

    select
        'monthly_median_g' as figure,
        created_month as item,
        median(co2_eq_emissions_g) as figure_value,
        count(*) as n
    from measured
    where created_month is not null
    group by all

    union all

    select
        'reporting_level' as figure,
        case when hardware_used is null then 'basic' else 'hardware' end as item,
        count(distinct model_id) as figure_value,
        sum(count(distinct model_id)) over () as n
    from measured
    group by all

    {%- for statistic in ['median', 'max'] %}

    union all

    select
        'emissions_g' as figure,
        '{{ statistic }}' as item,
        {{ statistic }}(co2_eq_emissions_g) as figure_value,
        count(*) as n
    from measured
    {%- endfor %}

    -- Distributions: rows per item, over all rows of the relation.
    {%- for figure, item, relation in [
        ('domain', "coalesce(model_domain, 'Not Specified')", 'study'),
        ('source', 'emissions_source', 'study'),
        ('training_type', 'training_type', 'study'),
        ('label', 'label_paper', 'labels'),
        ('label_consistent', 'label_consistent', 'labels'),
    ] %}

    union all

    select
        '{{ figure }}' as figure,
        {{ item }} as item,
        count(*) as figure_value,
        sum(count(*)) over () as n
    from {{ relation }}
    group by all
    {%- endfor %}

    {%- for item, size in [('model size', 'size'), ('dataset size', 'datasets_size')] %}

    union all

    select
        'correlation' as figure,
        '{{ item }}, study method' as item,
        corr(ln(co2_eq_emissions + 1e-6), ln({{ size }} + 1e-6)) as figure_value,
        count({{ size }}) as n
    from curated
    where {{ size }} is not null

    union all

    select
        'correlation' as figure,
        '{{ item }}' as item,
        corr(ln(co2_eq_emissions), ln({{ size }})) as figure_value,
        count({{ size }}) as n
    from curated
    where is_measured and {{ size }} > 0
    {%- endfor %}

)

select
    figure,
    item,
    cast(figure_value as double) as figure_value,
    cast(n as bigint) as n
from figures
