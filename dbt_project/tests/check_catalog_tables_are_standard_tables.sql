-- Every table code a catalogued check names is a standard table's ('01' … '09').
select catalog.suite, catalog.check_name, codes.table_code
from {{ ref('check_catalog') }} as catalog
cross join unnest(string_split(catalog.tables, ' ')) as codes(table_code)
where codes.table_code not in (select table_code from {{ ref('standard_tables') }})
