-- The study's 1,419 published rows (seed hfco2 = HFCO2.csv), one row each, through the project's
-- own emission parser. Duplicates are kept on purpose: the study computed its label boundaries over
-- all 1,419 rows. The curated rows (seed hfclean) bring back the raw source, training type and
-- hardware text that HFCO2 only ships bucketed.
with

published as (

    select
        hfco2.modelid as model_id,
        hfco2.source as source_published,
        hfco2.training_type as training_type_published,
        cast(hfco2.created_at as date) as created_on,
        cast(null as {{ dbt.type_string() }}) as emissions_unit_hint,
        cast(hfco2.co2_eq_emissions as {{ dbt.type_string() }}) as co2_eq_emissions_raw,
        nullif(hfco2.environment, 'Not Specified') as hardware_published,
        nullif(hfco2.domain, 'Not Specified') as model_domain,
        -- HFCO2 mixes True, False and '1' (HFClean's flag); both True and '1' mean AutoTrain.
        lower(cast(hfco2.auto as {{ dbt.type_string() }})) in ('true', '1') as is_autotrain,
        row_number() over (
            order by
                hfco2.modelid, hfco2.created_at, hfco2.downloads, hfco2.co2_eq_emissions,
                hfco2.datasets_size
        ) as study_row
    from {{ ref('hfco2') }} as hfco2

),

curated as (

    -- HFClean lists biomedical-ner-all twice (two authors, ids stripped); their texts agree.
    select
        modelid as model_id,
        {{ dbt.any_value('source') }} as source_raw,
        {{ dbt.any_value('training_type') }} as training_type_raw,
        {{ dbt.any_value('hardware_used') }} as hardware_raw
    from {{ ref('hfclean') }}
    group by modelid

),

parsed as (

    {{ hubcarbon.parse_emission_values('published', ['study_row']) }}

),

final as (

    select
        published.study_row,
        published.model_id,
        published.is_autotrain,
        curated.model_id is not null as is_curated,
        published.model_domain,
        published.created_on,
        {{ hubcarbon.month_text('published.created_on') }} as created_month,
        parsed.co2_eq_emissions_raw,
        parsed.co2_eq_emissions_g,
        parsed.emissions_parse_status,
        published.source_published,
        published.training_type_published,
        -- Raw text where the study kept it, else its bucket (which our lookups read as well).
        -- Not for the curated rows' source: their bucket is the 'False'-string bug's 'AutoTrain'.
        {{ hubcarbon.card_value_or_null(
            "case when curated.model_id is not null then curated.source_raw"
            " else nullif(published.source_published, 'Not Specified') end"
        ) }} as emissions_source_raw,
        {{ hubcarbon.card_value_or_null(
            "coalesce(curated.training_type_raw,"
            " nullif(published.training_type_published, 'Not Specified'))"
        ) }} as training_type_raw,
        {{ hubcarbon.card_value_or_null("coalesce(curated.hardware_raw, published.hardware_published)") }}
            as hardware_used
    from published
    inner join parsed on published.study_row = parsed.study_row
    left join curated on published.model_id = curated.model_id

)

select * from final
