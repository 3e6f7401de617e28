-- Amount columns with their measure: the header path (header_zh) matched against the
-- measure_labels seed of the same table. For 公开09表 the path holds the stage (预算数 / 决算数) above
-- or below the category and sometimes a "三公"经费 caption on top; the stage is taken out and the rest
-- matched, so the measure is the 三公 item.

with

table_columns as (

    select * from {{ ref('stg_juesuan__table_columns') }}

),

measure_labels as (

    select * from {{ ref('measure_labels') }}

),

amount_columns as (

    select
        *,
        -- labels wrapped over lines reach us split by '/' like header levels (本年收入合/计,
        -- 因公出国/（境）费): match on the path with the separators taken out
        replace(header_key, '/', '') as collapsed_key,
        table_no in {{ tables_of_family('three_public') }} as is_three_public
    from table_columns
    where role = 'amount'

),

keyed as (

    select
        report_id,
        table_no,
        col_no,
        block_no,
        header_zh,
        is_three_public,
        case
            when is_three_public and collapsed_key like '%预算数%' then 'budget'
            when is_three_public and collapsed_key like '%决算数%' then 'actual'
        end as stage,
        case
            when is_three_public
                -- without the stage (printed above or below the category) and a "三公"经费 caption
                then regexp_replace(regexp_replace(collapsed_key, '预算数|决算数', '', 'g'), '^.*三公.?经费', '')
            else collapsed_key
        end as match_key,
        -- a 决算数 row printed under every measure (2025 Shanghai: 本年收入合计/决算数) names the stage,
        -- not the measure: the path without it is matched first
        case
            when not is_three_public then regexp_replace(collapsed_key, '(决算数|决算金额)$', '')
        end as bare_key
    from amount_columns

),

measured as (

    select
        keyed.* exclude (bare_key),
        coalesce(by_bare.measure, by_path.measure) as measure,
        coalesce(by_bare.measure_zh, by_path.measure_zh) as measure_zh
    from keyed
    left join measure_labels as by_bare
        on by_bare.table_no = keyed.table_no
        and keyed.bare_key <> keyed.match_key and keyed.bare_key <> ''
        and regexp_full_match(keyed.bare_key, '.*(' || by_bare.header_pattern || ')')
    left join measure_labels as by_path
        on by_path.table_no = keyed.table_no
        -- the pattern must match the end of the path; parent labels (收入, 本年支出…) may precede it
        and regexp_full_match(keyed.match_key, '.*(' || by_path.header_pattern || ')')

)

select * from measured
