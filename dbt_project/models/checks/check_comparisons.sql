-- All reconciliation comparisons, one row per report, check and subject, with the catalogue's family and
-- severity of the check (seed check_catalog). This is what ingest/build/checks.py validates with the Great
-- Expectations suites (one per catalogue suite, built from expectations/suites/template.json) before it
-- writes quality.check_results.
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
    suite,
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
