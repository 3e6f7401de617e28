{#- Every non-NULL value of the column is the number of a standard table of `family` (seed
    standard_tables): the table families live in the seed, not in lists of numbers in each yml. -#}
{% test juesuan_table_in_family(model, column_name, family) %}

select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in {{ tables_of_family(family) }}

{% endtest %}
