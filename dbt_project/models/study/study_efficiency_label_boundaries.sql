-- The label boundaries on the study's own inputs (seed hfco2); compare with study.md §3b.
{{ config(enabled=var('load_study_seeds', false)) }}

{{ efficiency_labels(
    ref('hfco2'),
    output='boundaries',
    id_column='"modelId"',
    reference_model_id='distilgpt2',
    columns={
        'co2_eq_emissions': 'co2_eq_emissions',
        'size_efficiency': 'size_efficency',
        'dataset_size_efficiency': 'datasets_size_efficency',
    },
) }}
