{#- Which standard tables (公开01表…09表) belong to a family: the seed standard_tables is the one home of
    that vocabulary, so models filter by family, never by lists of table numbers. -#}

{#- The table numbers of a family, as a subquery for `table_no in {{ tables_of_family('functional') }}`.
    Families: summary (01 04), functional (02 03 05 07 08), economic (06), three_public (09).
    column='table_code' gives their two-digit codes instead ('05'), for text that names a table by code
    (the narrative's table_hint). -#}
{% macro tables_of_family(family, column='table_no') -%}
    (select {{ column }} from {{ ref('standard_tables') }} where family = '{{ family }}')
{%- endmacro %}

{#- The table number of a family of one table (economic, three_public), as a scalar subquery: DuckDB
    raises an error if the seed ever gives the family a second table. -#}
{% macro table_of_family(family) -%}
    {{ tables_of_family(family) }}
{%- endmacro %}
