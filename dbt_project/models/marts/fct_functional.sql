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
        cells.fiscal_year,
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

-- the seed's name of the code, from the report's year or else the nearest year the seed has
seed_names as (

    select
        facts.report_id,
        facts.func_code,
        arg_min(classification.func_name, abs(cast(classification.fiscal_year as integer) - facts.fiscal_year))
            as seed_name
    from (select distinct report_id, func_code, fiscal_year from facts where func_code is not null) as facts
    inner join classification
        on classification.func_code = facts.func_code
    group by facts.report_id, facts.func_code

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
    {{ to_yuan('facts.amount', 'facts.unit') }} as amount_yuan,
    facts.page
from facts
left join seed_names
    on seed_names.report_id = facts.report_id
    and seed_names.func_code = facts.func_code
