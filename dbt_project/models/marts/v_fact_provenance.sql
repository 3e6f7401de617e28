-- Every amount of the four fact tables with where it came from: the source file (name, sha256, when it
-- was read), the report, the standard table (title, pages) and the PDF page of the cell. A view: it
-- adds no data, only joins.

with

facts as (

    select
        'fct_functional' as fact_table, report_id, table_no,
        coalesce(func_code, '合计') as row_key, func_name as row_label, measure,
        amount, unit, amount_yuan, page
    from {{ ref('fct_functional') }}

    union all

    select
        'fct_economic' as fact_table, report_id, {{ table_of_family('economic') }} as table_no,
        coalesce(econ_code, econ_name) as row_key, econ_name as row_label, 'amount' as measure,
        amount, unit, amount_yuan, page
    from {{ ref('fct_economic') }}

    union all

    select
        'fct_summary' as fact_table, report_id, table_no,
        side || ' ' || cast(line_no as varchar) as row_key, item_zh as row_label, measure,
        amount, unit, amount_yuan, page
    from {{ ref('fct_summary') }}

    union all

    select
        'fct_three_public' as fact_table, report_id, {{ table_of_family('three_public') }} as table_no,
        item as row_key, item_zh as row_label, stage as measure,
        amount, unit, amount_yuan, page
    from {{ ref('fct_three_public') }}

),

reports as (

    select * from {{ ref('dim_report') }}

),

report_tables as (

    select * from {{ ref('report_tables') }}

),

source_files as (

    select * from {{ ref('source_files') }}

)

select
    ---------- the fact
    facts.fact_table,
    facts.report_id,
    facts.table_no,
    facts.row_key,
    facts.row_label,
    facts.measure,
    facts.amount,
    facts.amount_yuan,
    facts.page,
    ---------- the report and its table
    reports.region,
    reports.department,
    reports.fiscal_year,
    facts.unit,
    report_tables.title_zh as table_title_zh,
    report_tables.first_page as table_first_page,
    report_tables.last_page as table_last_page,
    coalesce(report_tables.read_by_ocr, false) as read_by_ocr,
    ---------- the file
    reports.source_file,
    reports.sha256,
    source_files.ingested_at
from facts
join reports on reports.report_id = facts.report_id
left join report_tables
    on report_tables.report_id = facts.report_id
    and report_tables.table_no = facts.table_no
left join source_files on source_files.source_file = reports.source_file
