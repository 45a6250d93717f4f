-- The study's performance score for every model that claims emissions: accuracy, F1, ROUGE-1 and
-- ROUGE-L from the card's model-index (first result), else from AutoTrain's card text; "%" and
-- decimal commas removed, values above 1 read as percent; each metric min-max normalised over the
-- claimants, then the harmonic mean of the available normalised metrics (0 when any is 0, as
-- scipy.stats.hmean). Deviation from the study, on purpose: it read only accuracy from model-index
-- (a name-comparison bug) and normalised over all ~170k models, not the claimants.
-- Jinja loops below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02
with

claimants as (

    select
        models.model_id,
        models.model_index_metrics_json
    from {{ ref('int_models_unioned') }} as models
    inner join {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
        on models.model_id = parsed.model_id

),

model_index_entries as (

    select
        claimants.model_id,
        {{ hubcarbon.regexp_replace_all(
            "lower(" ~ hubcarbon.json_get_text('entries.value', '$.type') ~ ")", "'[^a-z0-9]'", "''"
        ) }} as metric_type,
        {{ hubcarbon.json_get_text('entries.value', '$.value') }} as metric_text
    from claimants, {{ hubcarbon.json_each('claimants.model_index_metrics_json') }} as entries
    where {{ hubcarbon.json_type_name('claimants.model_index_metrics_json') }} = 'ARRAY'

),

model_index_metrics as (

    select
        model_id,
        min(metric_text) filter (where metric_type = 'accuracy') as accuracy_text,
        min(metric_text) filter (where metric_type = 'f1') as f1_text,
        min(metric_text) filter (where metric_type = 'rouge1') as rouge1_text,
        min(metric_text) filter (where metric_type = 'rougel') as rouge_l_text
    from model_index_entries
    group by model_id

),

raw_metrics as (

    select
        claimants.model_id,
        {% for metric in ['accuracy', 'f1', 'rouge1', 'rouge_l'] -%}
        coalesce(model_index_metrics.{{ metric }}_text, cards.{{ metric }}_text) as {{ metric }}_text
        {{- ',' if not loop.last }}
        {% endfor %}
    from claimants
    left join model_index_metrics on claimants.model_id = model_index_metrics.model_id
    left join {{ ref('int_model_cards_scanned') }} as cards on claimants.model_id = cards.model_id

),

as_numbers as (

    select
        model_id,
        {% for metric in ['accuracy', 'f1', 'rouge1', 'rouge_l'] -%}
        {{ hubcarbon.try_to_double("replace(replace(trim(" ~ metric ~ "_text), '%', ''), ',', '.')") }}
            as {{ metric }}_number{{ ',' if not loop.last }}
        {% endfor %}
    from raw_metrics

),

fractions as (

    select
        model_id,
        {% for metric in ['accuracy', 'f1', 'rouge1', 'rouge_l'] -%}
        case
            when {{ metric }}_number between 0 and 1 then {{ metric }}_number
            when {{ metric }}_number > 1 and {{ metric }}_number <= 100 then {{ metric }}_number / 100
        end as {{ metric }}{{ ',' if not loop.last }}
        {% endfor %}
    from as_numbers

),

normalised as (

    select
        *,
        {% for metric in ['accuracy', 'f1', 'rouge1', 'rouge_l'] -%}
        ({{ metric }} - min({{ metric }}) over ())
        / nullif(max({{ metric }}) over () - min({{ metric }}) over (), 0) as {{ metric }}_normalised
        {{- ',' if not loop.last }}
        {% endfor %}
    from fractions

),

final as (

    select
        model_id,
        accuracy,
        f1,
        rouge1,
        rouge_l,
        accuracy_normalised,
        f1_normalised,
        rouge1_normalised,
        rouge_l_normalised,
        {%- set metrics = ['accuracy_normalised', 'f1_normalised', 'rouge1_normalised', 'rouge_l_normalised'] %}
        {%- set any_zero, available, reciprocals = [], [], [] %}
        {%- for m in metrics %}
        {%- do any_zero.append(m ~ ' = 0') %}
        {%- do available.append('(case when ' ~ m ~ ' is not null then 1 else 0 end)') %}
        {%- do reciprocals.append('coalesce(1.0 / ' ~ m ~ ', 0)') %}
        {%- endfor %}
        case
            when {{ any_zero | join(' or ') }} then 0.0
            else ({{ available | join(' + ') }}) / nullif({{ reciprocals | join(' + ') }}, 0)
        end as performance_score
    from normalised

)

select * from final
