with

source as (

    select * from {{ source('juesuan', 'table_columns') }}
    -- reports set aside by the build because their rows break the contract (raw.quarantine)
    where report_id not in (select report_id from {{ source('juesuan', 'quarantine') }})

),

renamed as (

    select

        ---------- ids
        report_id,
        cast(table_no as integer) as table_no,
        cast(col_no as integer) as col_no,
        cast(block_no as integer) as block_no,

        ---------- text
        header_zh,
        -- the key that measure_labels.header_pattern is matched against: no white space,
        -- full-width parentheses as ASCII ones (因公出国（境）费 and 因公出国 (境)费 both occur)
        {{ header_key('header_zh') }} as header_key,
        role

    from source

)

select * from renamed
