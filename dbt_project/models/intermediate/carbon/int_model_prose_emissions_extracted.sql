-- What a card's prose says about its emissions, read as a careful human would and parsed into
-- grams (macro parse_emission_values), one row per scanned card that says something:
--   - AutoTrain's line "CO2 Emissions (in grams): 12.99" (in grams, as it says);
--   - a co2_eq_emissions block pasted into the prose as markdown ("### co2_eq_emissions:" then
--     "- emissions: 12.7 g", "- source: ...", "- hardware_used: ..."): its keys read as in the
--     front matter (macro emission_fields_pivoted), its context fields kept here;
--   - the template's "Carbon Emitted:" line; when that line is empty, the "Total" line below it
--     (the total, never the sum of the breakdown under it), else the lines below it that name a
--     CO2 unit or key (several such lines, a breakdown with no total: multiple_values, quarantined).
-- The first of these that is not a placeholder wins, as written in that order. Whether the front
-- matter wins over the prose is decided in int_model_emissions_parsed_to_grams.
with

cards as (

    select
        scanned.model_id,
        scanned.autotrain_co2_text,
        -- The prose: the card without its YAML front matter (the Hub reads that as metadata).
        {{ hubcarbon.regexp_replace_all(
            'texts.card_text', "'^\\s*---[ \\t]*\\n(?s:.*?)\\n---[ \\t]*(\\n|$)'", "''"
        ) }} as card_body
    from {{ ref('int_model_cards_scanned') }} as scanned
    inner join {{ ref('stg_hf_hub__model_cards') }} as texts
        on scanned.model_id = texts.model_id and scanned.card_sha = texts.sha

),

{#- An anchor line: "- **Carbon Emitted:** value", or a line naming co2_eq_emissions as a heading,
    bold or plain line. Its value ends with the line; below it, the lines that are bullets or
    indented. -#}
{%- set template_anchor = "(?i)carbon\\s+emitted[^:\\n]*:+" %}
{%- set pasted_anchor = "(?im)^[ \\t>#*_-]*co2[ \\t_-]*eq[ \\t_-]*emissions[ \\t*_]*:+" %}
{%- set line_value = "[ \\t*_]*([^\\n]*)" %}
{%- set block_below = "[^\\n]*((?:\\n[ \\t]*(?:[-*+>][ \\t]|[ \\t])[^\\n]*)*)" %}
{%- set patterns = {} %}
{%- for anchor, pattern in [('template', template_anchor), ('pasted', pasted_anchor)] %}
{%- do patterns.update({
    anchor: "'" ~ pattern ~ "'",
    anchor ~ '_value': "'" ~ pattern ~ line_value ~ "'",
    anchor ~ '_block': "'" ~ pattern ~ block_below ~ "'",
}) %}
{%- endfor %}

anchors as (

    select
        model_id,
        autotrain_co2_text,
        case
            when {{ hubcarbon.regexp_test('card_body', patterns.template) }}
                then coalesce(trim({{ hubcarbon.regexp_group('card_body', patterns.template_value) }}), '')
        end as carbon_emitted_text,
        {{ hubcarbon.regexp_group('card_body', patterns.template_block) }} as carbon_emitted_block,
        case
            when {{ hubcarbon.regexp_test('card_body', patterns.pasted) }}
                then coalesce(trim({{ hubcarbon.regexp_group('card_body', patterns.pasted_value) }}), '')
        end as pasted_text,
        {{ hubcarbon.regexp_group('card_body', patterns.pasted_block) }} as pasted_block
    from cards

),

blocks as (

    select
        model_id,
        'carbon_emitted' as anchor,
        carbon_emitted_block as block_text
    from anchors
    where carbon_emitted_text = '' and carbon_emitted_block is not null

    union all

    select
        model_id,
        'pasted' as anchor,
        pasted_block as block_text
    from anchors
    where pasted_block is not null

),

lines as (

    select
        model_id,
        anchor,
        {{ hubcarbon.explode_lines('block_text') }}
    from blocks

),

{#- "  - **Total:** 12,5 kg": bullet and emphasis dropped, the key before the first colon. -#}
{%- set key_value = "'(?i)^[\\s>*+-]*[*_`]*([a-z][^:]*?)[*_`\\s]*:+[\\s*_`]*(.*)$'" %}

keyed as (

    select
        model_id,
        anchor,
        line_number,
        lower({{ hubcarbon.regexp_group('line_text', key_value, 1) }}) as metadata_key,
        trim(coalesce(
            {{ hubcarbon.regexp_group('line_text', key_value, 2) }},
            {{ hubcarbon.regexp_replace_all('line_text', "'^[\\s>*+-]+'", "''") }}
        )) as value_text,
        -- The line names CO2 (not in a link), or a mass unit (seed emission_units) after a number.
        {{ hubcarbon.regexp_test(
            hubcarbon.regexp_replace_all('lower(line_text)', "'https?://[^\\s)\\]]*'", "''"),
            "'co2|co₂|carbon|emission'"
        ) }}
        or exists (
            select 1
            from {{ ref('emission_units') }} as units
            where {{ hubcarbon.regexp_test(
                'lower(line_text)', "'[0-9]\\s*' || units.unit_spelling || '($|[^a-z]|co)'"
            ) }}
        ) as names_co2
    from lines
    where trim(line_text) <> ''

),

breakdowns as (

    select
        model_id,
        {{ hubcarbon.min_by('value_text', 'line_number') }} filter (where metadata_key like 'total%' and names_co2)
            as total_text,
        {{ hubcarbon.lines_joined('case when names_co2 then value_text end', 'line_number') }}
            as co2_lines_text
    from keyed
    where anchor = 'carbon_emitted'
    group by model_id

),

pasted_members as (

    select
        model_id,
        metadata_key,
        value_text,
        line_number
    from keyed
    where anchor = 'pasted' and metadata_key is not null

),

pasted_fields as (

    {{ hubcarbon.emission_fields_pivoted('pasted_members', 'model_id', 'line_number') }}

),

candidates as (

    select
        model_id,
        'autotrain_line' as emissions_prose_form,
        1 as candidate_rank,
        autotrain_co2_text as co2_eq_emissions_raw,
        'in grams' as emissions_unit_hint
    from anchors
    where autotrain_co2_text is not null

    union all

    select
        anchors.model_id,
        'pasted_co2_eq_emissions' as emissions_prose_form,
        2 as candidate_rank,
        coalesce(nullif(anchors.pasted_text, ''), pasted_fields.emissions_raw) as co2_eq_emissions_raw,
        cast(null as {{ dbt.type_string() }}) as emissions_unit_hint
    from anchors
    left join pasted_fields on anchors.model_id = pasted_fields.model_id
    where coalesce(nullif(anchors.pasted_text, ''), pasted_fields.emissions_raw) is not null

    union all

    select
        anchors.model_id,
        'carbon_emitted' as emissions_prose_form,
        3 as candidate_rank,
        coalesce(
            nullif(anchors.carbon_emitted_text, ''), breakdowns.total_text, breakdowns.co2_lines_text,
            anchors.carbon_emitted_text
        ) as co2_eq_emissions_raw,
        cast(null as {{ dbt.type_string() }}) as emissions_unit_hint
    from anchors
    left join breakdowns on anchors.model_id = breakdowns.model_id
    where anchors.carbon_emitted_text is not null

),

parsed as (

    {{ parse_emission_values('candidates', ['model_id', 'emissions_prose_form', 'candidate_rank']) }}

),

chosen as (

    {{ hubcarbon.preferred_emission_candidates('parsed') }}

),

final as (

    select
        coalesce(chosen.model_id, pasted_fields.model_id) as model_id,
        chosen.emissions_prose_form,
        chosen.co2_eq_emissions_raw,
        chosen.emissions_value,
        chosen.emissions_unit_raw,
        chosen.emissions_unit,
        chosen.emissions_unit_factor_g,
        chosen.co2_eq_emissions_g,
        chosen.emissions_parse_status,
        pasted_fields.source_raw,
        pasted_fields.training_type_raw,
        pasted_fields.geographical_location_raw,
        pasted_fields.hardware_used_raw,
        pasted_fields.hours_used_raw,
        pasted_fields.cloud_provider_raw
    from chosen
    full outer join pasted_fields on chosen.model_id = pasted_fields.model_id

)

select * from final
