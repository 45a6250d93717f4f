-- Weight sizes of each measured revision, from the files the Hub lists at that sha: the weight
-- files are those the seed weight_file_patterns names (by the lower-cased last part of the path),
-- and the study's size is pytorch_model.bin at the repo root. An LFS file's size is its object's.
with

files as (

    select
        model_size_id,
        file_path,
        coalesce(lfs_size_bytes, size_bytes) as file_size_bytes,
        lower({{ dbt.split_part('file_path', "'/'", -1) }}) as file_name
    from {{ ref('stg_hf_hub__model_files') }}

),

weight_files as (

    select
        files.model_size_id,
        files.file_size_bytes
    from files
    where
        exists (
            select 1 from {{ ref('weight_file_patterns') }} as suffixes
            where
                suffixes.pattern_type = 'suffix'
                and {{ dbt.right('files.file_name', dbt.length('suffixes.pattern')) }} = suffixes.pattern
        )
        and not exists (
            select 1 from {{ ref('weight_file_patterns') }} as prefixes
            where
                prefixes.pattern_type = 'excluded_prefix'
                and substring(files.file_name, 1, {{ dbt.length('prefixes.pattern') }}) = prefixes.pattern
        )

),

weight_totals as (

    select
        model_size_id,
        count(*) as weight_file_count,
        count(file_size_bytes) as sized_weight_file_count,
        sum(file_size_bytes) as weight_files_bytes
    from weight_files
    group by model_size_id

),

final as (

    select
        sizes.model_id,
        sizes.sha,
        sizes.fetched_at,
        sizes.parameter_count,
        pytorch_bins.file_size_bytes as pytorch_model_bin_bytes,
        -- 0 for a repo without weight files; unknown (not a partial sum) when a size is missing.
        case
            when weight_totals.weight_file_count > weight_totals.sized_weight_file_count then null
            else coalesce(weight_totals.weight_files_bytes, 0)
        end as weight_files_bytes,
        sizes.used_storage_bytes
    from {{ ref('stg_hf_hub__model_sizes') }} as sizes
    left join weight_totals on sizes.model_size_id = weight_totals.model_size_id
    left join files as pytorch_bins
        on
            sizes.model_size_id = pytorch_bins.model_size_id
            and pytorch_bins.file_path = 'pytorch_model.bin'

)

select * from final
