-- Basic expenditure by economic classification (公开06表): one record per printed code, plus the
-- 人员经费合计 and 公用经费合计 lines. The group of a code (人员经费 or 公用经费) is the seed
-- economic_classification's, for the code or else for its 类.

with

lines as (

    select * from {{ ref('int_economic_lines') }}

),

classification as (

    select econ_code, parent_code, expense_group from {{ ref('economic_classification') }}

)

select
    lines.report_id,
    lines.econ_code,
    case
        when lines.econ_code is null then '合计'
        when length(lines.econ_code) = 3 then '类'
        when length(lines.econ_code) = 5 then '款'
    end as econ_level,
    lines.econ_name,
    case
        when lines.econ_code is null then regexp_extract(lines.econ_name, '(人员经费|公用经费)', 1)
        -- a code missing from the seed (check_codes reports it as an error) takes its 类's group; the
        -- classification puts every 类 other than the seed's 人员经费 ones under 公用经费
        else coalesce(by_code.expense_group, by_class.expense_group, '公用经费')
    end as expense_group,
    cast(lines.amount as decimal(18, 2)) as amount,
    lines.unit,
    {{ to_yuan('lines.amount', 'lines.unit') }} as amount_yuan,
    lines.page
from lines
left join classification as by_code
    on by_code.econ_code = lines.econ_code
left join classification as by_class
    on by_class.econ_code = coalesce(by_code.parent_code, left(lines.econ_code, 3))
