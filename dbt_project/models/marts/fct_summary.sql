-- The two-sided summary tables 公开01表 (收入支出决算总表) and 04表 (财政拨款收入支出决算总表): one
-- record per printed line, side and amount column, named by the seed summary_line_labels (line_code, and
-- the functional 类 of an expenditure line named after one).

with

lines as (

    select * from {{ ref('int_summary_lines') }}

),

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where role = 'amount'
        and table_no in {{ tables_of_family('summary') }}

),

facts as (

    select
        lines.report_id,
        lines.table_no,
        lines.side,
        lines.line_no,
        lines.item_zh,
        lines.line_code,
        lines.func_class_code,
        cells.measure,
        cells.measure_zh,
        cells.amount,
        cells.unit,
        cells.page
    from lines
    inner join cells
        on cells.report_id = lines.report_id
        and cells.table_no = lines.table_no
        and cells.row_no = lines.row_no
        and cells.block_no = lines.block_no

)

select
    facts.report_id,
    cast(facts.table_no as integer) as table_no,
    facts.side,
    facts.line_no,
    facts.item_zh,
    facts.line_code,
    facts.func_class_code,
    facts.measure,
    facts.measure_zh,
    cast(facts.amount as decimal(18, 2)) as amount,
    facts.unit,
    {{ to_yuan('facts.amount', 'facts.unit') }} as amount_yuan,
    facts.page
from facts
