-- The efficiency label computed on the study's own inputs (seed hfco2), unchanged: the proof that
-- macro efficiency_labels is the study's algorithm. Built only with --vars '{load_study_seeds: true}'.
{{ config(enabled=var('load_study_seeds', false)) }}

{{ efficiency_labels(
    ref('hfco2'),
    id_column='"modelId"',
    reference_model_id='distilgpt2',
    columns={
        'co2_eq_emissions': 'co2_eq_emissions',
        'size_efficiency': 'size_efficency',
        'dataset_size_efficiency': 'datasets_size_efficency',
    },
) }}
