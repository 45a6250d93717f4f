-- One row per model: the incremental `models` listing and the complete `emission_reporters`
-- listing overlap; the fresher row wins (reporters on a tie, as they are relisted every run).
-- The card metadata itself stays in staging: only the parts the marts need are carried.
with

reporters as (

    select * from {{ ref('stg_hf_hub__emission_reporters') }}

),

listed as (

    select * from {{ ref('stg_hf_hub__models') }}

),

-- Hash joins instead of a window over the whole population: reporters are few.
reporter_wins as (

    select reporters.model_id
    from reporters
    left join listed on reporters.model_id = listed.model_id
    where
        listed.model_id is null
        or listed.last_modified_at is null
        or reporters.last_modified_at >= listed.last_modified_at

),

unioned as (

    select reporters.*
    from reporters
    inner join reporter_wins on reporters.model_id = reporter_wins.model_id

    union all

    select listed.*
    from listed
    left join reporter_wins on listed.model_id = reporter_wins.model_id
    where reporter_wins.model_id is null

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
        co2_eq_emissions_json,
        card_datasets,
        card_base_models,
        card_base_model_relation,
        model_index_metrics_json,
        downloads,
        downloads_all_time,
        likes,
        safetensors_parameters,
        gguf_parameters,
        is_private,
        is_disabled,
        {{ hubcarbon.list_contains('tags', "'co2_eq_emissions'") }} as has_co2_tag,
        co2_eq_emissions_json is not null as has_co2_metadata_key,
        -- AutoTrain's predecessor AutoNLP wrote the same cards (the study's `auto`).
        coalesce(
            {{ hubcarbon.list_contains('tags', "'autotrain'") }}
            or {{ hubcarbon.list_contains('tags', "'autonlp'") }},
            false
        ) as is_autotrain,
        hub_created_at,
        last_modified_at,
        loaded_at
    from unioned

)

select * from final
