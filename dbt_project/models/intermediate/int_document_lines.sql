-- Every printed line of a report with what it is in the document, for the document checks:
--   cover          page 1 above the contents, the first part heading and the first table title
--   contents       the 目录 (its heading and the rows raw.contents read)
--   part_heading   第一部分 … outside the contents
--   title          a standard table's title line (on its first page; the longest title it contains)
--   department_line  部门：/单位：/编制单位：… naming a department (not 单位：万元)
--   year_line      2024年度 printed alone in a table's title block
--   note           注：/说明： and 本表无数据 lines on a table's pages
--   table_text     any other line on a table's pages (the grid)
--   heading        一、… / （一）… (short lines) elsewhere
--   text           everything else
-- table_no: the table whose title is the nearest above the line on its page, else the table continued onto
-- the page from an earlier one (NULL above the first title of a page no table continues onto). part_no / part_title: the last part heading before the line (NULL before the first).

with

lines as (

    select * from {{ ref('stg_juesuan__text_lines') }}

),

report_tables as (

    select report_id, table_no, title_zh, first_page, last_page
    from {{ ref('stg_juesuan__report_tables') }}

),

contents as (

    select * from {{ ref('stg_juesuan__contents') }}

),

-- the 目录: from its heading (the lines above the first entry on that page that spell 目录) to the row
-- after its last entry (an entry wrapped onto a second row)
contents_span as (

    select
        report_id,
        min(page) as first_page,
        arg_min(line_no, page * 100000 + line_no) as first_line,
        max(page) as last_page,
        arg_max(line_no, page * 100000 + line_no) as last_line
    from contents
    group by report_id

),

in_contents as (

    select l.report_id, l.page, l.line_no
    from lines as l
    inner join contents_span as s
        on s.report_id = l.report_id
    where (l.page * 100000 + l.line_no) between (s.first_page * 100000 + s.first_line)
                                            and (s.last_page * 100000 + s.last_line + 1)
       or (l.page = s.first_page and l.line_no < s.first_line and l.compact in ('目录', '目次', '目', '录', '次'))

),

-- the title line of each table: on its first page, the line that contains its title (of the titles a line
-- contains, the longest: 一般公共预算财政拨款支出决算表 also contains 支出决算表)
title_lines as (

    select l.report_id, l.page, l.line_no, t.table_no
    from lines as l
    inner join report_tables as t
        on t.report_id = l.report_id and t.first_page = l.page
    where length(l.compact) <= 60 and t.title_zh is not null and contains(l.compact, t.title_zh)
    qualify row_number() over (partition by l.report_id, l.page, l.line_no order by length(t.title_zh) desc) = 1
        and row_number() over (partition by l.report_id, t.table_no order by l.line_no) = 1

),

located as (

    select
        l.*,
        c.line_no is not null as is_contents,
        tl.table_no as title_of,
        -- the table of the nearest title at or above the line on its page (the lowest of those above it)
        (
            select arg_min(t2.table_no, t2y.y1)
            from title_lines as t2
            inner join lines as t2y
                on t2y.report_id = t2.report_id and t2y.page = t2.page and t2y.line_no = t2.line_no
            where t2.report_id = l.report_id and t2.page = l.page and t2y.y1 >= l.y1 - 0.5
        ) as table_above,
        -- the table continued onto this page from an earlier one (the latest to start)
        (
            select arg_max(t.table_no, t.first_page)
            from report_tables as t
            where t.report_id = l.report_id and t.first_page < l.page and l.page <= t.last_page
        ) as table_continued
    from lines as l
    left join in_contents as c
        on c.report_id = l.report_id and c.page = l.page and c.line_no = l.line_no
    left join title_lines as tl
        on tl.report_id = l.report_id and tl.page = l.page and tl.line_no = l.line_no

),

kinds as (

    select
        *,
        coalesce(table_above, table_continued) as table_no,
        case
            when is_contents then 'contents'
            when regexp_matches(compact, '^第[一二三四五六七八九十]+部分') and length(compact) <= 60 then 'part_heading'
            -- a part's title printed apart from its number (第二部分 / 上海市普陀区财政局2024年度部门决算表)
            when regexp_matches(compact, '(部门决算表|部门决算情况说明|部门决算情况|决算报告)$') and length(compact) <= 60
                 and title_of is null then 'part_heading'
            when title_of is not null then 'title'
            when regexp_matches(compact, '^(部门|单位|编制单位|填报单位|部门名称|单位名称|部门（单位）|预算单位)[：:]')
                 and not regexp_matches(compact, '^(金额)?单位[：:](人民币)?万?元') then 'department_line'
            when coalesce(table_above, table_continued) is not null
                 and regexp_full_match(compact, '(20[0-9]{2})年度?(部门)?(决算)?') then 'year_line'
            when coalesce(table_above, table_continued) is not null
                 and (regexp_matches(compact, '^(注|说明|备注)[：:]') or contains(compact, '本表无数据')) then 'note'
            when coalesce(table_above, table_continued) is not null then 'table_text'
            when regexp_matches(compact, '^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])')
                 and length(compact) <= 40 then 'heading'
            else 'text'
        end as kind
    from located

),

-- page 1 above the first line that is not the cover's (the contents, a part heading, a table's title block)
cover_end as (

    select report_id, min(line_no) as first_other
    from kinds
    where page = 1 and (kind <> 'text' or regexp_matches(compact, '^公开'))
    group by report_id

),

part_headings as (

    select report_id, page, line_no, regexp_extract(compact, '^第([一二三四五六七八九十]+)部分', 1) as part_no, compact
    from kinds
    where kind = 'part_heading' and regexp_matches(compact, '^第[一二三四五六七八九十]+部分')

)

select
    k.report_id,
    k.page,
    k.line_no,
    k.text,
    k.compact,
    case when k.page = 1 and k.kind = 'text' and k.line_no < coalesce(e.first_other, 1000000) then 'cover'
         else k.kind end as kind,
    k.table_no,
    k.title_of,
    (
        select arg_max(p.part_no, p.page * 100000 + p.line_no)
        from part_headings as p
        where p.report_id = k.report_id and (p.page * 100000 + p.line_no) <= (k.page * 100000 + k.line_no)
    ) as part_no,
    (
        select arg_max(p.compact, p.page * 100000 + p.line_no)
        from part_headings as p
        where p.report_id = k.report_id and (p.page * 100000 + p.line_no) <= (k.page * 100000 + k.line_no)
    ) as part_title,
    k.y0,
    k.y1
from kinds as k
left join cover_end as e
    on e.report_id = k.report_id
