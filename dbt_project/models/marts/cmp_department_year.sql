-- One record per report: the headline numbers of a department's year, in 元, side by side, so that
-- departments of the same kind compare across cities. Every number is read from the facts; the
-- shares are DECIMAL(9,4) fractions (0.1234 = 12.34 %), NULL when a part or the base is missing or 0.

with

reports as (

    select * from {{ ref('dim_report') }}

),

functional_totals as (

    -- the 合计 rows of 公开02表 (income) and 公开03表 (expenditure)
    select
        report_id,
        max(case when table_no = 2 and measure = 'total_income' then amount_yuan end) as total_income_yuan,
        max(case when table_no = 2 and measure = 'fiscal_appropriation' then amount_yuan end)
            as fiscal_appropriation_yuan,
        max(case when table_no = 3 and measure = 'total_expenditure' then amount_yuan end)
            as total_expenditure_yuan,
        max(case when table_no = 3 and measure = 'basic' then amount_yuan end) as basic_yuan,
        max(case when table_no = 3 and measure = 'project' then amount_yuan end) as project_yuan
    from {{ ref('fct_functional') }}
    where func_level = '合计'
    group by report_id

),

summary_lines as (

    -- 公开01表 lines, for reports whose 02/03 lack a 合计 row and for the balances
    select
        report_id,
        max(case when line_code = 'total_income' then amount_yuan end) as income_01_yuan,
        max(case when line_code = 'total_expenditure' then amount_yuan end) as expenditure_01_yuan,
        -- the income lines of 财政拨款收入 (of the general budget, government funds, state capital)
        sum(case when line_code in ('fiscal_appropriation', 'general_budget_appropriation',
                                    'government_fund_appropriation', 'state_capital_appropriation')
                 then amount_yuan end) as appropriation_01_yuan,
        max(case when line_code = 'opening_balance' then amount_yuan end) as opening_balance_yuan,
        max(case when line_code = 'closing_balance' then amount_yuan end) as closing_balance_yuan
    from {{ ref('fct_summary') }}
    where table_no = 1
    group by report_id

),

economic_groups as (

    -- 公开06表: the printed 人员经费合计 / 公用经费合计 lines, else the sum of the group's 类 rows
    select
        report_id,
        coalesce(
            max(case when econ_level = '合计' and expense_group = '人员经费' then amount_yuan end),
            sum(case when econ_level = '类' and expense_group = '人员经费' then amount_yuan end)
        ) as personnel_yuan,
        coalesce(
            max(case when econ_level = '合计' and expense_group = '公用经费' then amount_yuan end),
            sum(case when econ_level = '类' and expense_group = '公用经费' then amount_yuan end)
        ) as operating_yuan
    from {{ ref('fct_economic') }}
    group by report_id

),

three_public as (

    select
        report_id,
        max(case when stage = 'budget' then amount_yuan end) as three_public_budget_yuan,
        max(case when stage = 'actual' then amount_yuan end) as three_public_actual_yuan
    from {{ ref('fct_three_public') }}
    where item = 'total'
    group by report_id

),

general_budget as (

    -- 公开05表's 合计 (一般公共预算财政拨款支出)
    select report_id, max(amount_yuan) as general_budget_expenditure_yuan
    from {{ ref('fct_functional') }}
    where table_no = 5 and func_level = '合计' and measure = 'total'
    group by report_id

),

budget_execution as (

    -- the 年初预算 of 一般公共预算财政拨款支出 as the narrative states it (its first statement)
    select report_id, arg_min(budget_yuan, claim_no) as general_budget_budget_yuan
    from {{ ref('fct_budget_execution') }}
    where table_no = 5 and func_level = '合计' and budget_yuan is not null
    group by report_id

),

prior_year as (

    -- the previous year's 收支总计 (01) and 一般公共预算财政拨款支出 (05) as the narrative states them
    select
        report_id,
        arg_min(prior_yuan, claim_no) filter (where subject_key = '01 总计') as prior_grand_total_yuan,
        arg_min(prior_yuan, claim_no) filter (where subject_key = '05 合计') as prior_general_budget_expenditure_yuan
    from {{ ref('fct_prior_year') }}
    where prior_yuan is not null
    group by report_id

),

grand_totals as (

    select report_id, max(amount_yuan) as grand_total_yuan
    from {{ ref('fct_summary') }}
    where table_no = 1 and line_code = 'grand_total' and side = 'income'
    group by report_id

),

joined as (

    select
        reports.report_id,
        reports.region,
        reports.department,
        reports.department_type,
        reports.fiscal_year,
        coalesce(functional_totals.total_income_yuan, summary_lines.income_01_yuan) as total_income_yuan,
        coalesce(functional_totals.fiscal_appropriation_yuan, summary_lines.appropriation_01_yuan)
            as fiscal_appropriation_yuan,
        coalesce(functional_totals.total_expenditure_yuan, summary_lines.expenditure_01_yuan)
            as total_expenditure_yuan,
        functional_totals.basic_yuan,
        functional_totals.project_yuan,
        economic_groups.personnel_yuan,
        economic_groups.operating_yuan,
        three_public.three_public_budget_yuan,
        three_public.three_public_actual_yuan,
        summary_lines.opening_balance_yuan,
        summary_lines.closing_balance_yuan,
        grand_totals.grand_total_yuan,
        general_budget.general_budget_expenditure_yuan,
        budget_execution.general_budget_budget_yuan,
        prior_year.prior_grand_total_yuan,
        prior_year.prior_general_budget_expenditure_yuan
    from reports
    left join functional_totals on functional_totals.report_id = reports.report_id
    left join summary_lines on summary_lines.report_id = reports.report_id
    left join economic_groups on economic_groups.report_id = reports.report_id
    left join three_public on three_public.report_id = reports.report_id
    left join grand_totals on grand_totals.report_id = reports.report_id
    left join general_budget on general_budget.report_id = reports.report_id
    left join budget_execution on budget_execution.report_id = reports.report_id
    left join prior_year on prior_year.report_id = reports.report_id

)

select
    ---------- ids
    report_id,
    region,
    department,
    department_type,
    fiscal_year,
    ---------- amounts in 元
    cast(total_income_yuan as decimal(20, 2)) as total_income_yuan,
    cast(fiscal_appropriation_yuan as decimal(20, 2)) as fiscal_appropriation_yuan,
    cast(total_expenditure_yuan as decimal(20, 2)) as total_expenditure_yuan,
    cast(basic_yuan as decimal(20, 2)) as basic_yuan,
    cast(project_yuan as decimal(20, 2)) as project_yuan,
    cast(personnel_yuan as decimal(20, 2)) as personnel_yuan,
    cast(operating_yuan as decimal(20, 2)) as operating_yuan,
    cast(three_public_budget_yuan as decimal(20, 2)) as three_public_budget_yuan,
    cast(three_public_actual_yuan as decimal(20, 2)) as three_public_actual_yuan,
    cast(opening_balance_yuan as decimal(20, 2)) as opening_balance_yuan,
    cast(closing_balance_yuan as decimal(20, 2)) as closing_balance_yuan,
    ---------- shares (fractions)
    cast(fiscal_appropriation_yuan / nullif(total_income_yuan, 0) as decimal(9, 4)) as fiscal_appropriation_share,
    cast(project_yuan / nullif(total_expenditure_yuan, 0) as decimal(9, 4)) as project_share,
    cast(personnel_yuan / nullif(personnel_yuan + operating_yuan, 0) as decimal(9, 4)) as personnel_share,
    ---------- budget execution and the previous year, as the narrative states them (第三部分)
    cast(grand_total_yuan as decimal(20, 2)) as grand_total_yuan,
    cast(general_budget_expenditure_yuan as decimal(20, 2)) as general_budget_expenditure_yuan,
    cast(general_budget_budget_yuan as decimal(20, 2)) as general_budget_budget_yuan,
    cast(general_budget_expenditure_yuan / nullif(general_budget_budget_yuan, 0) as decimal(9, 4))
        as general_budget_execution,
    cast(prior_grand_total_yuan as decimal(20, 2)) as prior_grand_total_yuan,
    cast(grand_total_yuan / nullif(prior_grand_total_yuan, 0) as decimal(18, 4)) as grand_total_change_ratio,
    cast(prior_general_budget_expenditure_yuan as decimal(20, 2)) as prior_general_budget_expenditure_yuan,
    cast(general_budget_expenditure_yuan / nullif(prior_general_budget_expenditure_yuan, 0) as decimal(18, 4))
        as general_budget_expenditure_change_ratio
from joined
