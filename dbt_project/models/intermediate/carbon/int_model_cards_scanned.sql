-- The card body of each model whose README was fetched: the card at the model's current sha when
-- fetched, else the newest fetched one. The lines the study read from card text are extracted here
-- (values as written; placeholders are judged downstream); emission values written in the prose
-- are read by int_model_prose_emissions_extracted.
with

models as (

    select
        model_id,
        sha
    from {{ ref('int_models_unioned') }}

),

cards as (

    select
        cards.*,
        cards.sha = models.sha as is_current_sha,
        row_number() over (
            partition by cards.model_id
            order by (cards.sha = models.sha) desc, cards.fetched_at desc
        ) as card_rank
    from {{ ref('stg_hf_hub__model_cards') }} as cards
    inner join models on cards.model_id = models.model_id

),

latest as (

    select * from cards
    where card_rank = 1

),

{#- "- **Carbon Emitted:** value": skip the rest of the label, the colon and markdown emphasis. -#}
{%- set line_value = "[^:\\n]*:+[\\s*_]*([^\\n]*)'" %}

final as (

    select
        model_id,
        sha as card_sha,
        card_status,
        is_current_sha,
        fetched_at as card_fetched_at,
        -- AutoTrain/AutoNLP: "- CO2 Emissions (in grams): 12.99"
        {%- set autotrain_line = "'(?i)co2\\s+emissions\\s*\\(in\\s+grams\\)\\s*:+[\\s*_]*([^\\n]*)'" %}
        trim({{ hubcarbon.regexp_group('card_text', autotrain_line) }}) as autotrain_co2_text,
        -- The Hub's model card template, "Environmental Impact" section (its "Carbon Emitted" line
        -- is read with the rest of the prose in int_model_prose_emissions_extracted).
        trim({{ hubcarbon.regexp_group('card_text', "'(?i)hardware\\s+type" ~ line_value) }})
            as hardware_type_text,
        trim({{ hubcarbon.regexp_group('card_text', "'(?i)hours\\s+used" ~ line_value) }})
            as hours_used_text,
        trim({{ hubcarbon.regexp_group('card_text', "'(?i)cloud\\s+provider" ~ line_value) }})
            as cloud_provider_text,
        trim({{ hubcarbon.regexp_group('card_text', "'(?i)compute\\s+region" ~ line_value) }})
            as compute_region_text,
        -- AutoTrain's validation metrics (the study read these for AutoTrain models).
        {%- set metric_line = "\\s*:\\s*([0-9][0-9.,]*)'" %}
        {{ hubcarbon.regexp_group('card_text', "'(?im)^\\W*accuracy" ~ metric_line) }} as accuracy_text,
        {{ hubcarbon.regexp_group('card_text', "'(?im)^\\W*(?:macro\\s+)?f1" ~ metric_line) }} as f1_text,
        {{ hubcarbon.regexp_group('card_text', "'(?im)^\\W*rouge-?1" ~ metric_line) }} as rouge1_text,
        {{ hubcarbon.regexp_group('card_text', "'(?im)^\\W*rouge-?l" ~ metric_line) }} as rouge_l_text
    from latest

)

select * from final
