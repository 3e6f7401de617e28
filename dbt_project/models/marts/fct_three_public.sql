-- 公开09表, the "三公" expenditure table: one record per stage (budget / actual) and item.

with

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('three_public') }}
        and role = 'amount'

),

-- the row(s) that print something: a blank grid row would otherwise repeat every item
printed_rows as (

    select distinct report_id, row_no
    from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('three_public') }}
        and text_squashed is not null

)

select
    report_id,
    stage,
    measure as item,
    measure_zh as item_zh,
    cast(amount as decimal(18, 2)) as amount,
    unit,
    {{ to_yuan('amount', 'unit') }} as amount_yuan,
    page
from cells
where exists (
    select 1
    from printed_rows
    where printed_rows.report_id = cells.report_id
        and printed_rows.row_no = cells.row_no
)
