{#- Helpers for text as printed in the reports. -#}

{#- Remove all white space: labels wrap inside cells (camelot keeps the line breaks as \n) and are
    spaced differently between reports ("经济分类 科目编码"). -#}
{% macro squash(text_expr) -%}
    nullif(regexp_replace(coalesce({{ text_expr }}, ''), '[{{ white_space() }}]', '', 'g'), '')
{%- endmacro %}

{#- White space as Python's str.isspace knows it (ingest/read/text.py and amounts.py drop it), for use
    inside a regular-expression class: RE2's \s alone lacks \v, U+001C-U+001F, U+0085 and the Unicode
    separators \p{Z}, such as the ideographic space U+3000 (合　计) and the no-break space. -#}
{% macro white_space() -%}
    \s\x{0B}\x{1C}-\x{1F}\x{85}\p{Z}
{%- endmacro %}

{#- Normalise a header label for matching against measure_labels.header_pattern: no white space,
    full-width parentheses as ASCII ones. -#}
{% macro header_key(text_expr) -%}
    translate({{ squash(text_expr) }}, '（）', '()')
{%- endmacro %}

{#- A row label as the seed summary_line_labels spells it: no white space, parentheses full-width
    (使用非财政拨款结余(含专用结余) and 使用非财政拨款结余（含专用结余） are one label). -#}
{% macro label_key(text_expr) -%}
    translate({{ squash(text_expr) }}, '()', '（）')
{%- endmacro %}

{#- The amount grammar, the same rules as ingest/read/amounts.py (its docstring states them); both are
    tested against one list of printed spellings, tests/data/amount_spellings.csv.

    amount_ignored: what is dropped anywhere in the text: white space (macro white_space) and the
    thousands separators , and ，.
    amount_minus: a leading minus sign, any of - (hyphen-minus), − (U+2212), – (en dash), － (full-width). -#}
{% macro amount_ignored() -%}
    [{{ white_space() }},，]
{%- endmacro %}

{% macro amount_minus() -%}
    [-−–－]
{%- endmacro %}

{#- Amount text as printed -> '-?digits[.digits]', or NULL when it is not an amount: white space and
    separators dropped, a negative written with a minus sign or in parentheses (ASCII or full-width,
    "(1,234.00)"; a minus inside them is the same negative) becomes '-'. Blank, dashes only (printed for
    "nothing") and any other text give NULL. -#}
{% macro amount_text_clean(text_expr) -%}
    {%- set flat = "regexp_replace(coalesce(" ~ text_expr ~ ", ''), '" ~ amount_ignored() ~ "', '', 'g')" -%}
    case
        when regexp_full_match({{ flat }}, '[(（]{{ amount_minus() }}?[0-9]+(\.[0-9]+)?[)）]|{{ amount_minus() }}[0-9]+(\.[0-9]+)?')
            then '-' || regexp_replace({{ flat }}, '[^0-9.]', '', 'g')
        when regexp_full_match({{ flat }}, '[0-9]+(\.[0-9]+)?')
            then {{ flat }}
    end
{%- endmacro %}

{#- Amount text as printed -> DECIMAL(18,2), NULL when it is not an amount (never 0). The warehouse keeps
    cents: a spelling with more decimals is rounded half away from zero (DuckDB's cast). -#}
{% macro parse_amount(text_expr) -%}
    cast({{ amount_text_clean(text_expr) }} as decimal(18, 2))
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

{#- The decimal places a figure is printed with: '1,642.78' -> 2, '100' -> 0, '2.1' -> 1; NULL when there is
    no spelling. The rounding checks of the narrative compare at this precision. -#}
{% macro printed_places(text_expr) -%}
    case when {{ text_expr }} is not null
         then coalesce(length(nullif(regexp_extract({{ text_expr }}, '\.([0-9]+)$', 1), '')), 0) end
{%- endmacro %}
