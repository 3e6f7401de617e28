with

files as (

    select * from {{ ref('stg_juesuan__files') }}

)

select
    source_file,
    sha256,
    report_id,
    status,
    error,
    error_code,
    page_count,
    ingested_at
from files
