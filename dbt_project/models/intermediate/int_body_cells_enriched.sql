-- Body cells with what their column says about them (role, block, measure, 09 stage) and the unit of
-- their table. Header rows (title rows, header labels, the 栏次 row) are left out.

with

cells as (

    select * from {{ ref('stg_juesuan__cells') }}
    where row_kind = 'body'

),

table_columns as (

    select * from {{ ref('stg_juesuan__table_columns') }}

),

columns_measured as (

    select * from {{ ref('int_columns_measured') }}

),

report_tables as (

    select * from {{ ref('stg_juesuan__report_tables') }}

),

reports as (

    select * from {{ ref('stg_juesuan__reports') }}

),

enriched as (

    select
        cells.report_id,
        cells.table_no,
        cells.row_no,
        cells.col_no,
        cells.page,
        cells.text,
        cells.text_squashed,
        cells.amount,
        cells.looks_like_amount,
        table_columns.role,
        table_columns.block_no,
        columns_measured.measure,
        columns_measured.measure_zh,
        columns_measured.stage,
        coalesce(report_tables.unit, reports.unit) as unit,
        reports.fiscal_year
    from cells
    inner join table_columns
        on table_columns.report_id = cells.report_id
        and table_columns.table_no = cells.table_no
        and table_columns.col_no = cells.col_no
    left join columns_measured
        on columns_measured.report_id = cells.report_id
        and columns_measured.table_no = cells.table_no
        and columns_measured.col_no = cells.col_no
    left join report_tables
        on report_tables.report_id = cells.report_id
        and report_tables.table_no = cells.table_no
    left join reports
        on reports.report_id = cells.report_id

)

select * from enriched
