{#- Every row satisfies `expression` (rows where it is NULL fail too). Like dbt_utils.expression_is_true. -#}
{% test juesuan_expression_is_true(model, expression) %}

select *
from {{ model }}
where not coalesce(({{ expression }}), false)

{% endtest %}
