-- One record per (row, side) of the two-sided summary tables 01 and 04: block 0 is the income
-- half, block 1 the expenditure half. line_no is the printed 行次, or, for reports that print none,
-- the line's position within its side.

with

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('summary') }}

),

block_rows as (

    select
        report_id,
        table_no,
        row_no,
        block_no,
        min(case when role = 'name' then text_squashed end) as label,
        min(case when role = 'line_no' then text_squashed end) as line_text,
        count(case when role = 'amount' then amount end) as n_amounts
    from cells
    group by report_id, table_no, row_no, block_no

),

lines as (

    select
        report_id,
        table_no,
        row_no,
        block_no,
        case block_no when 0 then 'income' when 1 then 'expenditure' end as side,
        label,
        coalesce(
            try_cast(line_text as integer),
            cast(row_number() over (partition by report_id, table_no, block_no order by row_no) as integer)
        ) as line_no
    from block_rows
    where label is not null or n_amounts > 0

)

select
    *,
    -- the row label without its leading ordinal (一、… 二十六、)
    regexp_replace(label, '^[一二三四五六七八九十]+、', '') as item_zh
from lines
