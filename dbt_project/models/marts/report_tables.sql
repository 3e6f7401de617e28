with

report_tables as (

    select * from {{ ref('stg_juesuan__report_tables') }}

),

cells as (

    select * from {{ ref('stg_juesuan__cells') }}

),

-- the recogniser's confidence is kept per cell (raw.cells.confidence); a table shows its least sure cell
ocr_confidence as (

    select report_id, table_no, min(confidence) as min_confidence
    from cells
    where confidence is not null
    group by report_id, table_no

)

select
    report_tables.report_id,
    report_tables.table_no,
    report_tables.title_zh,
    report_tables.first_page,
    report_tables.last_page,
    report_tables.is_empty,
    report_tables.flavor,
    coalesce(report_tables.flavor like '%ocr%', false) as read_by_ocr,
    ocr_confidence.min_confidence
from report_tables
left join ocr_confidence
    on ocr_confidence.report_id = report_tables.report_id
    and ocr_confidence.table_no = report_tables.table_no
