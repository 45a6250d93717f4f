-- The label boundaries on the study's own inputs (seed hfco2); compare with study.md §3b.
{{ hubcarbon.study_efficiency_labels(output='boundaries') }}
