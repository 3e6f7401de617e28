with

source as (

    select * from {{ source('juesuan', 'narrative_sentences') }}
    -- reports set aside by the build because their rows break the contract (raw.quarantine)
    where report_id not in (select report_id from {{ source('juesuan', 'quarantine') }})

),

renamed as (

    select

        ---------- ids
        report_id,
        cast(sentence_no as integer) as sentence_no,
        cast(paragraph_no as integer) as paragraph_no,

        ---------- where
        cast(page as integer) as page,
        cast(last_page as integer) as last_page,
        part_no,
        nullif(section_no, '') as section_no,
        nullif(section_title, '') as section_title,
        nullif(subsection_no, '') as subsection_no,
        nullif(subsection_title, '') as subsection_title,
        nullif(item_no, '') as item_no,
        cast(heading as boolean) as is_heading,

        ---------- text (white space already removed by the reader)
        text as sentence,
        status as read_status,
        unread_figures

    from source

)

select * from renamed
