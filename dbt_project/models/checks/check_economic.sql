-- Suite economic: the basic-expenditure detail table 06 (fct_economic) and its link to 05.
--   rollup_class     06 类 = Σ its 款                      (only for a 类 printed with at least one 款)
--   personnel_total  06 人员经费合计 = Σ the 类 rows of group 人员经费 (301, 303)
--   public_total     06 公用经费合计 = Σ the 类 rows of group 公用经费 (the others)
-- The group of a code and the 类 of a 款 are the seed economic_classification's (expense_group,
-- parent_code); a 款 missing from the seed belongs to the 类 of its first three digits.
--   basic_vs_06      05 合计 basic = 06 人员经费合计 + 公用经费合计
-- observed is the printed amount of the subject, expected what the other cells imply.

with

economic as (

    select
        e.report_id,
        e.econ_code,
        e.econ_level,
        e.econ_name,
        e.expense_group,
        e.amount,
        e.page,
        case when e.econ_level = '款' then coalesce(seed.parent_code, left(e.econ_code, 3)) end as class_code
    from {{ ref('fct_economic') }} as e
    left join {{ ref('economic_classification') }} as seed
        on seed.econ_code = e.econ_code

),

classes as (

    select report_id, econ_code, expense_group, amount, page
    from economic
    where econ_level = '类'

),

-- the two printed 合计 rows; expense_group says which, the printed name is the fallback
group_totals as (

    select
        report_id,
        coalesce(
            expense_group,
            case when econ_name like '%人员经费%' then '人员经费'
                 when econ_name like '%公用经费%' then '公用经费' end
        ) as expense_group,
        amount,
        page
    from economic
    where econ_code is null and econ_level = '合计'

),

---------- 类 = Σ 款

kuan_sums as (

    select class_code, report_id, sum(amount) as parts_sum, count(amount) as n_addends
    from economic
    where econ_level = '款'
    group by all

),

class_rollups as (

    select
        c.report_id,
        'rollup_class' as check_name,
        {{ table_of_family('economic') }} as table_no,
        '06 ' || c.econ_code as subject,
        {{ check_amount('k.parts_sum') }} as expected,
        {{ check_amount('c.amount') }} as observed,
        k.n_addends,
        c.page
    from classes as c
    inner join kuan_sums as k
        on k.report_id = c.report_id and k.class_code = c.econ_code
    where not (c.amount is null and k.n_addends = 0)

),

---------- 人员经费合计 / 公用经费合计 = their 类 rows

class_group_sums as (

    select
        report_id,
        expense_group,
        sum(amount) as parts_sum,
        count(amount) as n_addends
    from classes
    group by all

),

group_checks as (

    select
        t.report_id,
        case t.expense_group when '人员经费' then 'personnel_total' else 'public_total' end as check_name,
        {{ table_of_family('economic') }} as table_no,
        '06 ' || t.expense_group || '合计' as subject,
        {{ check_amount('s.parts_sum') }} as expected,
        {{ check_amount('t.amount') }} as observed,
        coalesce(s.n_addends, 0) as n_addends,
        t.page
    from group_totals as t
    left join class_group_sums as s
        on s.report_id = t.report_id and s.expense_group = t.expense_group
    where t.expense_group in ('人员经费', '公用经费')
      and not (t.amount is null and coalesce(s.n_addends, 0) = 0)

),

---------- 05 basic 合计 = 06 人员经费合计 + 公用经费合计

basic_05 as (

    select report_id, amount, page
    from {{ ref('fct_functional') }}
    where cast(table_no as integer) = 5 and func_level = '合计' and measure = 'basic'

),

totals_06 as (

    select report_id, sum(amount) as parts_sum, count(amount) as n_addends
    from group_totals
    where expense_group in ('人员经费', '公用经费')
    group by all

),

basic_vs_06 as (

    select
        coalesce(b.report_id, t.report_id) as report_id,
        'basic_vs_06' as check_name,
        5 as table_no,
        '05 合计 basic' as subject,
        {{ check_amount('t.parts_sum') }} as expected,
        {{ check_amount('b.amount') }} as observed,
        coalesce(t.n_addends, 0) as n_addends,
        b.page
    from basic_05 as b
    full outer join totals_06 as t
        on t.report_id = b.report_id
    where not (b.amount is null and coalesce(t.n_addends, 0) = 0)

),

unioned as (

    select * from class_rollups
    union all
    select * from group_checks
    union all
    select * from basic_vs_06

)

{{ check_comparison_select('economic', page='unioned.page') }}
