-- The two-sided summary tables 公开01表 (收入支出决算总表) and 04表 (财政拨款收入支出决算总表): one
-- record per printed line, side and amount column.

with

lines as (

    select * from {{ ref('int_summary_lines') }}

),

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where role = 'amount'
        and table_no in {{ tables_of_family('summary') }}

),

classification as (

    select * from {{ ref('function_classification') }}
    where func_level = '类'

),

facts as (

    select
        lines.report_id,
        lines.table_no,
        lines.side,
        lines.line_no,
        lines.item_zh,
        cells.fiscal_year,
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

),

-- expenditure lines named after a 类 (一般公共服务支出 → 201), from the nearest year the seed has
class_codes as (

    select
        items.report_id,
        items.item_zh,
        arg_min(classification.func_code, abs(cast(classification.fiscal_year as integer) - items.fiscal_year))
            as func_class_code
    from (select distinct report_id, item_zh, fiscal_year from facts where side = 'expenditure') as items
    inner join classification
        on classification.func_name = items.item_zh
    group by items.report_id, items.item_zh

)

select
    facts.report_id,
    cast(facts.table_no as integer) as table_no,
    facts.side,
    facts.line_no,
    facts.item_zh,
    class_codes.func_class_code,
    facts.measure,
    facts.measure_zh,
    cast(facts.amount as decimal(18, 2)) as amount,
    {{ to_yuan('facts.amount', 'facts.unit') }} as amount_yuan,
    facts.page
from facts
left join class_codes
    on facts.side = 'expenditure'
    and class_codes.report_id = facts.report_id
    and class_codes.item_zh = facts.item_zh
