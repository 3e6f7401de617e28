-- Every figure the narrative (第三部分 情况说明 and the parts after it) states: one record per claim and
-- figure, with the subject resolved against the report's own tables (by its printed code, else by its
-- 类/款/项 names, else by the line its words name), the table value it is compared with and whether they
-- agree. The narrative checks (quality.check_results, family narrative) are these comparisons.

with

figures as (

    select * from {{ ref('int_narrative_figures') }}

),

judged as (

    select
        figures.*,
        case
            when kind = 'yoy' and figure = 'rate' and yoy_prior_yuan <= 0 then 'zero_base'
            when expected_value is null or resolution not in ('by_code', 'by_name', 'by_line') then null
            when stated_value between expected_low and expected_high then 'agrees'
            when stated_value between expected_low - {{ narrative_unit_of_place('places') }}
                              and expected_high + {{ narrative_unit_of_place('places') }} then 'rounding'
            else 'differs'
        end as agreement
    from figures

)

select
    ---------- ids
    report_id,
    claim_no,
    figure,
    sentence_no,
    ---------- where it is stated
    page,
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
    ---------- the subject in the report's tables
    resolution,
    resolution_note,
    table_no,
    func_code,
    subject_key,
    ---------- the figure as stated
    stated_value,
    stated_text,
    places,
    stated_unit as unit,
    unit_inferred,
    cast(stated_yuan as decimal(20, 2)) as stated_yuan,
    ---------- what the tables say
    table_value_exact as table_value,
    expected_value,
    case when stated_unit in ('万元', '元', '亿元', '千元') and table_value_exact is not null
         then cast(table_value_exact * factor as decimal(20, 2)) end as table_yuan,
    table_page,
    agreement,
    case when agreement is not null then agreement = 'agrees' end as agrees,
    note
from judged
