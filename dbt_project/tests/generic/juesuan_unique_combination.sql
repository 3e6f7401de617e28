{#- The combination of `columns` is unique (NULLs compare equal, as in GROUP BY): the grain of a model.
    Written here because dbt_utils cannot be installed (no dbt deps). -#}
{% test juesuan_unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n_records
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
