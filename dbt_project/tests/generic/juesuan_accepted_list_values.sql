{#- Every element of a `separator`-separated list in the column (raw.report_tables.flavor holds
    "lattice/vector,text" when a table's parts were read differently) is one of `values`. -#}
{% test juesuan_accepted_list_values(model, column_name, values, separator=',') %}

select {{ column_name }}, element
from {{ model }}
cross join unnest(string_split({{ column_name }}, '{{ separator }}')) as elements(element)
where {{ column_name }} is not null
    and element not in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %})

{% endtest %}
