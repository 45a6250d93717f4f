-- One row per model ever listed, deleted ones flagged. created_at is the study's creation date
-- (first commit) where known, else the Hub's createdAt unless that is its pre-2022 placeholder.
-- parameters is the one definition of a model's parameter count (docs/method.md#parameters): the
-- safetensors total (the listing's, else a reporter's detail request), else the GGUF total.
with

final as (

    select
        ---------- ids
        models.model_id,
        models.author,
        models.sha,

        ---------- strings
        domains.domain,
        models.pipeline_tag,
        models.library_name,
        models.gated,
        case
            when cards.is_current_sha and cards.card_status = 'ok' then 'scanned'
            when cards.is_current_sha and cards.card_status = 'missing' then 'no_card'
            else 'not_yet_scanned'
        end as card_scan_status,
        case
            when first_commits.first_commit_at is not null then 'first_commit'
            when models.hub_created_at <> {{ hubcarbon.hub_created_at_placeholder() }}
                then 'hub_created_at'
            else 'unknown'
        end as created_at_source,
        case
            when coalesce(models.safetensors_parameters, sizes.parameter_count) is not null then 'safetensors'
            when models.gguf_parameters is not null then 'gguf'
        end as parameters_source,

        ---------- numerics
        models.downloads,
        models.downloads_all_time,
        models.likes,
        coalesce(models.safetensors_parameters, sizes.parameter_count, models.gguf_parameters) as parameters,
        sizes.model_size_bytes,
        sizes.pytorch_model_bin_bytes,
        sizes.weight_files_bytes,
        sizes.dataset_size_bytes,

        ---------- booleans
        models.is_autotrain,
        models.has_co2_tag,
        models.is_private,
        models.is_disabled,
        deletions.deleted_at is not null as is_deleted,

        ---------- timestamps (UTC)
        coalesce(
            first_commits.first_commit_at,
            case
                when models.hub_created_at <> {{ hubcarbon.hub_created_at_placeholder() }}
                    then models.hub_created_at
            end
        ) as created_at,
        models.hub_created_at,
        models.last_modified_at,
        deletions.deleted_at,
        models.loaded_at

    from {{ ref('int_models_unioned') }} as models
    left join {{ ref('int_models_assigned_to_domains') }} as domains on models.model_id = domains.model_id
    left join {{ ref('stg_hf_hub__model_deletions') }} as deletions on models.model_id = deletions.model_id
    left join {{ ref('stg_hf_hub__model_first_commits') }} as first_commits
        on models.model_id = first_commits.model_id
    left join {{ ref('int_model_cards_scanned') }} as cards on models.model_id = cards.model_id
    left join {{ ref('int_model_sizes_measured') }} as sizes on models.model_id = sizes.model_id

)

select * from final
