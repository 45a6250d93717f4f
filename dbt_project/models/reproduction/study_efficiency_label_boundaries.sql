-- The label boundaries on the study's own inputs (seed hfco2); compare with
-- docs/method.md#the-efficiency-label-a-e.
{{ hubcarbon.study_efficiency_labels(output='boundaries') }}
