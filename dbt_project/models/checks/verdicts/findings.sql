-- One record per check that failed or could not run (quality.check_results, as last run), ranked within its
-- report: failed errors first, then failed warnings, then the checks that could not run; within each, by
-- table, page and check. A view: the checks are written after `dbt build`, and the findings are always
-- those of the checks last run. `juesuan audit` prints them, or writes them as HTML pages.

with

check_results as (

    select * from {{ source('juesuan_quality', 'check_results') }}
    where passed is null or not passed

),

reports as (

    select report_id, source_file, department from {{ ref('stg_juesuan__reports') }}

),

standard_tables as (

    select cast(table_no as integer) as table_no, table_code, title_zh from {{ ref('standard_tables') }}

),

-- the section of the document a page is in: the 目录, or the part (第三部分 …) in effect at its end
pages as (

    select
        report_id,
        page,
        bool_and(kind in ('contents', 'table_text')) and bool_or(kind = 'contents') as is_contents,
        bool_or(kind = 'cover') as is_cover,
        arg_max(part_title, line_no) as part_title
    from {{ ref('int_document_lines') }}
    group by all

)

select
    r.report_id,
    reports.source_file,
    reports.department,
    cast(row_number() over (
        partition by r.report_id
        order by case when r.passed is null then 3 when r.severity = 'error' then 1 else 2 end,
                 r.table_no nulls last, r.page nulls last, r.suite, r.check_name, r.subject
    ) as integer) as rank,
    case when r.passed is null then 'not_run' else 'failed' end as outcome,
    r.severity,
    r.family,
    r.suite,
    r.check_name,
    r.table_no,
    case
        when r.table_no is not null then standard_tables.table_code || ' ' || standard_tables.title_zh
        when pages.is_contents then '目录'
        when pages.is_cover and pages.part_title is null then '封面'
        when pages.part_title is not null then pages.part_title
        else 'the whole report'
    end as section,
    r.page,
    r.subject,
    r.printed_value,
    r.expected_value,
    r.message
from check_results as r
left join reports
    on reports.report_id = r.report_id
left join standard_tables
    on standard_tables.table_no = r.table_no
left join pages
    on pages.report_id = r.report_id and pages.page = r.page
