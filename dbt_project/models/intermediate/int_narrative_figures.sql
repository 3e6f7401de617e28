-- One record per figure a narrative claim states (raw.narrative_claims): its subject resolved against the
-- report's own tables, the table value it is compared with and what that value is computed from.
--
-- Resolution (column `resolution`):
--   by_code   a 类/款/项 subject whose code is printed: the row of that code in the table the section speaks of
--   by_name   a 类/款/项 subject printed by name only: the one row of that level whose name (and the names of
--             its 款 and 类, when printed) match; none or several is `not_found`
--   by_line   a line or column the measure names (seed narrative_measures): 01 总计, 05 合计, 06 人员经费合计 …
--   not_found the tables should hold it but the report's do not (no such code or name, a table not printed)
--   no_table  a figure no standard table holds (机关运行经费, 政府采购, counts, scores, 绩效 …)
--   unread    the reader could not attribute the figure (kind unresolved): never compared
--
-- Table values (`table_value`, in the stated unit for money, percent for shares and rates):
--   amount / final / budget   the cell of the subject (09: the 决算数 or 预算数 stage); a blank cell is 0
--   share                     the subject's cell over the whole's (占 …的, else the section's total) × 100,
--                             from the tables, else from the figures the sentence states
--   rate (budget_final)       决算 / 预算 × 100 from the figures stated (预算 the one the rate names: 年初预算,
--                             全年预算; the other when that one is 0); the tables' when not stated
--   rate (yoy)                change / (current − change) for 增加, change / (current + change) for 减少, from the
--                             figures stated (current: the amount the sentence refers to, else the table's)
-- `expected` is the table value rounded half up to the decimals the figure is printed with.

with

claims as (

    select
        c.*,
        s.part_no,
        s.section_no,
        s.section_title,
        s.subsection_no,
        s.subsection_title,
        s.item_no,
        s.sentence,
        -- the unit of the claim's money figures (a share's operands: the report's unit)
        case when c.unit in ('万元', '元', '亿元', '千元') then c.unit else r.unit end as money_unit
    from {{ ref('stg_juesuan__narrative_claims') }} as c
    inner join {{ ref('stg_juesuan__narrative_sentences') }} as s
        on s.report_id = c.report_id
        and s.sentence_no = c.sentence_no
    inner join {{ ref('stg_juesuan__reports') }} as r
        on r.report_id = c.report_id

),

measures as (

    select * from {{ ref('narrative_measures') }}

),

lines as (

    select * from {{ ref('int_narrative_table_lines') }}

),

report_tables as (

    select report_id, table_no, first_page, is_empty, unit from {{ ref('stg_juesuan__report_tables') }}

),

---------------------------------------------------------------------------------------------- 类/款/项 subjects

func_rows as (

    select distinct report_id, table_no, func_code, func_level, func_name
    from {{ ref('fct_functional') }}
    where func_code is not null

),

seed_names as (

    select seed_years.report_id, classes.func_code, classes.func_name
    from {{ ref('int_report_seed_years') }} as seed_years
    inner join {{ ref('function_classification') }} as classes
        on classes.fiscal_year = seed_years.seed_year
    where length(classes.func_code) in (3, 5)

),

func_named as (

    -- each printed row with the names of its 款 and 类 (as printed in the same table, else the seed's)
    select
        r.report_id,
        r.table_no,
        r.func_code,
        r.func_level,
        {{ label_key('r.func_name') }} as func_name,
        {{ label_key('coalesce(k.func_name, ks.func_name)') }} as kuan_name,
        {{ label_key('coalesce(c.func_name, cs.func_name)') }} as class_name
    from func_rows as r
    left join func_rows as k
        on k.report_id = r.report_id and k.table_no = r.table_no and k.func_code = left(r.func_code, 5)
        and length(r.func_code) = 7
    left join seed_names as ks
        on ks.report_id = r.report_id and ks.func_code = left(r.func_code, 5) and length(r.func_code) = 7
    left join func_rows as c
        on c.report_id = r.report_id and c.table_no = r.table_no and c.func_code = left(r.func_code, 3)
        and length(r.func_code) > 3
    left join seed_names as cs
        on cs.report_id = r.report_id and cs.func_code = left(r.func_code, 3) and length(r.func_code) > 3

),

func_candidates as (

    select
        claims.report_id,
        claims.claim_no,
        rows.func_code
    from claims
    inner join func_named as rows
        on rows.report_id = claims.report_id
        and {{ check_table_label('rows.table_no') }} = claims.table_hint
    where claims.func_level is not null
        and claims.kind <> 'unresolved'
        and (
            (claims.subject_code is not null and rows.func_code = claims.subject_code)
            or (
                claims.subject_code is null
                and rows.func_level = claims.func_level
                and case claims.func_level
                    when '类' then {{ narrative_name_matches('rows.func_name', 'claims.class_name') }}
                    when '款' then {{ narrative_name_matches('rows.func_name', 'claims.kuan_name') }}
                        and (claims.class_name is null
                             or {{ narrative_name_matches('rows.class_name', 'claims.class_name') }})
                    when '项' then {{ narrative_name_matches('rows.func_name', 'claims.item_name') }}
                        and (claims.kuan_name is null
                             or {{ narrative_name_matches('rows.kuan_name', 'claims.kuan_name') }})
                        and (claims.class_name is null
                             or {{ narrative_name_matches('rows.class_name', 'claims.class_name') }})
                end
            )
        )

),

func_resolved as (

    select report_id, claim_no, min(func_code) as func_code, count(*) as candidates
    from func_candidates
    group by report_id, claim_no

),

---------------------------------------------------------------------------------------------- every claim's subject

subjects as (

    select
        claims.*,
        measures.row_key as line_row_key,
        measures.topic,
        func_resolved.func_code as resolved_code,
        func_resolved.candidates,
        case
            when claims.kind = 'unresolved' then 'unread'
            when claims.kind in ('count', 'other') then 'no_table'
            when claims.table_hint is null then 'no_table'
            when claims.func_level is not null then
                case
                    when claims.table_hint not in {{ tables_of_family('functional', 'table_code') }}
                        then 'not_found'
                    when func_resolved.candidates = 1 and claims.subject_code is not null then 'by_code'
                    when func_resolved.candidates = 1 then 'by_name'
                    else 'not_found'
                end
            when measures.row_key is not null then 'by_line'
            else 'not_found'
        end as resolution,
        case
            when claims.kind in ('unresolved', 'count', 'other') or claims.table_hint is null then null
            when claims.func_level is not null and func_resolved.candidates > 1
                then 'the names match ' || func_resolved.candidates || ' rows of table ' || claims.table_hint
            when claims.func_level is not null and claims.subject_code is not null and func_resolved.candidates is null
                then 'table ' || claims.table_hint || ' prints no code ' || claims.subject_code
            when claims.func_level is not null and func_resolved.candidates is null
                then 'table ' || claims.table_hint || ' prints no ' || claims.func_level || ' of that name'
            when claims.func_level is null and measures.row_key is null
                then 'no line of table ' || claims.table_hint || ' holds ' || coalesce(claims.measure, 'it')
        end as resolution_note
    from claims
    left join measures
        on measures.table_code is not distinct from claims.table_hint
        and measures.measure = claims.measure
    left join func_resolved
        on func_resolved.report_id = claims.report_id
        and func_resolved.claim_no = claims.claim_no

),

located as (

    -- the key of the subject's line in int_narrative_table_lines
    select
        subjects.*,
        case
            when resolution in ('by_code', 'by_name') then
                resolved_code || coalesce(
                    (select substr(m.row_key, length('合计') + 1) from measures as m
                     where m.table_code = subjects.table_hint and m.measure = subjects.measure), '')
            when resolution = 'by_line' then line_row_key
        end as row_key
    from subjects

),

---------------------------------------------------------------------------------------------- one row per figure

figures as (

    -- amount: a budget-only statement states a budget, a 决算-only one a final
    select *, case when budget is not null and final is null then 'budget'
                   when final is not null then 'final' else 'amount' end as figure,
           value as stated, value_text as stated_text, value_places as places, unit as stated_unit
    from located where kind = 'amount'
    union all
    select *, 'share', value, value_text, value_places, '%' from located where kind = 'share'
    union all
    select *, 'change', change, value_text, value_places, unit from located where kind = 'yoy' and change is not null
    union all
    select *, 'rate', rate, rate_text, rate_places, '%' from located where kind = 'yoy' and rate is not null
    union all
    select *, 'budget', budget, budget_text, budget_places, unit from located where kind = 'budget_final' and budget is not null
    union all
    select *, 'budget_full', budget_full, null, null, unit from located
    where kind = 'budget_final' and budget_full is not null
    union all
    select *, 'final', final, value_text, value_places, unit from located where kind = 'budget_final' and final is not null
    union all
    select *, 'rate', rate, rate_text, rate_places, '%' from located where kind = 'budget_final' and rate is not null
    union all
    select *, case when kind = 'count' then 'count' when measure = 'score' then 'score' else 'other' end,
           value, value_text, value_places, unit
    from located where kind in ('count', 'other', 'unresolved')

),

---------------------------------------------------------------------------------------------- table values

with_cells as (

    select
        figures.*,
        rt.first_page as table_first_page,
        coalesce(rt.is_empty, false) as table_is_empty,
        rt.unit as table_unit,
        -- the subject's cell: 决算数 (09: the stage the figure names)
        cell.amount_yuan as cell_yuan,
        cell.addends as cell_addends,
        cell.page as cell_page,
        cell.report_id is not null as cell_found,
        -- 09 预算数 of the subject (the budget of a rate that states none)
        budget_cell.amount_yuan as budget_cell_yuan,
        -- the whole a share is of: its 占 …的, else the section's total
        base_m.row_key as base_row_key,
        base.amount_yuan as base_cell_yuan,
        base.addends as base_addends,
        base_rt.unit as base_table_unit,
        coalesce(base_rt.is_empty, false) as base_table_is_empty,
        base.report_id is not null as base_found
    from figures
    left join report_tables as rt
        on rt.report_id = figures.report_id
        and {{ check_table_label('rt.table_no') }} = figures.table_hint
    left join lines as cell
        on cell.report_id = figures.report_id
        and cell.table_code = figures.table_hint
        and cell.row_key = figures.row_key
        and cell.stage = case when figures.figure = 'budget' then 'budget' else 'actual' end
    left join lines as budget_cell
        on budget_cell.report_id = figures.report_id
        and budget_cell.table_code = figures.table_hint
        and budget_cell.row_key = figures.row_key
        and budget_cell.stage = 'budget'
    left join measures as base_m
        on base_m.table_code = figures.base_table_hint
        and base_m.measure = figures.base_measure
    left join lines as base
        on base.report_id = figures.report_id
        and base.table_code = figures.base_table_hint
        and base.row_key = base_m.row_key
        and base.stage = 'actual'
    left join report_tables as base_rt
        on base_rt.report_id = figures.report_id
        and {{ check_table_label('base_rt.table_no') }} = figures.base_table_hint

),

operands as (

    -- every operand in 元, with its rounding error: a table cell is within half a cent of the true value (a
    -- sum of n cells within n halves), a stated figure within half a unit of its last printed place. A blank
    -- cell, or a table printed empty, is 0.
    select
        with_cells.*,
        {{ narrative_yuan_factor('money_unit') }} as factor,
        {{ narrative_from_yuan('money_unit') }} as inverse_factor,
        case when resolution in ('by_code', 'by_name', 'by_line') and (cell_found or table_is_empty)
             then coalesce(cell_yuan, 0) end as subject_yuan,
        0.005 * coalesce(cell_addends, 1) * {{ narrative_yuan_factor('table_unit') }} as subject_error_yuan,
        case when figure = 'share' and base_row_key is not null and (base_found or base_table_is_empty)
             then coalesce(base_cell_yuan, 0) end as base_table_yuan,
        0.005 * coalesce(base_addends, 1) * {{ narrative_yuan_factor('base_table_unit') }} as base_error_yuan,
        -- the budget a completion rate is of: the one it names, the other printed one when that is 0
        case
            when rate_basis in ('全年预算', '调整预算') and coalesce(budget_full, 0) <> 0 then budget_full
            when coalesce(budget, 0) <> 0 then budget
            when coalesce(budget_full, 0) <> 0 then budget_full
        end as rate_budget_stated,
        case
            when rate_basis in ('全年预算', '调整预算') and coalesce(budget_full, 0) <> 0 then '全年预算'
            when coalesce(budget, 0) <> 0 then coalesce(budget_label, '预算')
            when coalesce(budget_full, 0) <> 0 then '全年预算'
        end as rate_budget_label
    from with_cells

),

computed as (

    select
        operands.*,
        -- money: the subject's cell, in the stated unit
        case when figure in ('amount', 'final') or (figure = 'budget' and table_hint = '09')
             then cast(subject_yuan * inverse_factor as decimal(24, 6)) end as money_table_value,
        case when figure in ('amount', 'final') or (figure = 'budget' and table_hint = '09')
             then case when coalesce(cell_addends, 1) > 1 then subject_error_yuan else 0 end end as money_error_yuan,
        -- share: part and whole in 元, from the tables, else as the sentence states them
        case when figure = 'share' then coalesce(subject_yuan, numerator * factor) end as share_num_yuan,
        case when figure = 'share' then coalesce(base_table_yuan, base_value * factor) end as share_den_yuan,
        case when figure = 'share' then
            case when subject_yuan is not null then subject_error_yuan else 0.005 * factor end end as share_num_error,
        case when figure = 'share' then
            case when base_table_yuan is not null then base_error_yuan else 0.005 * factor end end as share_den_error,
        case when figure = 'share' then
            case when subject_yuan is not null and base_table_yuan is not null then 'tables'
                 when subject_yuan is null and base_table_yuan is null then 'text'
                 else 'tables and text' end
        end as share_basis,
        -- completion rate: 决算 over 预算 as stated (the tables' 决算, and 09's 预算数, when not stated)
        case when kind = 'budget_final' and figure = 'rate'
             then coalesce(final * factor, subject_yuan) end as rate_final_yuan,
        case when kind = 'budget_final' and figure = 'rate'
             then coalesce(rate_budget_stated * factor, case when table_hint = '09' then budget_cell_yuan end) end
            as rate_budget_yuan,
        case when kind = 'budget_final' and figure = 'rate'
             then case when final is not null then 0.5 * {{ narrative_unit_of_place('coalesce(value_places, 2)') }} * factor
                       else subject_error_yuan end end as rate_final_error,
        case when kind = 'budget_final' and figure = 'rate'
             then case when rate_budget_stated is not null
                       then 0.5 * {{ narrative_unit_of_place('coalesce(budget_places, 2)') }} * factor
                       else subject_error_yuan end end as rate_budget_error,
        -- yoy: the previous year implied by the change and the current figure (the one the sentence refers
        -- to, else the table's)
        case when kind = 'yoy' and figure = 'rate' then coalesce(current_value * factor, subject_yuan) end
            as yoy_current_yuan,
        case when kind = 'yoy' and figure = 'rate'
             then coalesce(current_value * factor, subject_yuan)
                  - case direction when '减少' then -1 else 1 end * change * factor end as yoy_prior_yuan,
        case when kind = 'yoy' and figure = 'rate'
             then 0.5 * {{ narrative_unit_of_place('coalesce(value_places, 2)') }} * factor end as yoy_change_error,
        case when kind = 'yoy' and figure = 'rate'
             then case when current_value is not null
                       then 0.5 * {{ narrative_unit_of_place('coalesce(value_places, 2)') }} * factor
                       else subject_error_yuan end end as yoy_current_error
    from operands

),

ratios as (

    -- the ratio a share or rate states, with its parts and their rounding errors
    select
        computed.*,
        case
            when figure = 'share' then share_num_yuan
            when figure = 'rate' and kind = 'budget_final' then rate_final_yuan
            when figure = 'rate' and kind = 'yoy' then change * factor
        end as ratio_num,
        case
            when figure = 'share' then share_den_yuan
            when figure = 'rate' and kind = 'budget_final' then rate_budget_yuan
            when figure = 'rate' and kind = 'yoy' and yoy_prior_yuan > 0 then yoy_prior_yuan
        end as ratio_den,
        case
            when figure = 'share' then share_num_error
            when figure = 'rate' and kind = 'budget_final' then rate_final_error
            when figure = 'rate' and kind = 'yoy' then yoy_change_error
        end as ratio_num_error,
        case
            when figure = 'share' then share_den_error
            when figure = 'rate' and kind = 'budget_final' then rate_budget_error
            when figure = 'rate' and kind = 'yoy' then yoy_change_error + yoy_current_error
        end as ratio_den_error
    from computed

),

valued as (

    select
        ratios.*,
        case
            when figure in ('amount', 'final', 'budget') then money_table_value
            when figure in ('share', 'rate') then {{ narrative_percent('ratio_num', 'ratio_den', 6) }}
        end as table_value_exact,
        case
            when figure in ('amount', 'final', 'budget') then {{ narrative_round('money_table_value', 'places') }}
            when figure in ('share', 'rate') then {{ narrative_percent('ratio_num', 'ratio_den', 'places') }}
        end as expected_value,
        -- how far the true value may be from table_value_exact, given the rounding of what it is computed
        -- from: 0 for a printed cell; for a ratio n/d, 100 × (e_n / |d| + |n| × e_d / d²) percent
        case
            when figure in ('amount', 'final', 'budget') and money_table_value is not null
                then cast(money_error_yuan * inverse_factor as decimal(24, 6))
            when figure in ('share', 'rate') and ratio_num is not null and coalesce(ratio_den, 0) <> 0
                then cast(ceil(100 * (ratio_num_error / abs(ratio_den)
                                      + abs(ratio_num) * ratio_den_error / (ratio_den * ratio_den)) * 1000000)
                          / 1000000 as decimal(24, 6))
        end as table_value_error,
        case
            when figure in ('amount', 'final', 'budget') and money_table_value is not null
                then coalesce(cell_page, table_first_page)
            when figure = 'share' and subject_yuan is not null then coalesce(cell_page, table_first_page)
        end as table_page
    from ratios

),

bounded as (

    -- the range of correctly rounded values: what the figure could be printed as, given the rounding of
    -- the figures it is computed from
    select
        valued.*,
        {{ narrative_round('table_value_exact - table_value_error', 'places') }} as expected_low,
        {{ narrative_round('table_value_exact + table_value_error', 'places') }} as expected_high
    from valued

)

select
    ---------- ids
    report_id,
    claim_no,
    figure,
    sentence_no,
    ---------- where
    page,
    part_no,
    section_no,
    section_title,
    subsection_no,
    subsection_title,
    item_no,
    sentence,
    ---------- what it is about, as printed
    kind,
    subject,
    subject_code,
    func_level,
    class_name,
    kuan_name,
    item_name,
    table_hint,
    measure,
    measure_zh,
    topic,
    ---------- resolved against the tables
    resolution,
    resolution_note,
    case when resolution in ('by_code', 'by_name', 'by_line') then cast(table_hint as integer) end as table_no,
    case when resolution in ('by_code', 'by_name') then resolved_code end as func_code,
    row_key,
    case when row_key is not null then table_hint || ' ' || row_key end as subject_key,
    ---------- the stated figure
    cast(stated as decimal(20, 4)) as stated_value,
    stated_text,
    cast(places as integer) as places,
    value_text,
    budget_text,
    stated_unit,
    money_unit,
    unit_inferred,
    value_places,
    budget_places,
    rate_places,
    cast(case when stated_unit in ('万元', '元', '亿元', '千元') then stated * factor end as decimal(24, 4)) as stated_yuan,
    factor,
    ---------- the claim's other figures (operands of rates and shares)
    budget, budget_label, budget_full, final, rate_basis, relation, relation_text, reason,
    change, direction, compared_with, current_value, numerator, base_text, base_table_hint, base_measure, base_value,
    base_row_key,
    ---------- what the tables say
    -- what the figure's own arithmetic gives (a rate from the figures the sentence states), found in the
    -- tables or not: fct_budget_execution and fct_prior_year report it
    cast(table_value_exact as decimal(24, 6)) as computed_value,
    cast(expected_low as decimal(24, 6)) as computed_low,
    cast(expected_high as decimal(24, 6)) as computed_high,
    -- only a subject found in the tables has a table value: the figures no table holds (绩效 projects,
    -- 政府采购, 机关运行经费) are not compared
    cast(case when resolution in ('by_code', 'by_name', 'by_line') then table_value_exact end as decimal(24, 6))
        as table_value_exact,
    cast(case when resolution in ('by_code', 'by_name', 'by_line') then expected_value end as decimal(24, 6)) as expected_value,
    cast(case when resolution in ('by_code', 'by_name', 'by_line') then table_value_error end as decimal(24, 6))
        as table_value_error,
    cast(case when resolution in ('by_code', 'by_name', 'by_line') then expected_low end as decimal(24, 6)) as expected_low,
    cast(case when resolution in ('by_code', 'by_name', 'by_line') then expected_high end as decimal(24, 6)) as expected_high,
    cast(table_page as integer) as table_page,
    table_unit,
    subject_yuan,
    subject_error_yuan,
    share_num_yuan,
    share_den_yuan,
    share_basis,
    ratio_num,
    ratio_den,
    rate_final_yuan,
    rate_budget_yuan,
    rate_budget_label,
    yoy_current_yuan,
    yoy_prior_yuan,
    budget_cell_yuan,
    note
from bounded
