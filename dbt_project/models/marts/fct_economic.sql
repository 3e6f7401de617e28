-- Basic expenditure by economic classification (公开06表): one record per printed code, plus the
-- 人员经费合计 and 公用经费合计 lines.

with

lines as (

    select * from {{ ref('int_economic_lines') }}

)

select
    report_id,
    econ_code,
    case
        when econ_code is null then '合计'
        when length(econ_code) = 3 then '类'
        when length(econ_code) = 5 then '款'
    end as econ_level,
    econ_name,
    case
        when econ_code is not null
            then case when left(econ_code, 3) in ('301', '303') then '人员经费' else '公用经费' end
        else regexp_extract(econ_name, '(人员经费|公用经费)', 1)
    end as expense_group,
    cast(amount as decimal(18, 2)) as amount,
    {{ to_yuan('amount', 'unit') }} as amount_yuan,
    page
from lines
