-- What the narrative discloses beyond the nine tables: one record per figure of 机关运行经费 (and its change),
-- 政府采购 (total, 货物 / 工程 / 服务, contracts to small and medium or small and micro enterprises, their
-- shares), 国有资产占用 (vehicles by kind, equipment), the "三公" counts (groups and people abroad, vehicles
-- bought and kept, receptions and guests) and 绩效 (scores, projects, amounts). No standard table holds
-- these figures: they are as stated, never compared (绩效 amounts may legitimately differ from 项目支出).

with

figures as (

    select * exclude (topic), topic as measure_topic
    from {{ ref('int_narrative_figures') }}
    where kind <> 'unresolved'

),

topics as (

    select
        figures.*,
        concat_ws(' ', section_title, subsection_title) as titles,
        case
            when measure = 'operating_costs' or regexp_matches(concat_ws(' ', section_title, subsection_title), '机关运行经费|机构运行经费')
                then 'operating_costs'
            when measure_topic = 'procurement' or regexp_matches(concat_ws(' ', section_title, subsection_title), '政府采购')
                then 'procurement'
            when regexp_matches(concat_ws(' ', section_title, subsection_title), '国有资产|资产占用|资产占有')
                then 'assets'
            when regexp_matches(concat_ws(' ', section_title, subsection_title), '三公')
                 and (kind = 'count' or measure_topic = 'three_public')
                then 'three_public'
            when regexp_matches(concat_ws(' ', section_title, subsection_title), '绩效')
                then 'performance'
        end as topic
    from figures

),

items as (

    select
        topics.*,
        case
            when topic in ('operating_costs', 'procurement') and measure is not null then measure
            when topic = 'three_public' and measure in ('foreign_reception', 'domestic_reception') then measure
            when topic = 'three_public' and stated_unit in ('人次', '人', '名') and regexp_matches(sentence, '出国|出境')
                 and not regexp_matches(subject, '接待|来访|来宾|外宾') then 'overseas_people'
            when topic = 'three_public' and regexp_matches(subject, '出国|出境|团组') and not regexp_matches(subject, '接待|来访')
                 and stated_unit in ('个', '批', '批次', '次') then 'overseas_groups'
            when topic = 'three_public' and stated_unit in ('个', '批', '批次', '次') and regexp_matches(subject, '接待|来访')
                then 'reception_batches'
            when topic = 'three_public' and stated_unit in ('人次', '人', '名') then 'reception_people'
            when topic = 'three_public' and stated_unit in ('辆', '台') and regexp_matches(subject, '购置|购买|更新')
                then 'vehicles_bought'
            when topic = 'three_public' and stated_unit in ('辆', '台') and regexp_matches(subject, '保有') then 'vehicles_kept'
            when topic = 'assets' and regexp_matches(subject, '设备') then 'equipment'
            when topic = 'assets' and regexp_matches(subject, '车') then 'vehicles'
            when topic = 'performance' and figure = 'score' then 'score'
            when topic = 'performance' and stated_unit in ('个', '项') and regexp_matches(subject, '项目') then 'projects'
            when topic = 'performance' and stated_unit in ('万元', '元', '亿元', '千元') then figure
            when topic = 'performance' and figure in ('rate', 'share') then figure
            when topic = 'operating_costs' then 'operating_costs'
            else 'other'
        end as item
    from topics
    where topic is not null

)

select
    ---------- ids
    report_id,
    claim_no,
    figure,
    sentence_no,
    page,
    section_no,
    section_title,
    subsection_title,
    ---------- what
    topic,
    item,
    subject as item_zh,
    kind,
    ---------- as stated
    stated_value as value,
    stated_text as value_text,
    stated_unit as unit,
    cast(stated_yuan as decimal(20, 2)) as value_yuan,
    base_text,
    direction,
    sentence
from items
