-- The efficiency label computed on the study's own inputs (seed hfco2), unchanged: the proof that
-- macro efficiency_labels is the study's algorithm.
{{ hubcarbon.study_efficiency_labels() }}
