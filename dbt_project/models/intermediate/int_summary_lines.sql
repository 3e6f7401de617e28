-- One record per (row, side) of the two-sided summary tables 01 and 04: block 0 is the income
-- half, block 1 the expenditure half. line_no is the printed 行次, or, for reports that print none,
-- the line's position within its side. Each line is named by the seed summary_line_labels: its stable
-- line_code and, for an expenditure line named after a functional 类, that class's code.

with

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('summary') }}

),

labels as (

    select table_no, side, label_zh, line_code, func_class_code, parent_line_code
    from {{ ref('summary_line_labels') }}

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
        ) as line_no,
        -- the row label without its leading ordinal (一、… 二十六、)
        regexp_replace(label, '^[一二三四五六七八九十]+、', '') as item_zh
    from block_rows
    where label is not null or n_amounts > 0

),

keyed as (

    select *, {{ label_key('item_zh') }} as label_key
    from lines

),

-- each line by its label alone, among the lines that break no other down
top_level as (

    select
        keyed.*,
        labels.line_code as top_line_code,
        labels.func_class_code as top_func_class_code
    from keyed
    left join labels
        on labels.table_no = keyed.table_no
        and labels.side = keyed.side
        and labels.label_zh = keyed.label_key
        and labels.parent_line_code is null

),

-- Lines the seed breaks down (04's 年初财政拨款结转和结余, whose parts are printed under it with the labels
-- of the income lines 一般公共预算财政拨款 …): each one's parts are the lines after it that carry one of
-- its parts' labels, up to the first labelled line that does not.
parents as (

    select
        p.report_id,
        p.table_no,
        p.side,
        p.line_no as parent_line_no,
        p.top_line_code as parent_line_code,
        (
            select min(m.line_no)
            from top_level as m
            where m.report_id = p.report_id
                and m.table_no = p.table_no
                and m.side = p.side
                and m.line_no > p.line_no
                and m.item_zh is not null
                and not exists (
                    select 1 from labels as c
                    where c.table_no = m.table_no and c.side = m.side
                        and c.parent_line_code = p.top_line_code and c.label_zh = m.label_key
                )
        ) as span_end
    from top_level as p
    where exists (
        select 1 from labels as c
        where c.table_no = p.table_no and c.side = p.side and c.parent_line_code = p.top_line_code
    )

),

parts as (

    select
        l.report_id,
        l.table_no,
        l.side,
        l.line_no,
        p.parent_line_code,
        c.line_code,
        c.func_class_code
    from top_level as l
    inner join parents as p
        on p.report_id = l.report_id
        and p.table_no = l.table_no
        and p.side = l.side
        and l.line_no > p.parent_line_no
        and l.line_no < coalesce(p.span_end, 2147483647)
    inner join labels as c
        on c.table_no = l.table_no
        and c.side = l.side
        and c.parent_line_code = p.parent_line_code
        and c.label_zh = l.label_key

)

select
    top_level.report_id,
    top_level.table_no,
    top_level.row_no,
    top_level.block_no,
    top_level.side,
    top_level.label,
    top_level.line_no,
    top_level.item_zh,
    case when parts.line_no is not null then parts.line_code else top_level.top_line_code end as line_code,
    case when parts.line_no is not null then parts.func_class_code else top_level.top_func_class_code end
        as func_class_code,
    parts.parent_line_code
from top_level
left join parts
    on parts.report_id = top_level.report_id
    and parts.table_no = top_level.table_no
    and parts.side = top_level.side
    and parts.line_no = top_level.line_no
