{#-
    Arithmetic of the narrative checks, exact in DECIMAL (DuckDB divides decimals in DOUBLE, so a ratio
    is computed in integers and rounded half up there).
-#}

{#- 10^p as an integer, for 0 <= p <= 12 (a figure keeps at most 4 decimal places). -#}
{% macro narrative_pow10(p) -%}
    cast(case {{ p }} {% for k in range(13) %}when {{ k }} then {{ 10 ** k }} {% endfor %}end as hugeint)
{%- endmacro %}

{#- 10^-p as a DECIMAL, for 0 <= p <= 6. -#}
{% macro narrative_unit_of_place(p) -%}
    case {{ p }} {% for k in range(7) %}when {{ k }} then cast({{ '1' if k == 0 else '0.' ~ '0' * (k - 1) ~ '1' }} as decimal(20, 6)) {% endfor %}end
{%- endmacro %}

{#- x rounded half up (away from zero) to p decimal places, p a column (DuckDB's round wants a constant), as
    DECIMAL(24, 6) (every branch the same type: DuckDB would otherwise unify them to a scale that fits). -#}
{% macro narrative_round(x, p) -%}
    case {{ p }} {% for k in range(5) %}when {{ k }} then cast(round(cast({{ x }} as decimal(24, 6)), {{ k }}) as decimal(24, 6)) {% endfor %}end
{%- endmacro %}

{#- The factor from a money unit to 元 (a DECIMAL): 万元 10000, 亿元 100000000, 千元 1000, 元 1. -#}
{% macro narrative_yuan_factor(unit) -%}
    cast(case {{ unit }} when '万元' then 10000 when '亿元' then 100000000 when '千元' then 1000 else 1 end
         as decimal(20, 6))
{%- endmacro %}

{#- num / den × 100 rounded half up to p decimal places, as DECIMAL(24, 6); NULL when den is 0 or either is
    NULL. num and den are DECIMALs with at most 4 places in the same unit; p a column or constant <= 6. -#}
{% macro narrative_percent(num, den, p) -%}
    case when {{ num }} is not null and {{ den }} is not null and {{ den }} <> 0 then
        cast(cast(
            (case when ({{ num }} < 0) <> ({{ den }} < 0) then -1 else 1 end)
            * ((abs(cast({{ num }} * 10000 as hugeint)) * 100 * {{ narrative_pow10(p) }} * 2
                + abs(cast({{ den }} * 10000 as hugeint)))
               // (2 * abs(cast({{ den }} * 10000 as hugeint))))
            as decimal(24, 0)) * {{ narrative_unit_of_place(p) }} as decimal(24, 6))
    end
{%- endmacro %}

{#- The factor from 元 to a money unit (a DECIMAL, so that DuckDB multiplies instead of dividing in DOUBLE). -#}
{% macro narrative_from_yuan(unit) -%}
    cast(case {{ unit }} when '万元' then 0.0001 when '亿元' then 0.00000001 when '千元' then 0.001 else 1 end
         as decimal(20, 8))
{%- endmacro %}

{#- A classification name as printed in the narrative against a table row's: equal once white space and
    parenthesis width are set aside, with or without the 支出 that 类 names end with (一般公共服务（类）支出
    prints 一般公共服务; 05 prints 一般公共服务支出). Both sides already went through label_key. -#}
{% macro narrative_name_matches(table_name, printed_name) -%}
    ({{ table_name }} = {{ printed_name }}
     or {{ table_name }} = {{ printed_name }} || '支出'
     or {{ table_name }} || '支出' = {{ printed_name }})
{%- endmacro %}

{#- A DECIMAL as plain text for messages: at most four decimals, trailing zeros dropped (2961.68, 71.6539, 0). -#}
{% macro narrative_plain(x) -%}
    rtrim(rtrim(cast(round(cast({{ x }} as decimal(24, 6)), 4) as varchar), '0'), '.')
{%- endmacro %}

{#- An amount in 元 as text in a money unit, for messages: 21066600 元 in 万元 is 2106.66. -#}
{% macro narrative_yuan_text(x_yuan, unit) -%}
    coalesce({{ narrative_plain(x_yuan ~ ' * ' ~ narrative_from_yuan(unit)) }}, '?')
{%- endmacro %}
