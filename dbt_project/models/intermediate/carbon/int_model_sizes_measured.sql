-- Sizes of the models that claim emissions: weights (the study's pytorch_model.bin, and all weight
-- files), parameters, and the summed size of the datasets their cards name (the study summed
-- dataset_info.dataset_size over the listed datasets and read a total of 0 as unknown).
with

models as (

    select
        model_id,
        sha,
        card_datasets
    from {{ ref('int_models_unioned') }}

),

sizes as (

    select
        sizes.*,
        row_number() over (
            partition by sizes.model_id order by (sizes.sha = models.sha) desc, sizes.fetched_at desc
        ) as size_rank
    from {{ ref('int_model_weight_files_summed') }} as sizes
    inner join models on sizes.model_id = models.model_id

),

named_datasets as (

    select distinct
        model_id,
        trim(dataset_id) as dataset_id
    from (
        select
            model_id,
            {{ hubcarbon.unnest_list('card_datasets') }} as dataset_id
        from models
    ) as exploded
    where trim(dataset_id) <> ''

),

dataset_totals as (

    select
        named_datasets.model_id,
        count(*) as named_dataset_count,
        count(datasets.dataset_size_bytes) as sized_dataset_count,
        nullif(sum(datasets.dataset_size_bytes), 0) as dataset_size_bytes
    from named_datasets
    left join {{ ref('stg_hf_hub__dataset_sizes') }} as datasets
        on named_datasets.dataset_id = datasets.dataset_id
            and datasets.dataset_status = 'ok'
    group by named_datasets.model_id

),

final as (

    select
        parsed.model_id,
        sizes.parameter_count,
        sizes.pytorch_model_bin_bytes,
        sizes.weight_files_bytes,
        -- The study's size where it exists (pytorch_model.bin); all weight files otherwise.
        coalesce(sizes.pytorch_model_bin_bytes, sizes.weight_files_bytes) as model_size_bytes,
        sizes.used_storage_bytes,
        coalesce(dataset_totals.named_dataset_count, 0) as named_dataset_count,
        coalesce(dataset_totals.sized_dataset_count, 0) as sized_dataset_count,
        dataset_totals.dataset_size_bytes
    from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
    left join sizes on parsed.model_id = sizes.model_id and sizes.size_rank = 1
    left join dataset_totals on parsed.model_id = dataset_totals.model_id

)

select * from final
