-- Suite narrative: the figures of the narrative (第三部分 情况说明) against the report's own tables, and
-- against themselves (int_narrative_figures resolves each figure's subject and computes the table value).
--   narrative_amount        a stated amount = its table cell
--   narrative_share         占 X% = the subject's cell / the whole's cell (the tables', else the sentence's)
--   narrative_yoy           比上年增长/下降 X% = change / (current ∓ change); a previous year of 0 has no rate
--   narrative_budget_final  决算 = the 05 (09) cell; 完成 X% = 决算 / 预算; 大于/小于/等于/持平 = the numbers' order
--   narrative_consistency   a figure stated again = its first statement
--   narrative_rounding      (warning) a figure within one unit of its last printed place is rounded half up
-- The comparison columns are DECIMAL(18,2), in 元 for money (a 万元 figure with four decimals is whole 元)
-- and in hundredths of a percent for shares and rates (71.73 % is 7173.00): every figure the reader keeps
-- (at most four decimal places) is compared exactly. `expected` is the table value rounded half up to the
-- decimals the figure is printed with; the tolerance of the error-level checks is the range of correctly
-- rounded values (the parts of a ratio are themselves rounded: 1.56 / 3.38 may be anything from 46.09 % to
-- 46.21 %) plus one unit of the last printed place (a rounding slip or a truncation is a warning, of
-- narrative_rounding, not an error). Figures the tables do not hold, and sentences the reader could not
-- read, are not compared.

with

figures as (

    select * from {{ ref('int_narrative_figures') }}
    where table_no is not null

),

compared as (

    -- one comparison per stated figure that has a table value; money in 元, percentages in 0.01 %
    select
        figures.*,
        case
            when figure = 'share' then 'narrative_share'
            when kind = 'yoy' then 'narrative_yoy'
            when kind = 'budget_final' then 'narrative_budget_final'
            else 'narrative_amount'
        end as check_name,
        case when stated_unit = '%' then cast(100 as decimal(20, 6)) else factor end as scale,
        case when figure in ('amount') then '' else ' ' || figure end as aspect
    from figures
    where expected_value is not null
        and figure in ('amount', 'final', 'budget', 'share', 'rate')

),

measured as (

    select
        compared.*,
        stated_value * scale as observed_cmp,
        expected_value * scale as expected_cmp,
        greatest(expected_value - expected_low, expected_high - expected_value) * scale as rounding_range_cmp,
        {{ narrative_unit_of_place('places') }} * scale as unit_cmp
    from compared

),

value_rows as (

    select
        report_id,
        check_name,
        table_no,
        subject_key || aspect || ' (claim ' || claim_no || ')' as subject,
        expected_cmp as expected,
        observed_cmp as observed,
        rounding_range_cmp + unit_cmp as tolerance,
        page,
        subject_key || aspect || ': 「' || sentence || '」 states ' || stated_text || stated_unit
            || case
                when figure = 'share' then '; ' || {{ narrative_yuan_text('ratio_num', 'money_unit') }} || ' / '
                    || {{ narrative_yuan_text('ratio_den', 'money_unit') }} || ' = '
                    || {{ narrative_plain('table_value_exact') }} || '% (from the ' || share_basis || ')'
                when figure = 'rate' and kind = 'budget_final' then '; 决算 '
                    || {{ narrative_yuan_text('ratio_num', 'money_unit') }} || ' / ' || coalesce(rate_budget_label, '预算') || ' '
                    || {{ narrative_yuan_text('ratio_den', 'money_unit') }} || ' = ' || {{ narrative_plain('table_value_exact') }} || '%'
                when figure = 'rate' then '; change ' || {{ narrative_yuan_text('ratio_num', 'money_unit') }}
                    || ' / previous year ' || {{ narrative_yuan_text('ratio_den', 'money_unit') }} || ' (current '
                    || {{ narrative_yuan_text('yoy_current_yuan', 'money_unit') }}
                    || case direction when '减少' then ' + ' else ' − ' end || value_text || ') = '
                    || {{ narrative_plain('table_value_exact') }} || '%'
                else '; table ' || table_hint || ' prints ' || {{ narrative_plain('table_value_exact') }} || money_unit
                    || coalesce(' on page ' || table_page, '')
            end
            || '; rounded half up to ' || places || ' decimal place' || case when places = 1 then '' else 's' end || ': '
            || {{ narrative_plain('expected_value') }}
            || case when expected_low <> expected_high
                    then ' (' || {{ narrative_plain('expected_low') }} || ' to ' || {{ narrative_plain('expected_high') }}
                         || ' with the rounding of its parts)' else '' end
            || case when stated_unit = '%' then '; compared in hundredths of a percent' else '; compared in 元' end
            as message,
        -- within the error tolerance: the rounding check below says whether it is rounded as it should be
        abs(observed_cmp - expected_cmp) <= rounding_range_cmp + unit_cmp as within_unit,
        rounding_range_cmp
    from measured

),

rounding_rows as (

    select
        report_id,
        'narrative_rounding' as check_name,
        table_no,
        subject,
        expected,
        observed,
        rounding_range_cmp as tolerance,
        page,
        replace(message, '; compared in', ': a rounding slip or a truncation if it differs by one unit; compared in')
            as message
    from value_rows
    where within_unit

),

zero_base as (

    -- 增长 X% from a previous year of 0 (the change equals the current figure): there is no rate to state
    select
        report_id,
        'narrative_yoy' as check_name,
        table_no,
        subject_key || ' rate (claim ' || claim_no || ')' as subject,
        cast(0 as decimal(20, 6)) as expected,
        stated_value * 100 as observed,
        cast(0 as decimal(20, 6)) as tolerance,
        page,
        subject_key || ' rate: 「' || sentence || '」 states ' || stated_text || '%, but the previous year it implies is '
            || {{ narrative_yuan_text('yoy_prior_yuan', 'money_unit') }} || ' (current '
            || {{ narrative_yuan_text('yoy_current_yuan', 'money_unit') }}
            || case direction when '减少' then ' + ' else ' − ' end || value_text
            || '): a rate of change from a previous year of 0 or less cannot be stated; compared in hundredths of a percent'
            as message
    from figures
    where kind = 'yoy' and figure = 'rate' and yoy_prior_yuan <= 0

),

relations as (

    -- 决算数大于/小于/等于/与预算数持平: the order of the 决算 and the budget stated (either printed budget)
    select
        f.*,
        case relation when '大于' then 1 when '小于' then -1 else 0 end as stated_sign,
        sign(final - budget) as sign_budget,
        sign(final - budget_full) as sign_budget_full
    from figures as f
    where kind = 'budget_final' and figure = 'final'
        and relation in ('大于', '小于', '等于', '持平')
        and final is not null and coalesce(budget, budget_full) is not null

),

relation_rows as (

    select
        report_id,
        'narrative_budget_final' as check_name,
        table_no,
        subject_key || ' relation (claim ' || claim_no || ')' as subject,
        cast(case when stated_sign in (sign_budget, sign_budget_full) then stated_sign
                  else coalesce(sign_budget, sign_budget_full) end as decimal(20, 6)) as expected,
        cast(stated_sign as decimal(20, 6)) as observed,
        cast(0 as decimal(20, 6)) as tolerance,
        page,
        subject_key || ' relation: 「' || sentence || '」, relation stated: ' || relation_text || ' ('
            || relation || '); 决算 '
            || {{ narrative_plain('final') }} || ' against '
            || coalesce(coalesce(budget_label, '预算') || ' ' || {{ narrative_plain('budget') }}, '')
            || coalesce(' / 全年预算 ' || {{ narrative_plain('budget_full') }}, '')
            || ' is ' || case coalesce(sign_budget, sign_budget_full) when 1 then '大于' when -1 then '小于' else '等于' end
            || '; compared as 1 (大于), 0 (等于, 持平), -1 (小于)' as message
    from relations

),

restated as (

    -- money figures of the same table line stated more than once, each against the first statement
    select
        f.*,
        first_value(claim_no) over w as first_claim,
        first_value(stated_value) over w as first_value,
        first_value(stated_text) over w as first_text,
        first_value(places) over w as first_places,
        first_value(page) over w as first_page,
        row_number() over w as statement_no
    from figures as f
    where figure in ('amount', 'final') and stated_unit in ('万元', '元', '亿元', '千元') and row_key is not null
    window w as (partition by report_id, subject_key, stated_unit order by claim_no
                 rows between unbounded preceding and unbounded following)

),

consistency_rows as (

    select
        report_id,
        'narrative_consistency' as check_name,
        table_no,
        subject_key || case when figure = 'amount' then '' else ' ' || figure end || ' (claim ' || claim_no || ')' as subject,
        {{ narrative_round('first_value', 'least(places, first_places)') }} * factor as expected,
        {{ narrative_round('stated_value', 'least(places, first_places)') }} * factor as observed,
        case when places = first_places then cast(0 as decimal(20, 6))
             else {{ narrative_unit_of_place('least(places, first_places)') }} * factor end as tolerance,
        page,
        subject_key || ': 「' || sentence || '」 states ' || stated_text || stated_unit || '; claim ' || first_claim
            || ' (page ' || first_page || ') stated ' || first_text || stated_unit || '; compared in 元' as message
    from restated
    where statement_no > 1

),

unioned as (

    select report_id, check_name, table_no, subject, expected, observed, tolerance, page, message, 1 as n_addends
    from value_rows
    union all
    select report_id, check_name, table_no, subject, expected, observed, tolerance, page, message, 1
    from rounding_rows
    union all
    select report_id, check_name, table_no, subject, expected, observed, tolerance, page, message, 1
    from zero_base
    union all
    select report_id, check_name, table_no, subject, expected, observed, tolerance, page, message, 1
    from relation_rows
    union all
    select report_id, check_name, table_no, subject, expected, observed, tolerance, page, message, 1
    from consistency_rows

)

{{ check_comparison_select('narrative', tolerance='unioned.tolerance', page='unioned.page', message='unioned.message') }}
