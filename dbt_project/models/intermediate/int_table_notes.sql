-- One record per report and standard table: whether the report prints it, and what the document says
-- about it elsewhere, for the document checks (table_present, empty_table_note, toc_consistent) and for
-- the reasons of the checks that could not run (check_not_run):
--   listed_*     the first entry of the 目录 that names it
--   none_*       the first sentence of the text that says the report has none of the money the table is
--                about (本部门无政府性基金预算财政拨款收入和支出; only 07, 08 and 09 can be empty by nature)
--   note_*       the first note printed on its pages that it holds no data (本表无数据, 空表, or that sentence)
-- A line is read together with the next one, so a sentence wrapped onto a second line is found.

with

reports as (

    select report_id from {{ ref('stg_juesuan__reports') }}

),

standard_tables as (

    select cast(table_no as integer) as table_no, table_code, title_zh from {{ ref('standard_tables') }}

),

report_tables as (

    select * from {{ ref('stg_juesuan__report_tables') }}

),

-- the money each table is about, as the sentences that say a report has none of it name it
none_patterns (table_no, pattern) as (

    values
        (7, '(无|没有)[^。；;]{0,20}政府性基金'),
        (8, '(无|没有)[^。；;]{0,20}国有资本经营'),
        (9, '(无|没有)[^。；;]{0,20}三公')

),

lines as (

    select
        *,
        compact || coalesce(lead(compact) over (partition by report_id order by page, line_no), '') as with_next
    from {{ ref('int_document_lines') }}

),

listed as (

    select report_id, table_no, arg_min(page, entry_no) as listed_page, arg_min(text, entry_no) as listed_text
    from {{ ref('stg_juesuan__contents') }}
    where table_no is not null
    group by all

),

none_statements as (

    select
        l.report_id,
        p.table_no,
        arg_min(l.page, l.page * 100000 + l.line_no) as none_page,
        arg_min(l.with_next, l.page * 100000 + l.line_no) as none_text
    from lines as l
    inner join none_patterns as p
        on regexp_matches(l.with_next, p.pattern)
    where l.kind in ('text', 'heading', 'note')
    group by all

),

notes_on_page as (

    select
        t.report_id,
        t.table_no,
        -- a note that says so (本表无数据) before a sentence about the money
        arg_min(l.page, (regexp_matches(l.compact, '本表无数据|无数据|空表|本表为空'))::int * -1000000000
                        + l.page * 100000 + l.line_no) as note_page,
        arg_min(l.with_next, (regexp_matches(l.compact, '本表无数据|无数据|空表|本表为空'))::int * -1000000000
                             + l.page * 100000 + l.line_no) as note_text
    from report_tables as t
    inner join lines as l
        on l.report_id = t.report_id and l.page between t.first_page and t.last_page + 1
    left join none_patterns as p
        on p.table_no = t.table_no
    where (l.table_no = t.table_no or l.table_no is null)
      and (regexp_matches(l.compact, '本表无数据|无数据|空表|本表为空')
           or (p.pattern is not null and l.kind in ('note', 'text', 'table_text') and regexp_matches(l.with_next, p.pattern)))
    group by all

)

select
    r.report_id,
    s.table_no,
    s.table_code,
    s.title_zh as standard_title_zh,
    t.table_no is not null as is_printed,
    t.title_zh,
    t.first_page,
    t.last_page,
    coalesce(t.is_empty, false) as is_empty,
    listed.listed_page,
    listed.listed_text,
    none_statements.none_page,
    -- the sentence, cut at its end
    regexp_extract(none_statements.none_text, '^[^。]*。?') as none_text,
    notes_on_page.note_page,
    regexp_extract(notes_on_page.note_text, '^[^。]*。?') as note_text
from reports as r
cross join standard_tables as s
left join report_tables as t
    on t.report_id = r.report_id and t.table_no = s.table_no
left join listed
    on listed.report_id = r.report_id and listed.table_no = s.table_no
left join none_statements
    on none_statements.report_id = r.report_id and none_statements.table_no = s.table_no
left join notes_on_page
    on notes_on_page.report_id = r.report_id and notes_on_page.table_no = s.table_no
