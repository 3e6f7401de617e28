-- Year over year: the same department (same region and full name) in consecutive fiscal years, one
-- record per pair of reports and measure of cmp_department_year. Measures blank in both years are left
-- out. change_yuan = this year − prior year; change_ratio = this year / prior year (1.0500 = +5 %),
-- NULL when the prior year is blank or 0.

with

years as (

    select * from {{ ref('cmp_department_year') }}

),

long_format as (

    select
        report_id, region, department, department_type, fiscal_year,
        measure, amount_yuan
    from years
    unpivot include nulls (
        amount_yuan for measure in (
            total_income_yuan as 'total_income',
            fiscal_appropriation_yuan as 'fiscal_appropriation',
            total_expenditure_yuan as 'total_expenditure',
            basic_yuan as 'basic',
            project_yuan as 'project',
            personnel_yuan as 'personnel',
            operating_yuan as 'operating',
            three_public_budget_yuan as 'three_public_budget',
            three_public_actual_yuan as 'three_public_actual',
            opening_balance_yuan as 'opening_balance',
            closing_balance_yuan as 'closing_balance'
        )
    )

)

select
    ---------- ids
    cur.region,
    cur.department,
    cur.department_type,
    cur.fiscal_year,
    prior.fiscal_year as prior_fiscal_year,
    cur.report_id,
    prior.report_id as prior_report_id,
    cur.measure,
    ---------- amounts in 元
    cast(cur.amount_yuan as decimal(20, 2)) as amount_yuan,
    cast(prior.amount_yuan as decimal(20, 2)) as prior_amount_yuan,
    cast(cur.amount_yuan - prior.amount_yuan as decimal(20, 2)) as change_yuan,
    cast(cur.amount_yuan / nullif(prior.amount_yuan, 0) as decimal(18, 4)) as change_ratio
from long_format as cur
join long_format as prior
    on prior.department = cur.department
    and prior.region is not distinct from cur.region
    and prior.fiscal_year = cur.fiscal_year - 1
    and prior.measure = cur.measure
where cur.amount_yuan is not null
    or prior.amount_yuan is not null
