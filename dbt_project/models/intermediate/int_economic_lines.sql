-- One record per line of 公开06表 (basic expenditure by economic classification): each block of
-- side-by-side (code, name, amount) columns gives one line per printed code, plus the 人员经费合计 and
-- 公用经费合计 lines. A 合计 line's amount is the first amount printed to the right of its label in the
-- same row (before any further label), whichever column it landed in: reports merge the label over
-- several columns and print the amount under a name column.

with

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where table_no in {{ tables_of_family('economic') }}

),

block_rows as (

    select
        report_id,
        row_no,
        block_no,
        {{ printed_code_and_name() }},
        min(case when role = 'amount' then col_no end) as amount_col_no
    from cells
    group by report_id, row_no, block_no

),

coded as (

    select
        report_id,
        row_no,
        case
            when {{ is_class_code('code_whole') }} then code_whole
            when {{ is_class_code('code_pieces') }} then code_pieces
        end as econ_code,
        name_printed,
        amount_col_no
    from block_rows

),

coded_lines as (

    select
        coded.report_id,
        coded.econ_code,
        coded.name_printed as econ_name,
        cells.amount,
        cells.page,
        cells.unit,
        cells.fiscal_year
    from coded
    inner join cells
        on cells.report_id = coded.report_id
        and cells.row_no = coded.row_no
        and cells.col_no = coded.amount_col_no
    where coded.econ_code is not null
        and length(coded.econ_code) in (3, 5)

),

labels as (

    select report_id, row_no, col_no, text_squashed as label, page, unit, fiscal_year
    from cells
    where text_squashed like '%经费合计'

),

amount_candidates as (

    select report_id, row_no, col_no, amount, page
    from cells
    where amount is not null
        and (role = 'amount' or looks_like_amount)

),

total_lines as (

    select
        labels.report_id,
        cast(null as varchar) as econ_code,
        labels.label as econ_name,
        (
            select arg_min(candidate.amount, candidate.col_no)
            from amount_candidates as candidate
            where candidate.report_id = labels.report_id
                and candidate.row_no = labels.row_no
                and candidate.col_no > labels.col_no
                and candidate.col_no < coalesce((
                    select min(other.col_no)
                    from labels as other
                    where other.report_id = labels.report_id
                        and other.row_no = labels.row_no
                        and other.col_no > labels.col_no
                ), 2147483647)
        ) as amount,
        labels.page,
        labels.unit,
        labels.fiscal_year
    from labels

)

select * from coded_lines
union all
select * from total_lines
