{#- Free-text card values (source, hardware, location ...): markdown emphasis and code ticks
    dropped, blanks become null. -#}
{% macro clean_card_value(expr) -%}
    nullif(trim({{ hubcarbon.regexp_replace_all(expr, "'[*`]+'", "''") }}), '')
{%- endmacro %}


{#- True when a value is a placeholder (seed emission_placeholders: "TBD", "N/A", the template's
    "[More Information Needed]", anything containing "unknown" or "needed" as the study did). -#}
{% macro is_placeholder(expr) -%}
    exists (
        select 1
        from {{ ref('emission_placeholders') }} as placeholders
        where
            (
                placeholders.match_type = 'exact'
                and trim({{ hubcarbon.regexp_replace_all("lower(" ~ expr ~ ")", "'^[\\s\\[\\(]+|[\\s\\]\\)\\.!]+$'", "''") }})
                = placeholders.placeholder
            )
            or (
                placeholders.match_type = 'contains'
                and lower({{ expr }}) like '%' || placeholders.placeholder || '%'
            )
    )
{%- endmacro %}


{#- A card value with placeholders turned into null. -#}
{% macro card_value_or_null(expr) -%}
    case
        when not {{ hubcarbon.is_placeholder(hubcarbon.clean_card_value(expr)) }}
            then {{ hubcarbon.clean_card_value(expr) }}
    end
{%- endmacro %}
