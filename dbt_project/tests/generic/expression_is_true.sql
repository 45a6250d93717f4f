{#- Rows for which a boolean expression over the model's columns is false (a null result passes:
    write `coalesce` or `is null` into the expression where null must fail). For invariants tying
    columns together, e.g. quartile order or a ratio's bounds. -#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
