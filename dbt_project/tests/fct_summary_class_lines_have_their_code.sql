-- An expenditure line of 01/04 printed with the name of a functional 类 (function_classification, in the
-- seed year of the report) carries that class's code: func_class_code comes from summary_line_labels, so
-- a class the labels seed lacks (or names differently) shows up here.
select
    summary.report_id,
    summary.table_no,
    summary.line_no,
    summary.item_zh,
    summary.func_class_code,
    classes.func_code as classification_code
from {{ ref('fct_summary') }} as summary
inner join {{ ref('int_report_seed_years') }} as seed_years
    on seed_years.report_id = summary.report_id
inner join {{ ref('function_classification') }} as classes
    on classes.fiscal_year = seed_years.seed_year
    and classes.func_level = '类'
    and {{ label_key('classes.func_name') }} = {{ label_key('summary.item_zh') }}
where summary.side = 'expenditure'
    and summary.func_class_code is distinct from classes.func_code
