-- Suite summary: the two summary tables 01 and 04 (fct_summary), within themselves and
-- against 02, 03 and 05 (fct_functional).
--   line_sum               本年收入合计 = Σ the income lines above it; 本年支出合计 = Σ the 类 lines above it
--                          (01 and 04, per measure)
--   grand_total            income 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余 (01) /
--                          + 年初财政拨款结转和结余 (04); expenditure 总计 = 本年支出合计 + 结余分配 +
--                          年末结转和结余 (per measure)
--   totals_equal           income 总计 = expenditure 总计
--   opening_detail         04 年初财政拨款结转和结余 = Σ the fund lines printed under it
--   row_total              04 expenditure lines: 合计 = 一般公共预算 + 政府性基金 + 国有资本经营
--   class_vs_03            01 each expenditure 类 line = that 类's 本年支出合计 in 03
--   income_total_vs_02     01 本年收入合计 = 02 合计 本年收入合计
--   expenditure_total_vs_03  01 本年支出合计 = 03 合计 本年支出合计
--   class_vs_05            04 each 类's 一般公共预算财政拨款 = that 类's total in 05
--   appropriation_vs_01    04 income 一般公共预算 / 政府性基金 / 国有资本经营 财政拨款 = 01's line
-- Lines are found by their line_code (the seed summary_line_labels names every printed label) and by
-- their order (line_no).
-- observed is the printed amount of the subject, expected what the other cells imply.

with

summary as (

    select
        report_id,
        cast(table_no as integer) as table_no,
        side,
        cast(line_no as integer) as line_no,
        item_zh,
        line_code,
        func_class_code,
        measure,
        amount,
        page
    from {{ ref('fct_summary') }}
    where cast(table_no as integer) in {{ tables_of_family('summary') }}

),

functional as (

    select report_id, cast(table_no as integer) as table_no, func_code, func_level, measure, amount
    from {{ ref('fct_functional') }}

),

-- the line number of 本年收入合计 / 本年支出合计 and of 总计, per table and side
anchors as (

    select
        report_id,
        table_no,
        side,
        min(line_no) filter (where line_code in ('total_income', 'total_expenditure')) as year_total_line,
        min(line_no) filter (where line_code = 'grand_total') as grand_total_line
    from summary
    group by all

),

lines as (

    select
        s.*,
        a.year_total_line,
        a.grand_total_line,
        {{ check_table_label('s.table_no') }} || ' ' || s.side || ' ' || s.item_zh || ' ' || s.measure as line_subject
    from summary as s
    inner join anchors as a
        on a.report_id = s.report_id and a.table_no = s.table_no and a.side = s.side

),

---------- within 01 / 04

line_sums as (

    select
        t.report_id,
        'line_sum' as check_name,
        t.table_no,
        t.line_subject as subject,
        {{ check_amount('sum(p.amount)') }} as expected,
        {{ check_amount('t.amount') }} as observed,
        count(p.amount) as n_addends,
        t.page
    from lines as t
    left join lines as p
        on  p.report_id = t.report_id and p.table_no = t.table_no and p.side = t.side
        and p.measure = t.measure and p.line_no < t.line_no
    where t.line_no = t.year_total_line
    group by t.report_id, t.table_no, t.line_subject, t.amount, t.page
    having not (t.amount is null and count(p.amount) = 0)

),

grand_totals as (

    select
        t.report_id,
        'grand_total' as check_name,
        t.table_no,
        t.line_subject as subject,
        {{ check_amount('sum(p.amount)') }} as expected,
        {{ check_amount('t.amount') }} as observed,
        count(p.amount) as n_addends,
        t.page
    from lines as t
    left join lines as p
        on  p.report_id = t.report_id and p.table_no = t.table_no and p.side = t.side
        and p.measure = t.measure
        and p.line_no >= t.year_total_line and p.line_no < t.line_no
        and (
            p.line_no = p.year_total_line
            -- income: 使用非财政拨款结余, 年初(财政拨款)结转和结余; expenditure: 结余分配, 年末(财政拨款)结转和结余
            or p.line_code in ('use_of_non_appropriation_balance', 'opening_balance',
                               'surplus_distribution', 'closing_balance')
        )
    where t.line_no = t.grand_total_line
    group by t.report_id, t.table_no, t.line_subject, t.amount, t.page
    having not (t.amount is null and count(p.amount) = 0)

),

totals_equal as (

    select
        i.report_id,
        'totals_equal' as check_name,
        i.table_no,
        {{ check_table_label('i.table_no') }} || ' 总计' as subject,
        {{ check_amount('i.amount') }} as expected,
        {{ check_amount('e.amount') }} as observed,
        (i.amount is not null)::int as n_addends,
        e.page
    from lines as i
    inner join lines as e
        on  e.report_id = i.report_id and e.table_no = i.table_no
        and e.side = 'expenditure' and e.line_no = e.grand_total_line
        and e.measure = case i.table_no when 1 then 'amount' else 'total' end
    where i.side = 'income' and i.line_no = i.grand_total_line and i.measure = 'amount'
      and coalesce(i.amount, e.amount) is not null

),

opening_details as (

    select
        t.report_id,
        'opening_detail' as check_name,
        t.table_no,
        t.line_subject as subject,
        {{ check_amount('sum(p.amount)') }} as expected,
        {{ check_amount('t.amount') }} as observed,
        count(p.amount) as n_addends,
        t.page
    from lines as t
    inner join lines as p
        on  p.report_id = t.report_id and p.table_no = t.table_no and p.side = t.side
        and p.measure = t.measure
        and p.line_no > t.line_no
        -- the lines the seed lists as parts of 年初财政拨款结转和结余 (printed under it, in 04 only)
        and p.line_code in (
            select labels.line_code from {{ ref('summary_line_labels') }} as labels
            where labels.table_no = t.table_no and labels.side = t.side and labels.parent_line_code = t.line_code
        )
    where t.line_code = 'opening_balance'
    group by t.report_id, t.table_no, t.line_subject, t.amount, t.page
    having not (t.amount is null and count(p.amount) = 0)

),

fund_row_totals as (

    select
        report_id,
        table_no,
        {{ check_table_label('table_no') }} || ' ' || coalesce(func_class_code, item_zh, 'line ' || line_no) as subject,
        max(amount) filter (where measure = 'total') as printed,
        sum(amount) filter (where measure in ('general_budget', 'government_fund', 'state_capital')) as parts_sum,
        count(amount) filter (where measure in ('general_budget', 'government_fund', 'state_capital')) as n_addends,
        max(page) filter (where measure = 'total') as page
    from summary
    where table_no = 4 and side = 'expenditure'
    group by all

),

row_totals as (

    select
        report_id,
        'row_total' as check_name,
        table_no,
        subject,
        {{ check_amount('parts_sum') }} as expected,
        {{ check_amount('printed') }} as observed,
        n_addends,
        page
    from fund_row_totals
    where not (printed is null and n_addends = 0)

),

---------- against 02, 03, 05

reports_with as (

    select distinct report_id, table_no from summary
    union
    select distinct report_id, table_no from functional

),

classes_01_vs_03 as (
    {{ check_summary_class_vs_functional('class_vs_03', 1, 'amount', 3, 'total_expenditure', '') }}
),

classes_04_vs_05 as (
    {{ check_summary_class_vs_functional('class_vs_05', 4, 'general_budget', 5, 'total', ' general_budget') }}
),

year_totals_vs_functional as (

    select
        l.report_id,
        case l.side when 'income' then 'income_total_vs_02' else 'expenditure_total_vs_03' end as check_name,
        1 as table_no,
        '01 ' || l.item_zh as subject,
        {{ check_amount('f.amount') }} as expected,
        {{ check_amount('l.amount') }} as observed,
        (f.amount is not null)::int as n_addends,
        l.page
    from lines as l
    inner join functional as f
        on  f.report_id = l.report_id
        and f.func_level = '合计'
        and (
            (l.side = 'income' and f.table_no = 2 and f.measure = 'total_income')
            or (l.side = 'expenditure' and f.table_no = 3 and f.measure = 'total_expenditure')
        )
    where l.table_no = 1 and l.line_no = l.year_total_line and l.measure = 'amount'
      and coalesce(l.amount, f.amount) is not null

),

appropriation_lines as (

    select
        report_id,
        table_no,
        item_zh,
        page,
        case line_code
            when 'general_budget_appropriation' then 'general_budget'
            when 'government_fund_appropriation' then 'government_fund'
            when 'state_capital_appropriation' then 'state_capital'
        end as fund,
        amount
    from lines
    where side = 'income' and measure = 'amount' and line_no < year_total_line

),

appropriations_04_vs_01 as (

    select
        coalesce(a.report_id, b.report_id) as report_id,
        'appropriation_vs_01' as check_name,
        4 as table_no,
        '04 ' || coalesce(a.item_zh, regexp_replace(b.item_zh, '收入$', '')) as subject,
        {{ check_amount('b.amount') }} as expected,
        {{ check_amount('a.amount') }} as observed,
        (b.amount is not null)::int as n_addends,
        a.page
    from (select * from appropriation_lines where table_no = 4 and fund is not null) as a
    full outer join (select * from appropriation_lines where table_no = 1 and fund is not null) as b
        on b.report_id = a.report_id and b.fund = a.fund
    where coalesce(a.amount, b.amount) is not null
      and coalesce(a.report_id, b.report_id) in (select report_id from reports_with where table_no = 1)
      and coalesce(a.report_id, b.report_id) in (select report_id from reports_with where table_no = 4)

),

unioned as (

    select * from line_sums
    union all
    select * from grand_totals
    union all
    select * from totals_equal
    union all
    select * from opening_details
    union all
    select * from row_totals
    union all
    select * from classes_01_vs_03
    union all
    select * from classes_04_vs_05
    union all
    select * from year_totals_vs_functional
    union all
    select * from appropriations_04_vs_01

)

{{ check_comparison_select('summary', page='unioned.page') }}
