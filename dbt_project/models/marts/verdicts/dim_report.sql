-- One record per loaded report. A view, not a table: its status is derived from the verdicts of the
-- reconciliation checks (quality.check_results), which `juesuan build` writes after `dbt build`, so it is
-- always the status of the checks last run.

with

reports as (

    select * from {{ ref('stg_juesuan__reports') }}

),

audit as (

    -- report_audit already counts each report's failed error-level checks: its verdict `failed` is
    -- exactly "some error-level check failed", so status reads it instead of scanning check_results again
    select report_id, verdict from {{ ref('report_audit') }}

)

select
    reports.report_id,
    reports.source_file,
    reports.sha256,
    reports.region,
    reports.department,
    -- the department without its region prefix, so the same kind of department compares across cities
    -- (computed by the reader: 中共上海市普陀区委社会工作部 → 区委社会工作部)
    coalesce(reports.department_type, reports.department) as department_type,
    reports.fiscal_year,
    reports.unit,
    reports.page_count,
    case when audit.verdict = 'failed' then 'failed_checks' else 'loaded' end as status,
    -- the audit's verdict of every check, document and narrative ones included (marts.report_audit)
    audit.verdict as audit_verdict
from reports
left join audit
    on audit.report_id = reports.report_id
