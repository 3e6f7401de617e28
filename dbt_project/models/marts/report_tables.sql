with

report_tables as (

    select * from {{ ref('stg_juesuan__report_tables') }}

)

select
    report_id,
    table_no,
    title_zh,
    first_page,
    last_page,
    is_empty
from report_tables
