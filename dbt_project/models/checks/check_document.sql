-- Suite document: the report as a document, not only its arithmetic (family document).
--   table_present            each standard table is printed, or the text states that it does not apply
--   empty_table_note         a table printed without data says so (on its page, or a sentence of the text)
--   placeholder_text         no template placeholder is left (error in the cover, a title, a 部门/单位 line)
--   department_consistent    a table's title or 部门/单位 line names the report's department
--   fiscal_year_consistent   the cover, contents, part headings, titles, year lines and dated statements name
--                            the report's fiscal year
--   toc_consistent           every table the 目录 lists is printed (a report without a 目录 lists none)
--   three_public_vs_economic 06 30212 / 30217 / 30231 <= the matching 三公 actual of 09 (in 元)
-- The yes/no checks are written as numbers so that all checks share one shape: expected = 1, observed = 1
-- (yes) or 0 (no), tolerance 0.00; printed_value and expected_value say the same in the report's words, and
-- the message quotes what was printed and says what is wrong. A line-based subject is the line's kind and
-- place, `title p5.0` (page 5, line 0), with the table number in front for a table's own lines.
-- Where the catalogue's severity depends on where the text is printed, row_severity gives the row's.

with

reports as (

    select
        report_id,
        title,
        department,
        nullif(department_type, '') as department_type,
        region,
        fiscal_year
    from {{ ref('stg_juesuan__reports') }}

),

lines as (

    select
        *,
        -- the line's kind as people say it, and the subject of a check of one line
        replace(kind, '_', ' ') as kind_label,
        case when kind in ('title', 'department_line', 'year_line', 'note', 'table_text') and table_no is not null
             then {{ check_table_label('table_no') }} || ' ' else '' end
            || replace(kind, '_', ' ') || ' p' || page || '.' || line_no as line_subject,
        'page ' || page || ', ' || replace(kind, '_', ' ') || ' “' || trim(text) || '”' as quoted
    from {{ ref('int_document_lines') }}

),

tables as (

    select * from {{ ref('int_table_notes') }}

),

-- a report of which no line of text was read (a warehouse written from golden tables, say): the checks
-- that read the text cannot run
textless as (

    select report_id from reports
    where report_id not in (select distinct report_id from lines)

),

-- the checks that cannot run for a report, in the one shape of a not-run row: no amounts, evaluated false
not_run as (

    select
        report_id,
        check_name,
        cast(null as integer) as table_no,
        subject,
        cast(null as integer) as expected,
        cast(null as integer) as observed,
        0 as tolerance,
        cast(null as integer) as page,
        message,
        cast(null as varchar) as printed_value,
        cast(null as varchar) as expected_value,
        cast(null as varchar) as row_severity,
        false as evaluated
    from (
        select
            t.report_id,
            c.check_name,
            'text' as subject,
            'not run: no printed text was read from the report (raw.text_lines has none of its lines)' as message
        from textless as t
        cross join (values ('empty_table_note'), ('placeholder_text'), ('fiscal_year_consistent')) as c(check_name)
        union all
        select
            report_id,
            'fiscal_year_consistent',
            'fiscal year',
            'not run: the report prints no fiscal year on its cover (nor anywhere else the reader found one)'
        from reports
        where fiscal_year is null
    )

),

---------- table_present

table_present as (

    select
        report_id,
        'table_present' as check_name,
        table_no,
        table_code as subject,
        1 as expected,
        case when is_printed or none_text is not null then 1 else 0 end as observed,
        0 as tolerance,
        case when is_printed then first_page when none_text is not null then none_page else listed_page end as page,
        case
            when is_printed then table_code || ' ' || title_zh || ': printed'
                || case when last_page > first_page then ' on pages ' || first_page || '–' || last_page
                        else coalesce(' on page ' || first_page, '') end
                || case when is_empty then ' (empty)' else '' end
            when none_text is not null then table_code || ' ' || standard_title_zh
                || ' is not printed; the text states on page ' || none_page || ' that it does not apply: “' || none_text || '”'
            else table_code || ' ' || standard_title_zh || ' is not in the report: no page prints its title'
                || case when listed_text is not null
                        then ', though the 目录 lists it (page ' || listed_page || ': “' || listed_text || '”)' else '' end
                || ', and the text does not say it does not apply'
        end as message,
        case when is_printed then title_zh when none_text is not null then none_text else 'not printed' end as printed_value,
        table_code || ' ' || standard_title_zh || ' printed (with data, or empty with a note), or stated not to apply'
            as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from tables

),

---------- empty_table_note

empty_table_note as (

    select
        report_id,
        'empty_table_note' as check_name,
        table_no,
        table_code as subject,
        1 as expected,
        case when coalesce(note_text, none_text) is not null then 1 else 0 end as observed,
        0 as tolerance,
        coalesce(note_page, first_page) as page,
        case
            when note_text is not null then table_code || ' ' || title_zh || ' is printed empty with a note (page '
                || note_page || '): “' || note_text || '”'
            when none_text is not null then table_code || ' ' || title_zh || ' is printed empty; the text says why (page '
                || none_page || '): “' || none_text || '”'
            else table_code || ' ' || title_zh || coalesce(' (page ' || first_page || ')', '') || ' is printed without data and without a note '
                || '(本表无数据) on its page or a sentence of the text saying there is nothing to report'
        end as message,
        coalesce(note_text, none_text, 'no note') as printed_value,
        'a note such as 本表无数据, or a sentence saying the report has none of it' as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from tables
    where is_printed and is_empty and report_id not in (select report_id from textless)

),

---------- placeholder_text

-- template placeholders: names and figures never filled in (XX, ××, 某某, YYYY, 20XX), both words of a
-- choice left standing (下降（增长）), and the template's instructions to its author
placeholders as (

    select
        l.*,
        regexp_extract_all(translate(l.compact, '()', '（）'),
            '[XＸ]{2,}|[xｘ]{2,}|[×✕]{2,}|某某|[YＹ]{4}|[yｙ]{4}|20[XＸ]{2}|下降（增长）|增长（下降）|增加（减少）|减少（增加）'
            || '|上升（下降）|下降（上升）|持平作持平表述|作下述说明|请填写|此处填写|按实际情况填写|根据实际情况填写|（填写[^）]*）'
        ) as found
    from lines as l

),

placeholder_lines as (

    select
        report_id,
        'placeholder_text' as check_name,
        table_no,
        line_subject as subject,
        1 as expected,
        0 as observed,
        0 as tolerance,
        page,
        quoted || ' holds the template placeholder'
            || case when len(list_distinct(found)) > 1 then 's ' else ' ' end
            || array_to_string(list_transform(list_distinct(found), lambda x: '“' || x || '”'), ', ')
            || ': it was never filled in' as message,
        trim(text) as printed_value,
        'the text filled in, without ' || array_to_string(list_distinct(found), ', ') as expected_value,
        case when kind in ('cover', 'title', 'department_line') then 'error' else 'warning' end as row_severity,
        true as evaluated
    from placeholders
    where len(found) > 0

),

placeholder_clean as (

    select
        r.report_id,
        'placeholder_text' as check_name,
        cast(null as integer) as table_no,
        'all text' as subject,
        1 as expected,
        1 as observed,
        0 as tolerance,
        cast(null as integer) as page,
        'no template placeholder in the ' || count(l.line_no) || ' printed lines' as message,
        cast(null as varchar) as printed_value,
        cast(null as varchar) as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from reports as r
    left join lines as l
        on l.report_id = r.report_id
    where r.report_id not in (select report_id from placeholder_lines)
      and r.report_id not in (select report_id from textless)
    group by r.report_id

),

---------- department_consistent

printed_departments as (

    -- the 部门：/单位： line the reader found in each table's title block
    select report_id, table_no, 'department line' as place, department_printed as printed, first_page as page
    from {{ ref('stg_juesuan__report_tables') }}
    where department_printed is not null

    union all

    -- a department printed before the title (上海市普陀区财政局2024年度收入支出决算总表)
    select report_id, table_no, 'title' as place, printed, page
    from (
        select
            l.report_id,
            l.title_of as table_no,
            l.page,
            regexp_replace(left(l.compact, strpos(l.compact, t.title_zh) - 1),
                           '(20[0-9]{2}|[0-9]{2}[XＸ]{2}|[XＸ]{4})年度?|部门决算表?$|^公开[0-9]{2}表', '', 'g') as printed
        from lines as l
        inner join {{ ref('stg_juesuan__report_tables') }} as t
            on t.report_id = l.report_id and t.table_no = l.title_of
        where l.kind = 'title'
    )
    where length(printed) >= 2

),

-- names without 中共, the regions in front (上海市普陀区) and the party committee's level (区委 → 委): the
-- same core names the same kind of department at another level or in another region
department_cores as (

    select
        p.*,
        r.department,
        r.department_type,
        regexp_replace(regexp_replace(regexp_replace(p.printed, '^中共', ''),
            '^(\p{Han}{1,8}?(省|自治区|市|自治州|地区|盟|区|县|旗))+', ''), '^委', '') as printed_core,
        regexp_replace(regexp_replace(regexp_replace(r.department, '^中共', ''),
            '^(\p{Han}{1,8}?(省|自治区|市|自治州|地区|盟|区|县|旗))+', ''), '^委', '') as report_core
    from printed_departments as p
    inner join reports as r
        on r.report_id = p.report_id

),

department_consistent as (

    select
        report_id,
        'department_consistent' as check_name,
        table_no,
        {{ check_table_label('table_no') }} || ' ' || place as subject,
        1 as expected,
        case when is_same then 1 else 0 end as observed,
        0 as tolerance,
        page,
        {{ check_table_label('table_no') }} || ' ' || place || coalesce(' (page ' || page || ')', '') || ' names “' || printed || '”'
            || case when is_same then ', the report''s department'
                    when printed_core = report_core then ': the same department at another level or of another region than the report''s “'
                        || department || '”'
                    else ': another department than the report''s “' || department || '”' end as message,
        printed as printed_value,
        department as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from (
        select
            *,
            coalesce(
                printed = department
                or ends_with(department, printed)          -- an abbreviation: 财政局, 普陀区财政局
                or starts_with(printed, department)        -- the department and more: …（本级）
                or printed = department_type
                or printed in ('本部门', '本单位', '我部门', '我单位'),
                false) as is_same
        from department_cores
    )

),

---------- fiscal_year_consistent

year_lines as (

    select
        l.*,
        r.fiscal_year,
        r.title as cover_title,
        case when l.kind in ('cover', 'contents', 'part_heading', 'title', 'year_line', 'department_line')
             -- every year the line names, except in a comparison with another year (与2023年度相比)
             then regexp_extract_all(
                      regexp_replace(l.compact, '(与|比|较|同比|对比|相比|上年|截至|截止)(20[0-9]{2})年度?', '', 'g'),
                      '(20[0-9]{2})年', 1)
             -- a statement of this year's figures: 本部门2024年度…, <the department>2024年度…, 截至2024年12月31日
             else list_concat(
                      regexp_extract_all(
                          replace(replace(l.compact, r.department, '本部门'), coalesce(r.department_type, r.department), '本部门'),
                          '(?:本部门|我部门|本单位|我单位)(20[0-9]{2})年度', 1),
                      regexp_extract_all(l.compact, '截[至止](20[0-9]{2})年12月31日', 1))
        end as years,
        l.kind in ('cover', 'contents', 'part_heading', 'title', 'year_line', 'department_line') as is_heading
    from lines as l
    inner join reports as r
        on r.report_id = l.report_id
    where l.kind <> 'table_text' and r.fiscal_year is not null

),

fiscal_years as (

    select
        report_id,
        'fiscal_year_consistent' as check_name,
        table_no,
        line_subject as subject,
        1 as expected,
        case when len(other_years) = 0 then 1 else 0 end as observed,
        0 as tolerance,
        page,
        quoted || case when len(other_years) = 0 then ': names ' || fiscal_year || ', the report''s fiscal year'
            else ': names ' || array_to_string(other_years, ', ') || ', but the report is of fiscal year ' || fiscal_year
                || coalesce(' (its cover: “' || cover_title || '”)', '') end as message,
        trim(text) as printed_value,
        fiscal_year || '年度' as expected_value,
        case when is_heading then 'error' else 'warning' end as row_severity,
        true as evaluated
    from (
        select *, list_distinct(list_filter(years, lambda y: cast(y as integer) <> fiscal_year)) as other_years
        from year_lines
        where len(years) > 0
    )

),

---------- toc_consistent

toc_consistent as (

    select
        report_id,
        'toc_consistent' as check_name,
        table_no,
        table_code as subject,
        1 as expected,
        case when is_printed then 1 else 0 end as observed,
        0 as tolerance,
        listed_page as page,
        'the 目录 (page ' || listed_page || ') lists “' || listed_text || '”'
            || case when is_printed then coalesce(', printed on page ' || first_page, ', printed')
                    else ', but the report does not print ' || table_code || ' ' || standard_title_zh end as message,
        listed_text as printed_value,
        table_code || ' ' || standard_title_zh || ' printed' as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from tables
    where listed_text is not null

),

---------- three_public_vs_economic

item_pairs (econ_code, item) as (

    values ('30212', 'overseas_travel'), ('30217', 'reception'), ('30231', 'vehicle_operation')

),

economic_items as (

    select e.report_id, e.econ_code, e.econ_name, e.amount, e.unit, e.amount_yuan, e.page, p.item
    from {{ ref('fct_economic') }} as e
    inner join item_pairs as p
        on p.econ_code = e.econ_code
    where e.amount is not null

),

three_public_actuals as (

    select report_id, item, item_zh, amount, unit, amount_yuan, page
    from {{ ref('fct_three_public') }}
    where stage = 'actual'

),

three_public_units as (

    select report_id, min(unit) as unit from {{ ref('fct_three_public') }} group by report_id

),

three_public_vs_economic as (

    select
        e.report_id,
        'three_public_vs_economic' as check_name,
        {{ table_of_family('economic') }} as table_no,
        '06 ' || e.econ_code as subject,
        least(e.amount_yuan, coalesce(t.amount_yuan, 0)) as expected,
        e.amount_yuan as observed,
        -- each printed amount may be off by half its last digit: 0.005 of its unit
        ceil((0.005 * case e.unit when '万元' then 10000 else 1 end
              + case when t.amount is not null then 0.005 * case t.unit when '万元' then 10000 else 1 end else 0 end)
             * 100) / 100 as tolerance,
        e.page,
        '06 ' || e.econ_code || ' ' || coalesce(e.econ_name, '') || coalesce(' (page ' || e.page || ', basic expenditure)', ' (basic expenditure)')
            || ': ' || e.amount || ' ' || coalesce(e.unit, '')
            || case when e.amount_yuan - coalesce(t.amount_yuan, 0) > 0
                    then ' is more than the whole 三公 ' || coalesce(t.item_zh, item_names.item_zh) || ' actually spent in 09'
                        || coalesce(' (page ' || t.page || ')', '') || ': '
                        || coalesce(t.amount || ' ' || coalesce(t.unit, ''), 'blank') || ' (basic and project expenditure of all 一般公共预算财政拨款)'
                    else ', within the 三公 ' || coalesce(t.item_zh, item_names.item_zh) || ' of 09: '
                        || coalesce(t.amount || ' ' || t.unit, 'blank') end as message,
        e.amount || ' ' || e.unit as printed_value,
        '≤ ' || coalesce(t.amount || ' ' || t.unit, '0 (blank)') || ' (09 ' || coalesce(t.item_zh, item_names.item_zh) || ', actual)'
            as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from economic_items as e
    inner join three_public_units as u
        on u.report_id = e.report_id
    left join three_public_actuals as t
        on t.report_id = e.report_id and t.item = e.item
    left join (values ('overseas_travel', '因公出国（境）费'), ('reception', '公务接待费'),
                      ('vehicle_operation', '公务用车运行维护费')) as item_names(item, item_zh)
        on item_names.item = e.item

),

-- 09 printed without any amount (本表无数据): its 三公 are nothing, and 06 must show none either
three_public_vs_empty as (

    select
        e.report_id,
        'three_public_vs_economic' as check_name,
        {{ table_of_family('economic') }} as table_no,
        '06 ' || e.econ_code as subject,
        least(e.amount_yuan, 0) as expected,
        e.amount_yuan as observed,
        ceil(0.005 * case e.unit when '万元' then 10000 else 1 end * 100) / 100 as tolerance,
        e.page,
        '06 ' || e.econ_code || ' ' || coalesce(e.econ_name, '') || coalesce(' (page ' || e.page || ', basic expenditure)', ' (basic expenditure)')
            || ': ' || e.amount || ' ' || coalesce(e.unit, '')
            || case when e.amount_yuan > 0 then ', but 09' else ', and 09' end
            || coalesce(' (page ' || t.first_page || ')', '') || ' is printed without any 三公 spending' as message,
        e.amount || ' ' || e.unit as printed_value,
        '0 (09 is printed empty)' as expected_value,
        cast(null as varchar) as row_severity,
        true as evaluated
    from economic_items as e
    inner join tables as t
        on t.report_id = e.report_id and t.table_no = {{ table_of_family('three_public') }} and t.is_printed
    where e.report_id not in (select report_id from three_public_units)

),

unioned as (

    select *, cast(null as integer) as n_addends from (
    select * from table_present
    union all by name
    select * from empty_table_note
    union all by name
    select * from placeholder_lines
    union all by name
    select * from placeholder_clean
    union all by name
    select * from department_consistent
    union all by name
    select * from fiscal_years
    union all by name
    select * from not_run
    union all by name
    select * from toc_consistent
    union all by name
    select * from three_public_vs_economic
    union all by name
    select * from three_public_vs_empty
    )

)

{{ check_comparison_select('document', tolerance='unioned.tolerance', page='unioned.page', message='unioned.message',
                           printed_value='unioned.printed_value', expected_value='unioned.expected_value',
                           severity='unioned.row_severity', evaluated='unioned.evaluated') }}
