{#- Helpers for text as printed in the reports. -#}

{#- Remove all white space: labels wrap inside cells (camelot keeps the line breaks as \n) and are
    spaced differently between reports ("经济分类 科目编码"). -#}
{% macro squash(text_expr) -%}
    nullif(regexp_replace(coalesce({{ text_expr }}, ''), '\s', '', 'g'), '')
{%- endmacro %}

{#- Normalise a header label for matching against measure_labels.header_pattern: no white space,
    full-width parentheses as ASCII ones. -#}
{% macro header_key(text_expr) -%}
    translate({{ squash(text_expr) }}, '（）', '()')
{%- endmacro %}

{#- Amount text as printed -> DECIMAL(18,2). Thousands separators (, and ，) and spaces are removed,
    a full-width or typographic minus and an accounting "(1,234.00)" become negative; blank, "-" and
    "—" (printed for nothing) and any other text give NULL, never 0. -#}
{% macro amount_text_clean(text_expr) -%}
    regexp_replace(
        translate(regexp_replace(coalesce({{ text_expr }}, ''), '[\s,，]', '', 'g'), '－−', '--'),
        '^\((.*)\)$', '-\1'
    )
{%- endmacro %}

{% macro parse_amount(text_expr) -%}
    case
        when regexp_full_match({{ amount_text_clean(text_expr) }}, '-?[0-9]+(\.[0-9]+)?')
            then cast({{ amount_text_clean(text_expr) }} as decimal(18, 2))
    end
{%- endmacro %}

{#- Amount in 元: x10000 when the table's unit is 万元. -#}
{% macro to_yuan(amount_expr, unit_expr) -%}
    cast(case when {{ unit_expr }} = '万元' then {{ amount_expr }} * 10000 else {{ amount_expr }} end
         as decimal(20, 2))
{%- endmacro %}

{#- 类/款/项 of a functional-classification code by its length. -#}
{% macro func_level(code_expr) -%}
    case length({{ code_expr }}) when 3 then '类' when 5 then '款' when 7 then '项' end
{%- endmacro %}

{#- A functional (3/5/7 digits) or economic (3/5 digits) classification code. -#}
{% macro is_class_code(text_expr) -%}
    coalesce(regexp_full_match({{ text_expr }}, '[0-9]{3}([0-9]{2}){0,2}'), false)
{%- endmacro %}

{#- Aggregates over one printed row's cells (grouped by row): the code printed whole (code_whole), the
    code printed split over 类|款|项 cells joined (code_pieces), and the printed name (name_printed). -#}
{% macro printed_code_and_name() -%}
        max(case when role = 'code' then text_squashed end) as code_whole,
        string_agg(
            case when role in ('code_class', 'code_kuan', 'code_xiang') then text_squashed end,
            '' order by col_no
        ) as code_pieces,
        min(case when role = 'name' then text_squashed end) as name_printed
{%- endmacro %}
