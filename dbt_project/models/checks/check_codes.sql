-- Suite codes: every printed classification code is in the seeds, and its printed name is the
-- seed's name (the functional classification for the report's fiscal year).
--   func_code_known    a code of 02/03/05/07/08 is in function_classification for that year
--   func_name_matches  its printed name equals the seed's name (white space and the width of
--                      parentheses ignored)
--   econ_code_known    a code of 06 is in economic_classification
--   econ_name_matches  its printed name equals the seed's name
-- Their severity (error for unknown codes, warning for names) is the check catalogue's (seed check_catalog).
-- These are yes/no checks written as numbers so that all checks share one shape: expected = 1,
-- observed = 1 (yes) or 0 (no), tolerance 0.00.
-- The seed year of a report is int_report_seed_years' (the same rule as the facts: the report's fiscal
-- year, else the latest earlier year in the seed, else the earliest).

with

function_seed as (

    select
        cast(fiscal_year as integer) as fiscal_year,
        cast(func_code as varchar) as func_code,
        func_name
    from {{ ref('function_classification') }}

),

economic_seed as (

    select cast(econ_code as varchar) as econ_code, econ_name
    from {{ ref('economic_classification') }}

),

report_seed_year as (

    select report_id, seed_year from {{ ref('int_report_seed_years') }}

),

printed_functional as (

    select
        f.report_id,
        cast(f.table_no as integer) as table_no,
        f.func_code,
        f.func_name,
        min(f.page) as page
    from {{ ref('fct_functional') }} as f
    where f.func_code is not null
    group by all

),

functional_matched as (

    select
        p.*,
        s.func_code is not null as is_known,
        s.func_name as seed_name
    from printed_functional as p
    left join report_seed_year as y
        on y.report_id = p.report_id
    left join function_seed as s
        on s.fiscal_year = y.seed_year and s.func_code = p.func_code

),

printed_economic as (

    select report_id, {{ table_of_family('economic') }} as table_no, econ_code, econ_name, min(page) as page
    from {{ ref('fct_economic') }}
    where econ_code is not null
    group by all

),

economic_matched as (

    select
        p.*,
        s.econ_code is not null as is_known,
        s.econ_name as seed_name
    from printed_economic as p
    left join economic_seed as s
        on s.econ_code = p.econ_code

),

verdicts as (

    select
        report_id,
        'func_code_known' as check_name,
        table_no,
        {{ check_table_label('table_no') }} || ' ' || func_code as subject,
        bool_or(is_known) as is_ok,
        min(page) as page,
        func_code as printed_value,
        'a code of the function classification' as expected_value
    from functional_matched
    group by all

    union all

    select
        report_id,
        'func_name_matches' as check_name,
        table_no,
        {{ check_table_label('table_no') }} || ' ' || func_code || ' ' || coalesce(func_name, '')
            || ' | seed: ' || seed_name as subject,
        {{ check_normalize_name('func_name') }} = {{ check_normalize_name('seed_name') }} as is_ok,
        page,
        func_name as printed_value,
        seed_name as expected_value
    from functional_matched
    where is_known

    union all

    select
        report_id,
        'econ_code_known' as check_name,
        table_no,
        '06 ' || econ_code as subject,
        bool_or(is_known) as is_ok,
        min(page) as page,
        econ_code as printed_value,
        'a code of the economic classification' as expected_value
    from economic_matched
    group by all

    union all

    select
        report_id,
        'econ_name_matches' as check_name,
        table_no,
        '06 ' || econ_code || ' ' || coalesce(econ_name, '') || ' | seed: ' || seed_name as subject,
        {{ check_normalize_name('econ_name') }} = {{ check_normalize_name('seed_name') }} as is_ok,
        page,
        econ_name as printed_value,
        seed_name as expected_value
    from economic_matched
    where is_known

),

-- yes/no as numbers: expected 1, observed 1 (yes) or 0 (no), tolerance 0
unioned as (

    select
        report_id,
        check_name,
        table_no,
        subject,
        1 as expected,
        case when is_ok then 1 else 0 end as observed,
        cast(null as integer) as n_addends,
        page,
        printed_value,
        expected_value
    from verdicts

)

{{ check_comparison_select('codes', tolerance='0', page='unioned.page', printed_value='unioned.printed_value',
                           expected_value='unioned.expected_value', message="unioned.subject || case when unioned.observed = 1 then ': as in the classification seed' when unioned.check_name like '%_known' then ': the code is not in the classification seed for the report''s year' else ': the printed name is not the seed''s' end") }}
