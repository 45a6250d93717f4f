{#-
    Parse emission values as written on model cards into grams of CO2-eq.

    `relation` must have the columns co2_eq_emissions_raw (text as written) and emissions_unit_hint
    (a unit stated next to the value, e.g. AutoTrain's "(in grams)"; may be null), plus the
    `passthrough_columns` to keep. The result has those, co2_eq_emissions_raw, and

        emissions_value, emissions_unit_raw, emissions_unit, emissions_unit_factor_g,
        co2_eq_emissions_g, emissions_parse_status

    with the statuses of the emission contract (seed emission_parse_statuses, which also says which
    statuses carry a unit, factor and grams). Rules, in order:
      - null or blank                                   -> empty
      - no digit and a placeholder (seed emission_placeholders) or punctuation only -> placeholder
      - no digit otherwise                              -> unparseable
      - a number on each of several lines (a breakdown) -> multiple_values (never added up)
      - "10-20 kg", "10 to 20"                          -> range
      - "12,500": a lone comma before three digits      -> ambiguous_separator
      - a number whose separators make no sense         -> unparseable
      - exactly 0 (any unit)                            -> zero_not_measured
      - below 0                                         -> negative
      - text after the number that is no unit spelling, a rate ("kg/kWh"), or a computed result
        without a unit                                  -> unknown_unit
      - more grams than var('emissions_implausible_above_g') -> implausible_magnitude
      - no unit at all ("12.4", "12.4 CO2eq")           -> unit_assumed_grams (the spec's unit)
      - otherwise                                       -> ok
    Numbers: the first number not glued to a word (so "CO2" is no number), in a computed expression
    ("350W x 12h = 4.2 kWh x 0.43 kg/kWh = 1.81 kg") the first after the last "="; markdown
    emphasis, quotes, links and YAML underscores (24_700_000) are dropped; digit groups decide the
    separators: "1,234.5" and "1.234,5" both read 1234.5, "1,234,567" and "1.234.567" are
    thousands, a comma before other than three digits is a decimal comma ("7,05", "2,1e-3"), a
    dot alone is a decimal point; "1e-3" is understood.
    Units: seed emission_units, matched at the start of the text after the number (after "in" or an
    opening bracket), longest spelling first, glued "CO2..." suffixes allowed ("kgCO2eq", "tCO2").
-#}
{% macro parse_emission_values(relation, passthrough_columns=['model_id']) %}

with

inputs as (

    select * from {{ relation }}

),

cleaned as (

    select
        *,
        -- Emphasis, code ticks, quotes, YAML digit-group underscores and links ("mlco2.github.io",
        -- "arxiv.org/abs/1910.09700") carry no value here.
        trim(replace(
            {{ hubcarbon.regexp_replace_all(
                hubcarbon.regexp_replace_all("coalesce(co2_eq_emissions_raw, '')", "'https?://[^\\s)\\]>]*'", "''"),
                "'[*_`\"'']+'", "''"
            ) }},
            '−', '-'
        )) as text_cleaned
    from inputs

),

results as (

    select
        *,
        -- "350W x 12h = 4.2 kWh x 0.43 kg CO2eq/kWh = 1.81 kg CO2eq": the result after the last "=".
        coalesce({{ hubcarbon.regexp_test(
            hubcarbon.regexp_group('text_cleaned', "'=([^=]*)$'"), "'[0-9]'"
        ) }}, false) as is_expression
    from cleaned

),

expressions as (

    select
        *,
        case
            when is_expression then trim({{ hubcarbon.regexp_group('text_cleaned', "'=([^=]*)$'") }})
            else text_cleaned
        end as emissions_text
    from results

),

tokenised as (

    select
        *,
        {%- set number_pattern = "'(?is)^(|.*?[^a-z0-9.,])(-?)\\s*([0-9][0-9.,]*[0-9]|[0-9]|\\.[0-9]+)(e[-+]?[0-9]+)?(.*)$'" %}
        {{ hubcarbon.regexp_group('emissions_text', number_pattern, 2) }} as number_sign,
        {{ hubcarbon.regexp_group('emissions_text', number_pattern, 3) }} as number_digits,
        {{ hubcarbon.regexp_group('emissions_text', number_pattern, 4) }} as number_exponent,
        trim({{ hubcarbon.regexp_group('emissions_text', number_pattern, 5) }}) as text_after_number,
        trim({{ hubcarbon.regexp_replace_all("lower(emissions_text)", "'^[\\s\\[\\(]+|[\\s\\]\\)\\.!]+$'", "''") }})
            as text_unbracketed,
        -- A number on each of several lines (a breakdown with no total) is not one value.
        {{ hubcarbon.regexp_test('emissions_text', "'(?im)(^|[^a-z0-9])[0-9][^\\n]*\\n(?s:.*?)(^|[^a-z0-9.,])[0-9]'") }}
            as is_multiple_values
    from expressions

),

numbers as (

    select
        *,
        {{ hubcarbon.try_to_double(
            "case
                when number_digits like '%,%' and number_digits like '%.%'
                    then case
                        when " ~ hubcarbon.regexp_test('number_digits', "',[0-9]*$'") ~ "
                            then replace(replace(number_digits, '.', ''), ',', '.')
                        else replace(number_digits, ',', '')
                    end
                when " ~ hubcarbon.regexp_test('number_digits', "'^[1-9][0-9]{0,2},[0-9]{3}$'") ~ "
                    then null
                when " ~ hubcarbon.regexp_test('number_digits', "'^[1-9][0-9]{0,2}(,[0-9]{3})+$'") ~ "
                    then replace(number_digits, ',', '')
                when " ~ hubcarbon.regexp_test('number_digits', "'^[0-9]*,[0-9]+$'") ~ "
                    then replace(number_digits, ',', '.')
                when " ~ hubcarbon.regexp_test('number_digits', "'^[1-9][0-9]{0,2}([.][0-9]{3}){2,}$'") ~ "
                    then replace(number_digits, '.', '')
                when number_digits like '%,%' then null
                else number_digits
            end || coalesce(number_exponent, '')"
        ) }} * (case when number_sign = '-' then -1 else 1 end) as number_read,
        {{ hubcarbon.regexp_test(
            'text_after_number', "'(?i)^[a-z]*\\s*(-|–|—|to|~)\\s*[.]?[0-9]'"
        ) }} as is_range,
        -- "12,500": thousands, or 12.5 written with a decimal comma? Only the writer knows.
        {{ hubcarbon.regexp_test('number_digits', "'^[1-9][0-9]{0,2},[0-9]{3}$'") }} as is_ambiguous_separator,
        -- "0.43 kg CO2eq/kWh" is a rate, not an amount.
        {{ hubcarbon.regexp_test(
            "lower(coalesce(text_after_number, ''))", "'^[^/]*(/|\\sper\\s)\\s*([kmg]?wh?|h|hours?)([^a-z]|$)'"
        ) }} as is_rate,
        -- The unit is read after an opening bracket and a leading "in" ("(in grams of CO2)").
        {{ hubcarbon.regexp_replace_all(
            "lower(coalesce(text_after_number, ''))", "'^[\\s:=]*([\\(\\[]\\s*)?(in\\s+)?'", "''"
        ) }} as unit_text,
        -- A word after the number that must be a unit; "12.7 CO2eq" names no unit (grams, the spec's).
        {{ hubcarbon.regexp_test("lower(coalesce(text_after_number, ''))", "'^[:=\\s]*[a-z]'") }}
        and not {{ hubcarbon.regexp_test(
            "lower(coalesce(text_after_number, ''))", "'^[:=\\s]*(co2|co₂)[\\s-]*(eq|e|equivalents?)?[\\s.]*$'"
        ) }} as is_word_after_number
    from tokenised

),

bounded as (

    select
        *,
        -- "1e400" reads as infinity: no number a card can mean (and grams must stay finite).
        case when abs(number_read) < 1e300 then number_read end as emissions_value
    from numbers

),

unit_matched as (

    select
        numbers.*,
        (
            select {{ hubcarbon.max_by('units.unit_spelling', dbt.length('units.unit_spelling')) }}
            from {{ ref('emission_units') }} as units
            where {{ hubcarbon.regexp_test(
                "numbers.unit_text", "'^' || units.unit_spelling || '($|[^a-z]|co)'"
            ) }}
        ) as unit_spelling_written,
        (
            select {{ hubcarbon.max_by('units.unit_spelling', dbt.length('units.unit_spelling')) }}
            from {{ ref('emission_units') }} as units
            where {{ hubcarbon.regexp_test(
                "lower(numbers.emissions_unit_hint)",
                "'^(in\\s+)?' || units.unit_spelling || '($|[^a-z]|co)'"
            ) }}
        ) as unit_spelling_hinted,
        {{ hubcarbon.is_placeholder('numbers.emissions_text') }} as is_placeholder
    from bounded as numbers

),

resolved as (

    select
        unit_matched.*,
        units.emissions_unit as unit_resolved,
        units.emissions_unit_factor_g as unit_factor_resolved,
        emissions_value * coalesce(units.emissions_unit_factor_g, 1) as grams_resolved
    from unit_matched
    left join {{ ref('emission_units') }} as units
        on units.unit_spelling = coalesce(
            unit_matched.unit_spelling_written,
            case when not unit_matched.is_word_after_number then unit_matched.unit_spelling_hinted end
        )

),

classified as (

    select
        *,
        case
            when co2_eq_emissions_raw is null or emissions_text = '' then 'empty'
            when number_digits is null and (is_placeholder or text_unbracketed = '') then 'placeholder'
            when number_digits is null then 'unparseable'
            when is_multiple_values then 'multiple_values'
            when is_range then 'range'
            when is_ambiguous_separator then 'ambiguous_separator'
            when emissions_value is null then 'unparseable'
            when emissions_value = 0 then 'zero_not_measured'
            when emissions_value < 0 then 'negative'
            when is_word_after_number and unit_spelling_written is null then 'unknown_unit'
            when is_rate or (is_expression and unit_resolved is null) then 'unknown_unit'
            when grams_resolved > {{ var('emissions_implausible_above_g') }} then 'implausible_magnitude'
            when unit_resolved is null then 'unit_assumed_grams'
            else 'ok'
        end as emissions_parse_status
    from resolved

),

final as (

    select
        {% for column in passthrough_columns -%}
        classified.{{ column }},
        {% endfor -%}
        classified.co2_eq_emissions_raw,
        classified.emissions_value,
        nullif(classified.text_after_number, '') as emissions_unit_raw,
        -- Which statuses carry a unit is the seed's (has_unit); a number with no unit written is
        -- in grams, the spec's unit.
        case when statuses.has_unit then coalesce(classified.unit_resolved, 'g') end as emissions_unit,
        case when statuses.has_unit then coalesce(classified.unit_factor_resolved, 1) end
            as emissions_unit_factor_g,
        case when statuses.has_unit then classified.grams_resolved end as co2_eq_emissions_g,
        classified.emissions_parse_status
    from classified
    left join {{ ref('emission_parse_statuses') }} as statuses
        on classified.emissions_parse_status = statuses.emissions_parse_status

)

select * from final

{% endmacro %}
