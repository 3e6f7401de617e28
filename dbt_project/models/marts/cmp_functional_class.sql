-- Expenditure (公开03表) by functional classification, one record per report and printed 类, 款 or 项
-- code: the amount in 元 (本年支出合计 of the row, with its 基本支出 and 项目支出) and its share of the
-- report's total expenditure. func_level picks the depth: 类 for the overview, 款 and 项 to drill down.

with

reports as (

    select * from {{ ref('dim_report') }}

),

rows_03 as (

    select *
    from {{ ref('fct_functional') }}
    where table_no = 3
        and func_level in ('类', '款', '项')

),

by_code as (

    select
        report_id,
        func_code,
        any_value(func_level) as func_level,
        any_value(func_name) as func_name,
        max(case when measure = 'total_expenditure' then amount_yuan end) as amount_yuan,
        max(case when measure = 'basic' then amount_yuan end) as basic_yuan,
        max(case when measure = 'project' then amount_yuan end) as project_yuan,
        max(case when measure = 'total_expenditure' then page end) as page
    from rows_03
    group by report_id, func_code

),

-- the report's total: the printed 合计 row, else the sum of its 类 rows
report_totals as (

    select
        report_id,
        coalesce(
            max(case when func_level = '合计' then amount_yuan end),
            sum(case when func_level = '类' then amount_yuan end)
        ) as total_yuan
    from {{ ref('fct_functional') }}
    where table_no = 3
        and measure = 'total_expenditure'
    group by report_id

),

class_names as (

    select report_id, func_code as class_code, func_name as class_name
    from by_code
    where func_level = '类'

)

select
    ---------- ids
    by_code.report_id,
    reports.region,
    reports.department,
    reports.department_type,
    reports.fiscal_year,
    ---------- classification
    by_code.func_level,
    by_code.func_code,
    by_code.func_name,
    left(by_code.func_code, 3) as class_code,
    class_names.class_name,
    ---------- amounts in 元
    cast(by_code.amount_yuan as decimal(20, 2)) as amount_yuan,
    cast(by_code.basic_yuan as decimal(20, 2)) as basic_yuan,
    cast(by_code.project_yuan as decimal(20, 2)) as project_yuan,
    cast(report_totals.total_yuan as decimal(20, 2)) as report_total_yuan,
    cast(by_code.amount_yuan / nullif(report_totals.total_yuan, 0) as decimal(9, 4)) as share_of_total,
    ---------- provenance
    by_code.page
from by_code
join reports on reports.report_id = by_code.report_id
left join report_totals on report_totals.report_id = by_code.report_id
left join class_names
    on class_names.report_id = by_code.report_id
    and class_names.class_code = left(by_code.func_code, 3)
