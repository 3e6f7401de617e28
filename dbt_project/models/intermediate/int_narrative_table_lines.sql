-- Every table figure a narrative statement can cite, one record per report, table, line (or code) and
-- stage: the lines the seed narrative_measures names (01/04 总计 and totals, the 合计 row and every code of
-- 02 03 05 07 08 by column, 06 基本支出 = 人员经费合计 + 公用经费合计, the 09 items by stage). `row_key` is
-- what a narrative check names after the table code: 总计, 合计, 合计 basic, 2010601, 20106 basic,
-- 人员经费合计, total. A blank cell is NULL here (the checks count it as 0). `addends` is the number of
-- printed cells the amount is (1; 06 基本支出 is two, a 06 group without its 合计 line the sum of its 类 rows):
-- each is rounded to the cent, so a sum of n may be off the true total by 0.005 × n.

with

measures as (

    select * from {{ ref('narrative_measures') }}
    where table_code is not null

),

functional as (

    select
        f.report_id,
        f.table_no,
        m.table_code,
        m.measure,
        case
            when f.func_code is null then m.row_key
            else f.func_code || substr(m.row_key, length('合计') + 1)
        end as row_key,
        f.func_code,
        f.func_level,
        f.func_name,
        'actual' as stage,
        f.amount,
        f.unit,
        f.amount_yuan,
        f.page,
        1 as addends
    from {{ ref('fct_functional') }} as f
    inner join measures as m
        on m.table_code = {{ check_table_label('f.table_no') }}
        and m.measure = f.measure

),

summary_ranked as (

    -- 01/04 lines by line_code; 总计 and 本年收入合计 from the income side, 本年支出合计 from the expenditure
    -- side (04: its 合计 column)
    select
        s.report_id,
        s.table_no,
        m.table_code,
        m.measure,
        m.row_key,
        s.amount,
        s.unit,
        s.amount_yuan,
        s.page,
        row_number() over (
            partition by s.report_id, s.table_no, m.measure
            order by (s.side = 'expenditure' and m.measure = 'total_expenditure') desc, (s.side = 'income') desc, s.line_no
        ) as preference
    from {{ ref('fct_summary') }} as s
    inner join measures as m
        on m.table_code = {{ check_table_label('s.table_no') }}
        and m.measure = s.line_code
    where s.measure in ('amount', 'total')

),

summary as (

    select
        report_id, table_no, table_code, measure, row_key,
        null::varchar as func_code, null::varchar as func_level, null::varchar as func_name,
        'actual' as stage, amount, unit, amount_yuan, page, 1 as addends
    from summary_ranked
    where preference = 1

),

economic_groups as (

    -- the printed 人员经费合计 / 公用经费合计 lines, else the sum of the group's 类 rows
    select
        report_id,
        expense_group,
        coalesce(max(amount) filter (where econ_level = '合计'), sum(amount) filter (where econ_level = '类')) as amount,
        coalesce(max(amount_yuan) filter (where econ_level = '合计'),
                 sum(amount_yuan) filter (where econ_level = '类')) as amount_yuan,
        max(unit) as unit,
        coalesce(max(page) filter (where econ_level = '合计'), max(page)) as page,
        case when count(amount) filter (where econ_level = '合计') > 0 then 1
             else count(amount) filter (where econ_level = '类') end as addends
    from {{ ref('fct_economic') }}
    where expense_group in ('人员经费', '公用经费')
    group by report_id, expense_group

),

economic_lines as (

    select
        report_id,
        case expense_group when '人员经费' then 'personnel' else 'public' end as measure,
        amount, unit, amount_yuan, page, addends
    from economic_groups
    union all
    select
        report_id, 'basic' as measure,
        sum(coalesce(amount, 0)) as amount, max(unit) as unit, sum(coalesce(amount_yuan, 0)) as amount_yuan,
        max(page) as page, sum(addends) as addends
    from economic_groups
    group by report_id
    having count(amount) > 0

),

economic as (

    select
        e.report_id, {{ table_of_family('economic') }} as table_no, m.table_code, m.measure, m.row_key,
        null::varchar as func_code, null::varchar as func_level, null::varchar as func_name,
        'actual' as stage, e.amount, e.unit, e.amount_yuan, e.page, e.addends
    from economic_lines as e
    inner join measures as m
        on m.table_code = '06'
        and m.measure = e.measure

),

three_public as (

    select
        t.report_id, {{ table_of_family('three_public') }} as table_no, m.table_code, m.measure, m.row_key,
        null::varchar as func_code, null::varchar as func_level, null::varchar as func_name,
        t.stage, t.amount, t.unit, t.amount_yuan, t.page, 1 as addends
    from {{ ref('fct_three_public') }} as t
    inner join measures as m
        on m.table_code = '09'
        and m.measure = t.item

),

unioned as (

    select * from functional
    union all
    select * from summary
    union all
    select * from economic
    union all
    select * from three_public

)

select
    report_id,
    cast(table_no as integer) as table_no,
    table_code,
    row_key,
    measure,
    stage,
    func_code,
    func_level,
    func_name,
    cast(amount as decimal(18, 2)) as amount,
    unit,
    cast(amount_yuan as decimal(20, 2)) as amount_yuan,
    cast(page as integer) as page,
    cast(greatest(addends, 1) as integer) as addends
from unioned
