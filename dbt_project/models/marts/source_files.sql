with

files as (

    select * from {{ ref('stg_juesuan__files') }}

),

quarantine as (

    select
        report_id,
        string_agg(message, '; ' order by test_name) as message
    from {{ source('juesuan', 'quarantine') }}
    group by report_id

)

select
    files.source_file,
    files.sha256,
    files.report_id,
    -- a loaded report whose rows break the warehouse's contract is kept out of the marts
    case when quarantine.report_id is not null and files.status = 'loaded' then 'quarantined'
         else files.status end as status,
    case when quarantine.report_id is not null and files.status = 'loaded' then quarantine.message
         else files.error end as error,
    files.error_code,
    files.page_count,
    files.ingested_at
from files
left join quarantine
    on quarantine.report_id = files.report_id
