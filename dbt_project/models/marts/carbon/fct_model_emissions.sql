-- One row per model reporting a usable emission value (the fact statuses of seed
-- emission_parse_statuses; a value that is not measured, 0 g, is kept but excluded from labels,
-- medians and shares), with what the card says around it, whether the value is another model's
-- (int_model_emissions_deduplicated), and the sizes the study related it to.
with

parsed as (

    select
        parsed.*,
        statuses.is_measured
    from {{ ref('int_model_emissions_parsed_to_grams') }} as parsed
    inner join {{ ref('emission_parse_statuses') }} as statuses
        on parsed.emissions_parse_status = statuses.emissions_parse_status
    where statuses.is_fact

),

final as (

    select
        ---------- ids
        parsed.model_id,

        ---------- emissions as written and in grams
        parsed.co2_eq_emissions_g,
        parsed.co2_eq_emissions_raw,
        parsed.emissions_value,
        parsed.emissions_unit_raw,
        parsed.emissions_unit,
        parsed.emissions_unit_factor_g,
        parsed.emissions_origin,
        parsed.emissions_parse_status,
        parsed.is_measured,

        ---------- one training run, counted once
        coalesce(deduplicated.emission_value_inherited, false) as emission_value_inherited,
        deduplicated.inherited_from_model_id,
        deduplicated.inheritance_evidence,
        evidences.meaning as inheritance_evidence_meaning,

        ---------- context
        coalesce(contexts.emissions_source, 'Not Specified') as emissions_source,
        contexts.emissions_source_raw,
        coalesce(contexts.training_type, 'Not Specified') as training_type,
        contexts.training_type_raw,
        contexts.hardware_used,
        contexts.hardware_used_origin,
        contexts.accelerator_family,
        contexts.accelerator_vendor,
        contexts.accelerator_model,
        contexts.accelerator_count,
        coalesce(contexts.geographical_location, 'Not Specified') as geographical_location,
        contexts.geographical_location_raw,
        contexts.location_country,
        contexts.location_continent,
        contexts.cloud_provider,
        contexts.cloud_region,
        contexts.hours_used,

        ---------- model
        models.domain,
        models.library_name,
        models.is_autotrain,
        models.created_at,
        models.created_at_source,
        models.downloads,
        models.likes,
        models.is_deleted,

        ---------- sizes and performance
        sizes.model_size_bytes,
        sizes.pytorch_model_bin_bytes,
        sizes.weight_files_bytes,
        models.parameters as parameter_count,
        sizes.dataset_size_bytes,
        performance.accuracy,
        performance.f1,
        performance.rouge1,
        performance.rouge_l,
        performance.performance_score,

        ---------- efficiency ratios (the study's size_efficency and datasets_size_efficency)
        sizes.model_size_bytes / nullif(parsed.co2_eq_emissions_g, 0) as size_efficiency_bytes_per_g,
        sizes.dataset_size_bytes / nullif(parsed.co2_eq_emissions_g, 0)
            as dataset_size_efficiency_bytes_per_g,
        models.parameters / nullif(parsed.co2_eq_emissions_g, 0)
            as parameter_efficiency_per_g

    from parsed
    inner join {{ ref('dim_models') }} as models on parsed.model_id = models.model_id
    left join {{ ref('int_model_emission_contexts_normalised') }} as contexts
        on parsed.model_id = contexts.model_id
    left join {{ ref('int_model_sizes_measured') }} as sizes on parsed.model_id = sizes.model_id
    left join {{ ref('int_model_performance_scored') }} as performance
        on parsed.model_id = performance.model_id
    left join {{ ref('int_model_emissions_deduplicated') }} as deduplicated
        on parsed.model_id = deduplicated.model_id
    left join {{ ref('inheritance_evidences') }} as evidences
        on deduplicated.inheritance_evidence = evidences.inheritance_evidence

)

select * from final
