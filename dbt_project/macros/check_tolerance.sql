{#-
    Rounding tolerance for a comparison whose expected side is a sum of n printed addends.

    The published tables are rounded to the cent (尾差), so each printed addend may be off by up to 0.005:
    a sum of n of them may differ from the printed total by up to 0.005 × n, rounded UP to the cent, and
    never less than 0.01. Exact DECIMAL arithmetic: 0.005 × n in cents is n / 2, so
    ceil(n × 0.5) cents.

        n = 0, 1, 2 -> 0.01    n = 3, 4 -> 0.02    n = 5 -> 0.03    n = 7 -> 0.04

    n_addends is a SQL expression: count the non-NULL addends (a blank cell is not printed, so it adds no
    rounding error; NULL counts as 0 in the sum).
-#}
{% macro check_tolerance(n_addends) -%}
    cast(greatest(1, ceil(cast(coalesce({{ n_addends }}, 0) as bigint) * 0.5)) * 0.01 as decimal(18, 2))
{%- endmacro %}


{#- A printed amount as compared: NULL (blank cell) counts as 0, type DECIMAL(18,2). -#}
{% macro check_amount(expr) -%}
    cast(coalesce({{ expr }}, 0) as decimal(18, 2))
{%- endmacro %}


{#-
    Row label or classification name reduced for comparison with the seeds: white space removed and ASCII
    parentheses made full-width, so that 维修(护)费 and 维修（护）费 compare equal.
-#}
{% macro check_normalize_name(expr) -%}
    replace(replace(regexp_replace(coalesce({{ expr }}, ''), '[{{ white_space() }}]+', '', 'g'), '(', '（'), ')', '）')
{%- endmacro %}


{#- Two-digit table number used as the first word of every subject: 3 -> '03'. -#}
{% macro check_table_label(table_no) -%}
    lpad(cast({{ table_no }} as varchar), 2, '0')
{%- endmacro %}


{#-
    The final select of every check model, from a CTE `unioned` with report_id, check_name, table_no,
    subject, expected, observed and n_addends: one row per report, check and subject, with the difference,
    the tolerance of n addends (check_tolerance, or the fixed `tolerance` given) and what the check
    catalogue (seed check_catalog) says of the check: its family and severity. `suite` is the Great
    Expectations suite that validates the model's rows; a check missing from the catalogue has a NULL
    family and severity, which check_comparisons' not_null tests reject. `page` is the PDF page of the
    subject (an expression of `unioned`; by default the first page of the subject's table), and `message`
    says in words what was printed and what the other cells imply (an expression of `unioned`; by default
    check_comparisons words it from the amounts). `printed_value` and `expected_value` are the same in the
    report's words for people (default: check_comparisons prints the amounts), `severity` overrides the
    catalogue's for a row (a check whose severity depends on where the text is printed: the catalogue gives
    the higher one), and `evaluated` is false for a check that could not run (its message says why).
-#}
{% macro check_comparison_select(suite, table_no='unioned.table_no', tolerance=none, page=none, message=none,
                                 printed_value=none, expected_value=none, severity=none, evaluated=none) -%}
select
    unioned.report_id,
    catalog.family,
    '{{ suite }}' as suite,
    unioned.check_name,
    {%- if severity is none %}
    catalog.severity,
    {%- else %}
    case when catalog.check_name is not null then coalesce({{ severity }}, catalog.severity) end as severity,
    {%- endif %}
    cast({{ table_no }} as integer) as table_no,
    unioned.subject,
    cast(unioned.expected as decimal(18, 2)) as expected,
    cast(unioned.observed as decimal(18, 2)) as observed,
    cast(unioned.observed - unioned.expected as decimal(18, 2)) as difference,
    {%- if tolerance is none %}
    {{ check_tolerance('unioned.n_addends') }} as tolerance,
    {%- else %}
    cast({{ tolerance }} as decimal(18, 2)) as tolerance,
    {%- endif %}
    cast(unioned.n_addends as integer) as n_addends,
    cast({{ page if page is not none else 'null' }} as integer) as page,
    cast({{ message if message is not none else 'null' }} as varchar) as message,
    cast({{ evaluated if evaluated is not none else 'true' }} as boolean) as evaluated,
    cast({{ printed_value if printed_value is not none else 'null' }} as varchar) as printed_value,
    cast({{ expected_value if expected_value is not none else 'null' }} as varchar) as expected_value
from unioned
left join {{ ref('check_catalog') }} as catalog
    on catalog.suite = '{{ suite }}'
    and catalog.check_name = unioned.check_name
{%- endmacro %}


{#-
    Each 类 line on the expenditure side of summary table `summary_table` (01 or 04), column `summary_measure`,
    against that 类's `functional_measure` in functional table `functional_table` (03 or 05). Uses the CTEs
    `summary`, `functional` and `reports_with` of check_summary; a report lacking either table is not compared.
-#}
{% macro check_summary_class_vs_functional(check_name, summary_table, summary_measure, functional_table,
                                           functional_measure, subject_suffix) %}
    select
        coalesce(s.report_id, f.report_id) as report_id,
        '{{ check_name }}' as check_name,
        {{ summary_table }} as table_no,
        '{{ "%02d" % summary_table }} ' || coalesce(s.func_class_code, f.func_code) || '{{ subject_suffix }}' as subject,
        {{ check_amount('f.amount') }} as expected,
        {{ check_amount('s.amount') }} as observed,
        (f.amount is not null)::int as n_addends,
        s.page
    from (
        select report_id, func_class_code, amount, page
        from summary
        where table_no = {{ summary_table }} and side = 'expenditure' and measure = '{{ summary_measure }}'
          and func_class_code is not null
    ) as s
    full outer join (
        select report_id, func_code, amount
        from functional
        where table_no = {{ functional_table }} and length(func_code) = 3 and measure = '{{ functional_measure }}'
    ) as f
        on f.report_id = s.report_id and f.func_code = s.func_class_code
    where coalesce(s.amount, f.amount) is not null
      and coalesce(s.report_id, f.report_id) in (select report_id from reports_with where table_no = {{ summary_table }})
      and coalesce(s.report_id, f.report_id) in (select report_id from reports_with where table_no = {{ functional_table }})
{% endmacro %}
