-- Each comparison's subject table is one of the tables the check catalogue says the check reads.
select comparisons.suite, comparisons.check_name, comparisons.table_no, catalog.tables
from {{ ref('check_comparisons') }} as comparisons
inner join {{ ref('check_catalog') }} as catalog
    on catalog.suite = comparisons.suite
    and catalog.check_name = comparisons.check_name
where not list_contains(string_split(catalog.tables, ' '), {{ check_table_label('comparisons.table_no') }})
