-- One record per loaded report: what its checks (quality.check_results, as last run) found, counted, and
-- the audit's verdict. A view, like dim_report: the checks are written after `dbt build`.
--   failed      an error-level check failed
--   incomplete  no error, but some check could not run (a table it needs is missing, no 目录 to compare)
--   warnings    every check ran, and a warning-level one failed
--   passed      every check ran and passed

with

reports as (

    select * from {{ ref('stg_juesuan__reports') }}

),

check_results as (

    select * from {{ source('juesuan_quality', 'check_results') }}

),

report_tables as (

    select * from {{ ref('report_tables') }}

),

-- an auditor reading a failure in a table read by OCR asks first whether the recogniser misread it
ocr_tables as (

    select report_id, count(*) filter (where read_by_ocr) as tables_read_by_ocr
    from report_tables
    group by report_id

),

counts as (

    select
        report_id,
        count(*) filter (where passed is not null) as checks_run,
        count(*) filter (where passed) as checks_passed,
        count(*) filter (where not passed and severity = 'error') as errors,
        count(*) filter (where not passed and severity = 'warning') as warnings,
        count(*) filter (where passed is null) as checks_not_run,
        count(*) filter (where not passed and severity = 'error' and family = 'document') as document_errors
    from check_results
    group by report_id

)

select
    reports.report_id,
    reports.source_file,
    reports.region,
    reports.department,
    reports.fiscal_year,
    cast(coalesce(counts.checks_run, 0) as integer) as checks_run,
    cast(coalesce(counts.checks_passed, 0) as integer) as checks_passed,
    cast(coalesce(counts.errors, 0) as integer) as errors,
    cast(coalesce(counts.warnings, 0) as integer) as warnings,
    cast(coalesce(counts.checks_not_run, 0) as integer) as checks_not_run,
    cast(coalesce(counts.document_errors, 0) as integer) as document_errors,
    cast(coalesce(ocr_tables.tables_read_by_ocr, 0) as integer) as tables_read_by_ocr,
    case
        when coalesce(counts.errors, 0) > 0 then 'failed'
        when coalesce(counts.checks_not_run, 0) > 0 then 'incomplete'
        when coalesce(counts.warnings, 0) > 0 then 'warnings'
        else 'passed'
    end as verdict
from reports
left join counts
    on counts.report_id = reports.report_id
left join ocr_tables
    on ocr_tables.report_id = reports.report_id
