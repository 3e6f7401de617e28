{#-
    Generic test: the given columns together identify a row. (dbt_utils.unique_combination_of_columns,
    which cannot be installed here: `dbt deps` has no network.) Fails with one row per duplicated key.
-#}
{% test check_unique_combination(model, combination_of_columns) %}
    select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}
