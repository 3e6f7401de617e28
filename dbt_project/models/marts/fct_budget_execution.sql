-- Budget execution as the narrative states it (五（三） 一般公共预算财政拨款支出决算具体情况): one record per
-- 年初预算 / 决算 statement of a 项 (or 类, 款) and of the total line (一般公共预算财政拨款支出), joined to
-- 公开05表 (07, 08 for their funds) by code: the budget and the 决算 as stated, 05's 决算, the completion
-- rate as stated and as computed, the relation word and the reason.

with

figures as (

    select * from {{ ref('int_narrative_figures') }}
    where kind = 'budget_final'
        and table_hint in {{ tables_of_family('functional', 'table_code') }}
        and (func_level is not null or row_key = '合计')

),

claims as (

    -- one record per claim: its figures side by side
    select
        report_id,
        claim_no,
        any_value(sentence_no) as sentence_no,
        any_value(page) as page,
        any_value(sentence) as sentence,
        any_value(subject) as subject,
        any_value(table_hint) as table_hint,
        any_value(resolution) as resolution,
        any_value(func_code) as func_code,
        any_value(func_level) as func_level_printed,
        any_value(item_name) as item_name,
        any_value(kuan_name) as kuan_name,
        any_value(class_name) as class_name,
        any_value(money_unit) as unit,
        any_value(factor) as factor,
        any_value(budget) as budget,
        any_value(budget_label) as budget_label,
        any_value(budget_full) as budget_full,
        any_value(final) as final,
        any_value(rate_basis) as rate_basis,
        any_value(relation) as relation,
        any_value(relation_text) as relation_text,
        any_value(reason) as reason,
        max(table_value_exact) filter (where figure = 'final') as table_final,
        max(table_page) filter (where figure = 'final') as table_page,
        max(stated_value) filter (where figure = 'rate') as stated_rate,
        max(stated_text) filter (where figure = 'rate') as stated_rate_text,
        max(computed_value) filter (where figure = 'rate') as computed_rate,
        max(rate_budget_label) filter (where figure = 'rate') as computed_rate_basis,
        bool_and(stated_value between expected_low and expected_high) filter (where figure = 'final') as final_agrees,
        bool_and(stated_value between computed_low - {{ narrative_unit_of_place('places') }}
                                  and computed_high + {{ narrative_unit_of_place('places') }})
            filter (where figure = 'rate') as rate_agrees
    from figures
    group by report_id, claim_no

),

with_relation_budget as (

    -- the budget the relation word compares with: 年初预算, or 全年预算 when the rate names it or 年初预算 is 0
    select
        *,
        case
            when budget_full is not null and (budget is null or budget = 0 or rate_basis in ('全年预算', '调整预算'))
                then budget_full
            else budget
        end as relation_budget
    from claims

),

names as (

    select distinct report_id, table_no, func_code, func_level, func_name
    from {{ ref('fct_functional') }}
    where func_code is not null

)

select
    ---------- ids
    claims.report_id,
    claims.claim_no,
    claims.sentence_no,
    claims.page,
    ---------- the line
    cast(claims.table_hint as integer) as table_no,
    claims.func_code,
    case when claims.func_level_printed is null then '合计' else coalesce(names.func_level, claims.func_level_printed) end
        as func_level,
    case when claims.func_level_printed is null then '合计'
         else coalesce(names.func_name, claims.item_name, claims.kuan_name, claims.class_name) end as func_name,
    claims.subject,
    claims.resolution,
    ---------- as stated
    claims.budget,
    claims.budget_label,
    claims.budget_full,
    claims.final,
    claims.unit,
    cast(claims.budget * claims.factor as decimal(20, 2)) as budget_yuan,
    cast(claims.budget_full * claims.factor as decimal(20, 2)) as budget_full_yuan,
    cast(claims.final * claims.factor as decimal(20, 2)) as final_yuan,
    ---------- 05's 决算 (07, 08 for their funds)
    cast(claims.table_final as decimal(20, 4)) as table_final,
    cast(claims.table_final * claims.factor as decimal(20, 2)) as table_final_yuan,
    claims.table_page,
    claims.final_agrees,
    ---------- completion rate, percent
    cast(claims.stated_rate as decimal(12, 4)) as stated_rate,
    claims.stated_rate_text,
    claims.rate_basis,
    cast(round(claims.computed_rate, 4) as decimal(12, 4)) as computed_rate,
    claims.computed_rate_basis,
    claims.rate_agrees,
    ---------- relation and reason
    claims.relation,
    claims.relation_text,
    case sign(claims.final - claims.relation_budget) when 1 then '大于' when -1 then '小于' when 0 then '等于' end
        as computed_relation,
    -- 持平 and 等于 are one relation; a report printing 年初预算 and 全年预算 may compare with either
    case when claims.relation in ('大于', '小于', '等于', '持平') and claims.final is not null then
        case claims.relation when '大于' then 1 when '小于' then -1 else 0 end
            in (sign(claims.final - claims.budget), sign(claims.final - claims.budget_full))
    end as relation_agrees,
    claims.reason,
    claims.sentence
from with_relation_budget as claims
left join names
    on names.report_id = claims.report_id
    and {{ check_table_label('names.table_no') }} = claims.table_hint
    and names.func_code = claims.func_code
