-- Which year of the classification seed (function_classification) applies to each report: the one rule
-- used by the facts (the seed's name of a code) and by the code checks (is the code known).
--   the report's fiscal year, when the seed has it;
--   else the latest seed year before it (the classification in force, as the Ministry changes it yearly);
--   else, for a report older than every seed year, the earliest seed year;
--   a report that prints no year gets the latest seed year.

with

reports as (

    select report_id, fiscal_year from {{ ref('stg_juesuan__reports') }}

),

seed_years as (

    select distinct cast(fiscal_year as integer) as seed_year
    from {{ ref('function_classification') }}

)

select
    reports.report_id,
    reports.fiscal_year,
    case
        when reports.fiscal_year is null then max(seed_years.seed_year)
        else coalesce(
            max(seed_years.seed_year) filter (where seed_years.seed_year <= reports.fiscal_year),
            min(seed_years.seed_year)
        )
    end as seed_year
from reports
cross join seed_years
group by reports.report_id, reports.fiscal_year
