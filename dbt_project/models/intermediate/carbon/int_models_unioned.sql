-- One row per model: the incremental `models` listing and the complete `emission_reporters`
-- listing overlap; the fresher row wins (reporters on a tie, as they are relisted every run).
with

reporters as (

    select *, 1 as listing_rank from {{ ref('stg_hf_hub__emission_reporters') }}

),

listed as (

    select *, 2 as listing_rank from {{ ref('stg_hf_hub__models') }}

),

unioned as (

    select * from reporters
    union all
    select * from listed

),

ranked as (

    select
        *,
        row_number() over (
            partition by model_id order by last_modified_at desc nulls last, listing_rank
        ) as freshness_rank
    from unioned

),

final as (

    select
        model_id,
        author,
        sha,
        pipeline_tag,
        library_name,
        gated,
        tags,
        card_data,
        co2_eq_emissions_json,
        card_datasets,
        model_index_metrics_json,
        downloads,
        downloads_all_time,
        likes,
        is_private,
        is_disabled,
        array_contains(tags, 'co2_eq_emissions') as has_co2_tag,
        co2_eq_emissions_json is not null as has_co2_metadata_key,
        -- AutoTrain's predecessor AutoNLP wrote the same cards (the study's `auto`).
        coalesce(array_contains(tags, 'autotrain') or array_contains(tags, 'autonlp'), false)
            as is_autotrain,
        hub_created_at,
        last_modified_at,
        loaded_at
    from ranked
    where freshness_rank = 1

)

select * from final
