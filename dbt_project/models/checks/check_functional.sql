-- Suite functional: the functional-classification tables 02, 03, 05, 07, 08 (fct_functional).
--   rollup_total   合计 = Σ 类            (per table and measure)
--   rollup_class   类   = Σ its 款        (only for a 类 printed with at least one 款 row)
--   rollup_kuan    款   = Σ its 项        (only for a 款 printed with at least one 项 row)
--   row_total      02 本年收入合计 = Σ income columns; 03 本年支出合计 = Σ expenditure columns;
--                  05, 07, 08 total = basic + project               (per printed row)
--   fund_balance   07 年初结转和结余 + 本年收入 − 本年支出 = 年末结转和结余   (per printed row)
-- observed is the printed amount of the subject (page: where it is printed), expected what the other cells imply;
-- difference = observed − expected. NULL counts as 0; a subject whose parts and total are all NULL is
-- not evaluated.

with

facts as (

    select
        report_id,
        cast(table_no as integer) as table_no,
        func_code,
        func_level,
        measure,
        amount,
        page
    from {{ ref('fct_functional') }}
    where cast(table_no as integer) in {{ tables_of_family('functional') }}

),

-- one row per printed row: the code, or NULL for the 合计 row
rows_printed as (

    select *, coalesce(func_code, '合计') as row_key
    from facts
    where func_level = '合计' or length(func_code) in (3, 5, 7)

),

---------- check 1: roll-ups

children as (

    select
        report_id,
        table_no,
        measure,
        case length(func_code) when 5 then left(func_code, 3) when 7 then left(func_code, 5) end as parent_key,
        length(func_code) as child_length,
        amount
    from rows_printed
    where func_code is not null

),

child_sums as (

    select
        report_id,
        table_no,
        measure,
        coalesce(parent_key, '合计') as parent_key,
        child_length,
        sum(amount) as parts_sum,
        count(amount) as n_addends
    from children
    group by all

),

parents as (

    select
        report_id,
        table_no,
        measure,
        row_key as parent_key,
        case when func_code is null then 3 else length(func_code) + 2 end as child_length,
        case when func_code is null then 'rollup_total'
             when length(func_code) = 3 then 'rollup_class'
             else 'rollup_kuan' end as check_name,
        amount as printed,
        page
    from rows_printed
    where func_code is null or length(func_code) in (3, 5)

),

rollups as (

    select
        p.report_id,
        p.check_name,
        p.table_no,
        {{ check_table_label('p.table_no') }} || ' ' || p.parent_key || ' ' || p.measure as subject,
        {{ check_amount('c.parts_sum') }} as expected,
        {{ check_amount('p.printed') }} as observed,
        coalesce(c.n_addends, 0) as n_addends,
        p.page
    from parents as p
    left join child_sums as c
        on  c.report_id = p.report_id
        and c.table_no = p.table_no
        and c.measure = p.measure
        and c.parent_key = p.parent_key
        and c.child_length = p.child_length
    -- the 合计 row is always checked (no 类 rows means Σ = 0); a 类/款 only when its children are printed
    where (p.check_name = 'rollup_total' or c.parent_key is not null)
      and not (p.printed is null and coalesce(c.n_addends, 0) = 0)

),

---------- check 2: row identities

row_parts (table_no, total_measure, part_measure) as (

    values
        (2, 'total_income', 'fiscal_appropriation'),
        (2, 'total_income', 'higher_level_subsidy'),
        (2, 'total_income', 'service_income'),
        (2, 'total_income', 'business_income'),
        (2, 'total_income', 'affiliate_remittance'),
        (2, 'total_income', 'other_income'),
        (3, 'total_expenditure', 'basic'),
        (3, 'total_expenditure', 'project'),
        (3, 'total_expenditure', 'remitted_to_higher'),
        (3, 'total_expenditure', 'business_expenditure'),
        (3, 'total_expenditure', 'subsidy_to_affiliates'),
        (5, 'total', 'basic'),
        (5, 'total', 'project'),
        (7, 'total', 'basic'),
        (7, 'total', 'project'),
        (8, 'total', 'basic'),
        (8, 'total', 'project')

),

row_part_sums as (

    select
        r.report_id,
        r.table_no,
        r.row_key,
        sum(r.amount) as parts_sum,
        count(r.amount) as n_addends
    from rows_printed as r
    inner join row_parts as p
        on p.table_no = r.table_no and p.part_measure = r.measure
    group by all

),

row_total_printed as (

    select r.report_id, r.table_no, r.row_key, r.amount as printed, r.page
    from rows_printed as r
    inner join (select distinct table_no, total_measure from row_parts) as t
        on t.table_no = r.table_no and t.total_measure = r.measure

),

row_totals as (

    select
        coalesce(t.report_id, s.report_id) as report_id,
        'row_total' as check_name,
        coalesce(t.table_no, s.table_no) as table_no,
        {{ check_table_label('coalesce(t.table_no, s.table_no)') }} || ' ' || coalesce(t.row_key, s.row_key) as subject,
        {{ check_amount('s.parts_sum') }} as expected,
        {{ check_amount('t.printed') }} as observed,
        coalesce(s.n_addends, 0) as n_addends,
        t.page
    from row_total_printed as t
    full outer join row_part_sums as s
        on s.report_id = t.report_id and s.table_no = t.table_no and s.row_key = t.row_key
    where not (t.printed is null and coalesce(s.n_addends, 0) = 0)

),

fund_rows as (

    select
        report_id,
        table_no,
        row_key,
        max(amount) filter (where measure = 'opening_balance') as opening_balance,
        max(amount) filter (where measure = 'income') as income,
        max(amount) filter (where measure = 'total') as spending,
        max(amount) filter (where measure = 'closing_balance') as closing_balance,
        max(page) filter (where measure = 'closing_balance') as page
    from rows_printed
    where table_no = 7
    group by all

),

fund_balances as (

    select
        report_id,
        'fund_balance' as check_name,
        table_no,
        {{ check_table_label('table_no') }} || ' ' || row_key as subject,
        {{ check_amount('opening_balance') }} + {{ check_amount('income') }} - {{ check_amount('spending') }} as expected,
        {{ check_amount('closing_balance') }} as observed,
        (opening_balance is not null)::int + (income is not null)::int + (spending is not null)::int as n_addends,
        page
    from fund_rows
    where coalesce(opening_balance, income, spending, closing_balance) is not null

),

unioned as (

    select * from rollups
    union all
    select * from row_totals
    union all
    select * from fund_balances

)

{{ check_comparison_select('functional', page='unioned.page') }}
