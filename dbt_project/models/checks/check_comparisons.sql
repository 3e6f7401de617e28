-- All reconciliation comparisons, one row per report, check and subject, with the catalogue's family and
-- severity of the check (seed check_catalog). This is what ingest/build/checks.py validates with the Great
-- Expectations suites (one per catalogue suite, built from expectations/suites/template.json) before it
-- writes quality.check_results.
-- A comparison passes when abs_difference <= tolerance (see macros/check_tolerance.sql). A check that could
-- not run (check_not_run: a table it needs is missing) is a row too, with evaluated = false.

with

checked as (

    select * from {{ ref('check_functional') }}
    union all
    select * from {{ ref('check_economic') }}
    union all
    select * from {{ ref('check_summary') }}
    union all
    select * from {{ ref('check_three_public') }}
    union all
    select * from {{ ref('check_codes') }}
    union all
    select * from {{ ref('check_narrative') }}
    union all
    select * from {{ ref('check_document') }}

),

not_run as (

    select * exclude (needs) from {{ ref('check_not_run') }}

),

-- what a check that needs all of its tables evaluated without one of them is not a verdict: it did not run
blocked as (

    select distinct report_id, suite, check_name from {{ ref('check_not_run') }} where needs = 'all'

),

unioned as (

    select checked.*
    from checked
    left join blocked
        on blocked.report_id = checked.report_id
        and blocked.suite = checked.suite
        and blocked.check_name = checked.check_name
    where blocked.report_id is null
    union all by name
    select * from not_run

),

report_tables as (

    select report_id, table_no, first_page, last_page from {{ ref('stg_juesuan__report_tables') }}

)

select
    ---------- ids
    unioned.report_id,
    unioned.family,
    unioned.suite,
    unioned.check_name,
    unioned.severity,
    unioned.table_no,
    unioned.subject,

    ---------- numerics
    unioned.expected,
    unioned.observed,
    unioned.difference,
    unioned.tolerance,
    cast(abs(unioned.difference) as decimal(18, 2)) as abs_difference,
    unioned.n_addends,

    ---------- where and what, for people
    -- the subject's page, else the first page of its table
    coalesce(unioned.page, report_tables.first_page) as page,
    coalesce(
        unioned.message,
        unioned.subject || ': printed ' || coalesce(cast(unioned.observed as varchar), 'nothing')
            || ', the other cells imply ' || coalesce(cast(unioned.expected as varchar), 'nothing')
            || ' (off by ' || coalesce(cast(unioned.difference as varchar), '?')
            || ', tolerance ' || coalesce(cast(unioned.tolerance as varchar), '?') || ')'
    ) as message,
    -- false for a check that could not run (its message says why): its verdict is NULL, not "passed"
    unioned.evaluated,
    -- what was printed and what was expected, in the report's words (the amounts, unless the check says)
    coalesce(unioned.printed_value, cast(unioned.observed as varchar)) as printed_value,
    coalesce(unioned.expected_value, cast(unioned.expected as varchar)) as expected_value
from unioned
left join report_tables
    on report_tables.report_id = unioned.report_id
    and report_tables.table_no = unioned.table_no
