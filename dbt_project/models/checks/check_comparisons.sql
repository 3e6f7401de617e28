-- All reconciliation comparisons of issue 4, one row per report, check and subject. This is what
-- ingest/checks.py validates with the Great Expectations suites in expectations/ (one suite per family)
-- before it writes quality.check_results.
-- A comparison passes when abs_difference <= tolerance (see macros/check_tolerance.sql).

with

unioned as (

    select * from {{ ref('check_functional') }}
    union all
    select * from {{ ref('check_economic') }}
    union all
    select * from {{ ref('check_summary') }}
    union all
    select * from {{ ref('check_three_public') }}
    union all
    select * from {{ ref('check_codes') }}

)

select
    ---------- ids
    report_id,
    family,
    check_name,
    severity,
    table_no,
    subject,

    ---------- numerics
    expected,
    observed,
    difference,
    tolerance,
    cast(abs(difference) as decimal(18, 2)) as abs_difference,
    n_addends
from unioned
