-- Each rating of efficiency_labels (consistent variant) sits on the right side of the boundary
-- the mart names for it: a value rated A-D passed its boundary, a value rated E did not pass the
-- d-e boundary, and a rating has a boundary exactly when it exists. Relative slack 1e-9: a value
-- boundary is an index boundary converted back to the metric's units, in floating point.
-- A Jinja loop below: SQLFluff cannot indent a loop body both as source and as rendered SQL.
-- noqa: disable=LT02
{%- for m in var('efficiency_label_metrics') %}
{%- set better = '>' if m.higher_is_better else '<' %}
{%- set worse = '<' if m.higher_is_better else '>' %}
select
    labels.model_id,
    '{{ m.metric }}' as metric
from {{ ref('efficiency_labels') }} as labels
where
    (labels.{{ m.metric }}_rating is null) <> (labels.{{ m.metric }}_rating_boundary_value is null)
    or (
        labels.{{ m.metric }}_rating in ('A', 'B', 'C', 'D')
        and not labels.{{ m.metric }}_value
        {{ better }}= labels.{{ m.metric }}_rating_boundary_value
        * (1 {{ '-' if m.higher_is_better else '+' }} 1e-9)
    )
    or (
        labels.{{ m.metric }}_rating = 'E'
        and not labels.{{ m.metric }}_value
        {{ worse }}= labels.{{ m.metric }}_rating_boundary_value
        * (1 {{ '+' if m.higher_is_better else '-' }} 1e-9)
    )
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
