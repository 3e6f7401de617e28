-- The previous year as the narrative states it: one record per 与上年相比 statement (比上年增加/减少 X，增长/
-- 下降 Y%, or 持平), with the previous year's figure it implies (current − change for 增加, current + change
-- for 减少, current for 持平), the rate as stated and as recomputed from the figures.

with

figures as (

    select * from {{ ref('int_narrative_figures') }}
    where kind = 'yoy'

),

claims as (

    select * from {{ ref('stg_juesuan__narrative_claims') }}
    where kind = 'yoy'

),

rates as (

    select
        report_id,
        claim_no,
        max(stated_value) filter (where figure = 'rate') as stated_rate,
        max(stated_text) filter (where figure = 'rate') as stated_rate_text,
        max(computed_value) filter (where figure = 'rate') as computed_rate,
        bool_and(stated_value between computed_low - {{ narrative_unit_of_place('places') }}
                                  and computed_high + {{ narrative_unit_of_place('places') }})
            filter (where figure = 'rate') as rate_agrees,
        max(yoy_current_yuan) filter (where figure = 'rate') as current_yuan_rate
    from figures
    group by report_id, claim_no

),

subjects as (

    -- the subject as resolved (a statement without figures has no figure row: resolve it by its measure)
    select
        claims.report_id,
        claims.claim_no,
        coalesce(min(f.resolution), case when m.row_key is not null then 'by_line' else 'no_table' end) as resolution,
        coalesce(min(f.subject_key), claims.table_hint || ' ' || m.row_key) as subject_key,
        coalesce(min(f.table_no), case when m.row_key is not null then cast(claims.table_hint as integer) end) as table_no,
        min(f.func_code) as func_code
    from claims
    left join figures as f
        on f.report_id = claims.report_id and f.claim_no = claims.claim_no
    left join {{ ref('narrative_measures') }} as m
        on m.table_code = claims.table_hint and m.measure = claims.measure and claims.func_level is null
    group by claims.report_id, claims.claim_no, claims.table_hint, m.row_key

),

table_current as (

    -- the current figure in the tables, for a statement that does not repeat it
    select
        subjects.report_id,
        subjects.claim_no,
        lines.amount_yuan,
        lines.page
    from subjects
    inner join {{ ref('int_narrative_table_lines') }} as lines
        on lines.report_id = subjects.report_id
        and lines.table_code || ' ' || lines.row_key = subjects.subject_key
        and lines.stage = 'actual'

),

joined as (

    select
        claims.*,
        reports.fiscal_year,
        reports.unit as report_unit,
        case when claims.unit in ('万元', '元', '亿元', '千元') then claims.unit else reports.unit end as money_unit,
        subjects.resolution,
        subjects.subject_key,
        subjects.table_no,
        subjects.func_code,
        sentences.sentence,
        table_current.amount_yuan as table_current_yuan,
        table_current.page as table_page,
        rates.stated_rate,
        rates.stated_rate_text,
        rates.computed_rate,
        rates.rate_agrees
    from claims
    inner join {{ ref('stg_juesuan__reports') }} as reports using (report_id)
    inner join {{ ref('stg_juesuan__narrative_sentences') }} as sentences using (report_id, sentence_no)
    left join subjects using (report_id, claim_no)
    left join table_current using (report_id, claim_no)
    left join rates using (report_id, claim_no)

),

valued as (

    select
        joined.*,
        {{ narrative_yuan_factor('money_unit') }} as factor,
        {{ narrative_from_yuan('money_unit') }} as inverse_factor,
        coalesce(current_value, table_current_yuan * {{ narrative_from_yuan('money_unit') }}) as current_figure,
        case when current_value is not null then 'text' when table_current_yuan is not null then 'tables' end
            as current_source
    from joined

),

priors as (

    -- the previous year implied, in the stated unit: prior_value, prior_yuan and rate_agrees read it
    select
        valued.*,
        case direction
            when '增加' then current_figure - coalesce(change, 0)
            when '减少' then current_figure + coalesce(change, 0)
            when '持平' then current_figure
        end as prior_figure
    from valued

)

select
    ---------- ids
    report_id,
    claim_no,
    sentence_no,
    page,
    fiscal_year,
    fiscal_year - 1 as prior_fiscal_year,
    ---------- what it is about
    subject,
    table_hint,
    measure,
    measure_zh,
    resolution,
    table_no,
    func_code,
    subject_key,
    compared_with,
    direction,
    ---------- as stated, in the stated unit
    change,
    money_unit as unit,
    cast(current_figure as decimal(20, 4)) as current_value,
    current_source,
    cast(prior_figure as decimal(20, 4)) as prior_value,
    ---------- in 元
    cast(change * factor as decimal(20, 2)) as change_yuan,
    cast(current_figure * factor as decimal(20, 2)) as current_yuan,
    cast(prior_figure * factor as decimal(20, 2)) as prior_yuan,
    ---------- the rate of change, percent
    cast(stated_rate as decimal(12, 4)) as stated_rate,
    stated_rate_text,
    cast(round(computed_rate, 4) as decimal(12, 4)) as computed_rate,
    -- a rate stated from a previous year of 0 (or less) is wrong: there is no rate to state
    case when stated_rate is not null and direction = '增加' and prior_figure <= 0 then false
         else rate_agrees end as rate_agrees,
    reason,
    sentence
from priors
