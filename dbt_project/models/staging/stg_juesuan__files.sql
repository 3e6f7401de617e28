with

source as (

    select * from {{ source('juesuan', 'files') }}

),

renamed as (

    select

        ---------- ids
        source_file,
        report_id,
        duplicate_of,

        ---------- text
        source_path,
        sha256,
        status,
        error,
        error_code,
        parser_version,

        ---------- numerics
        cast(size_bytes as bigint) as size_bytes,
        cast(page_count as integer) as page_count,

        ---------- timestamps
        cast(ingested_at as timestamp) as ingested_at

    from source

)

select * from renamed
