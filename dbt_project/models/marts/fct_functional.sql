-- Functional-classification facts of 公开02/03/05/07/08表: one record per printed row (a 类/款/项 code
-- or the 合计 row) and amount column.

with

functional_rows as (

    select * from {{ ref('int_functional_rows') }}

),

cells as (

    select * from {{ ref('int_body_cells_enriched') }}
    where role = 'amount'

),

classification as (

    select * from {{ ref('function_classification') }}

),

facts as (

    select
        functional_rows.report_id,
        functional_rows.table_no,
        functional_rows.func_code,
        functional_rows.func_level,
        functional_rows.name_printed,
        cells.measure,
        cells.measure_zh,
        cells.amount,
        cells.unit,
        cells.page
    from functional_rows
    inner join cells
        on cells.report_id = functional_rows.report_id
        and cells.table_no = functional_rows.table_no
        and cells.row_no = functional_rows.row_no

),

-- the seed's name of the code, in the seed year that applies to the report (int_report_seed_years)
seed_names as (

    select
        codes.report_id,
        codes.func_code,
        classification.func_name as seed_name
    from (select distinct report_id, func_code from facts where func_code is not null) as codes
    inner join {{ ref('int_report_seed_years') }} as seed_years
        on seed_years.report_id = codes.report_id
    inner join classification
        on classification.fiscal_year = seed_years.seed_year
        and classification.func_code = codes.func_code

)

select
    facts.report_id,
    cast(facts.table_no as integer) as table_no,
    facts.func_code,
    facts.func_level,
    coalesce(facts.name_printed, seed_names.seed_name) as func_name,
    facts.measure,
    facts.measure_zh,
    cast(facts.amount as decimal(18, 2)) as amount,
    facts.unit,
    {{ to_yuan('facts.amount', 'facts.unit') }} as amount_yuan,
    facts.page
from facts
left join seed_names
    on seed_names.report_id = facts.report_id
    and seed_names.func_code = facts.func_code
