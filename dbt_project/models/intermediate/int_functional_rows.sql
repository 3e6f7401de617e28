-- One record per printed row of the functional-classification tables 02, 03, 05, 07, 08 that is a
-- classification row or the 合计 row. The code is taken whole from a `code` column or assembled from
-- the 类/款/项 pieces (201 + 06 + 01); the 合计 row is recognised by its label wherever it is printed
-- (code column, name column, or a row at the bottom).

with

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('functional') }}

),

rows as (

    select
        report_id,
        table_no,
        row_no,
        {{ printed_code_and_name() }},
        coalesce(bool_or(role <> 'amount' and text_squashed in ('合计', '总计')), false) as is_total
    from cells
    group by report_id, table_no, row_no

),

classified as (

    select
        report_id,
        table_no,
        row_no,
        case
            when {{ is_class_code('code_whole') }} then code_whole
            when {{ is_class_code('code_pieces') }} then code_pieces
        end as func_code,
        name_printed,
        is_total
    from rows

)

select
    report_id,
    table_no,
    row_no,
    case when is_total and func_code is null then null else func_code end as func_code,
    case when func_code is null and is_total then '合计' else {{ func_level('func_code') }} end as func_level,
    case when func_code is null and is_total then coalesce(name_printed, '合计') else name_printed end
        as name_printed
from classified
where func_code is not null or is_total
