with

reports as (

    select * from {{ ref('stg_juesuan__reports') }}

),

files as (

    select * from {{ ref('stg_juesuan__files') }}

)

select
    reports.report_id,
    reports.source_file,
    reports.sha256,
    reports.region,
    reports.department,
    -- the department without its region prefix, so the same kind of department compares across cities;
    -- party organs print 中共 first: 中共上海市普陀区委社会工作部 → 区委社会工作部
    case
        when reports.region is not null and starts_with(reports.department, reports.region)
            and length(reports.department) > length(reports.region)
            then substr(reports.department, length(reports.region) + 1)
        when reports.region is not null and starts_with(reports.department, '中共' || reports.region)
            and length(reports.department) > length(reports.region) + 2
            then case
                when substr(reports.department, length(reports.region) + 3, 1) = '委'
                    then right(reports.region, 1) || substr(reports.department, length(reports.region) + 3)
                else substr(reports.department, length(reports.region) + 3)
            end
        else reports.department
    end as department_type,
    reports.fiscal_year,
    reports.unit,
    reports.page_count,
    coalesce(files.status, 'loaded') as status
from reports
left join files
    on files.source_file = reports.source_file
