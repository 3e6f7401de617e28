-- The checks that could not run: one record per report, check and standard table the check needs that the
-- report does not print (the catalogue's `needs`: `each` needs the table it runs on, `all` needs every
-- table it reads, `none` runs whatever is printed). Never left out: not run is not passed. These rows
-- have evaluated = false and no amounts; ingest/build/checks.py gives them passed = NULL without sending
-- them to Great Expectations, and check_comparisons drops what a check of `needs = all` evaluated
-- without one of its tables (05 against a missing 06 is not a failure of 05).

with

catalog as (

    select
        suite,
        check_name,
        family,
        severity,
        needs,
        unnest(string_split(tables, ' ')) as table_code
    from {{ ref('check_catalog') }}
    where needs in ('each', 'all')

),

tables as (

    select * from {{ ref('int_table_notes') }}

)

select
    t.report_id,
    c.family,
    c.suite,
    c.check_name,
    c.severity,
    t.table_no,
    t.table_code || ' table missing' as subject,
    cast(null as decimal(18, 2)) as expected,
    cast(null as decimal(18, 2)) as observed,
    cast(null as decimal(18, 2)) as difference,
    cast(null as decimal(18, 2)) as tolerance,
    cast(null as integer) as n_addends,
    t.listed_page as page,
    'not run: ' || c.check_name || ' needs ' || t.table_code || ' ' || t.standard_title_zh
        || ', which the report does not print'
        || case when t.none_text is not null
                then ' (the text states on page ' || t.none_page || ' that it does not apply: “' || t.none_text || '”)'
                when t.listed_text is not null
                then ' (the 目录 lists it on page ' || t.listed_page || ': “' || t.listed_text || '”)'
                else '' end as message,
    false as evaluated,
    'not printed' as printed_value,
    t.table_code || ' ' || t.standard_title_zh as expected_value,
    c.needs
from tables as t
inner join catalog as c
    on c.table_code = t.table_code
where not t.is_printed
