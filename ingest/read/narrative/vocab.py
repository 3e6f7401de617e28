"""What a narrative figure is about: the standard table a section speaks of, the measure a label names,
and the 类/款/项 names and codes of a classification subject.

Labels are matched as printed (white space removed). Every hint keeps the printed word beside a stable
English name, so that dbt can join the hint to the tables' measures and the warehouse keeps the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The table a section (or subsection) title speaks of, most specific first.
SECTION_TABLES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"三公"), "09"),
    (re.compile(r"基本支出"), "06"),
    (re.compile(r"政府性基金"), "07"),
    (re.compile(r"国有资本经营"), "08"),
    (re.compile(r"一般公共预算财政拨款(项目)?支出"), "05"),
    (re.compile(r"财政拨款收入?支出?(决算)?总体|财政拨款收支"), "04"),
    (re.compile(r"收入支出(决算)?总体|收支(决算)?总体"), "01"),
    (re.compile(r"收入决算"), "02"),
    (re.compile(r"支出决算"), "03"),
]
# sections whose figures no standard table holds
NO_TABLE_SECTION = re.compile(r"机关运行经费|机构运行经费|政府采购|国有资产|资产占用|资产占有|绩效")


def section_table(*titles: str) -> str | None:
    """The standard table (01–09) the innermost titled section speaks of; None for 机关运行经费, 政府采购 …"""
    for title in reversed([t for t in titles if t]):
        if NO_TABLE_SECTION.search(title):
            return None
        for pattern, table in SECTION_TABLES:
            if pattern.search(title):
                return table
    return None


@dataclass(frozen=True)
class Measure:
    name: str           # stable English name
    printed: str        # the words matched, as printed
    table: str | None   # the table this measure always belongs to, whatever the section (人员经费 → 06)


# (pattern, measure, table it always belongs to or None), most specific first; matched against a label
_MEASURES: list[tuple[re.Pattern, str, str | None]] = [(re.compile(p), m, t) for p, m, t in [
    (r"财政拨款收、?支总计|财政拨款收入支出总计|财政拨款收支总计", "grand_total", "04"),
    (r"收、?支总计|收入支出总计|收支总计|收入总计|支出总计", "grand_total", None),
    (r"本年收入合计|收入合计", "total_income", None),
    (r"本年支出合计|支出合计", "total_expenditure", None),
    (r"一般公共预算财政拨款基本支出", "basic", None),
    (r"一般公共预算财政拨款项目支出", "project", None),
    (r"一般公共预算财政拨款支出", "total", "05"),
    (r"政府性基金预算财政拨款(收入和)?支出", "total", "07"),
    (r"国有资本经营预算财政拨款(收入和)?支出", "total", "08"),
    (r"财政拨款收入", "fiscal_appropriation", None),
    (r"上级补助收入", "higher_level_subsidy", None),
    (r"附属单位上缴收入", "affiliate_remittance", None),
    (r"事业收入", "service_income", None),
    (r"经营收入", "business_income", None),
    (r"其他收入", "other_income", None),
    (r"上缴上级支出", "remitted_to_higher", None),
    (r"对附属单位补助支出", "subsidy_to_affiliates", None),
    (r"经营支出", "business_expenditure", None),
    (r"基本支出", "basic", None),
    (r"项目支出", "project", None),
    (r"人员经费", "personnel", "06"),
    (r"公用经费", "public", "06"),
    (r"因公出国[（(]境[)）]费?", "overseas_travel", "09"),
    (r"公务用车购置及运行(维护)?费?", "vehicles", "09"),
    (r"公务用车购置(费|支出)?", "vehicle_purchase", "09"),
    (r"公务用车运行(维护)?(费|支出)?", "vehicle_operation", "09"),
    (r"外宾接待", "foreign_reception", None),
    (r"国内公务接待", "domestic_reception", None),
    (r"公务接待费?", "reception", "09"),
    (r"[“\"]?三公[”\"]?经费", "total", "09"),
    (r"机关运行经费|机构运行经费", "operating_costs", None),
]]
_PROCUREMENT: list[tuple[re.Pattern, str]] = [(re.compile(p), m) for p, m in [
    (r"小微企业", "procurement_small_micro"),
    (r"中小企业", "procurement_sme"),
    (r"货物", "procurement_goods"),
    (r"工程", "procurement_works"),
    (r"服务", "procurement_services"),
    (r"政府采购|采购", "procurement_total"),
]]


def measure_of(label: str, *, procurement: bool = False) -> Measure | None:
    """The measure a label names (基本支出 → basic), or None."""
    if procurement or "采购" in label:
        for pattern, name in _PROCUREMENT:
            m = pattern.search(label)
            if m:
                return Measure(name, m.group(0), None)
        return None
    for pattern, name, table in _MEASURES:
        m = pattern.search(label)
        if m:
            return Measure(name, m.group(0), table)
    return None


# ---------------------------------------------------------------------------------------------------- 类/款/项
_MARK = re.compile(r"[（(](类|款|项)[）)]")
_CODE = re.compile(r"(?<![\d.,])(2\d{2}(?:\d{2}){0,2})(?![\d.,])")
_LEVEL_OF_LENGTH = {3: "类", 5: "款", 7: "项"}


@dataclass(frozen=True)
class FuncSubject:
    """A functional classification subject as printed: names by level and/or a code."""

    class_name: str | None = None
    kuan_name: str | None = None
    item_name: str | None = None
    code: str | None = None

    @property
    def level(self) -> str | None:
        if self.code:
            return _LEVEL_OF_LENGTH[len(self.code)]
        if self.item_name:
            return "项"
        if self.kuan_name:
            return "款"
        if self.class_name:
            return "类"
        return None

    @property
    def name(self) -> str | None:
        """The name of the lowest level printed."""
        return self.item_name or self.kuan_name or self.class_name


def func_subject(text: str) -> FuncSubject | None:
    """Names marked （类）（款）（项） and a function code (201, 20103, 2010301) printed in a subject; None when
    the text names no classification."""
    names: dict[str, str] = {}
    pos = 0
    for m in _MARK.finditer(text):
        name = text[pos:m.start()]
        name = re.sub(r"^[\d.、．\s]*", "", name)
        name = re.sub(r"[【\[（(]?2\d{2}(?:\d{2}){0,2}[】\]）)]?", "", name)      # a code printed in the name
        name = name.strip("*：:，,、；; ")
        if name and m.group(1) not in names:
            names[m.group(1)] = name
        pos = m.end()
    codes = _CODE.findall(text)
    code = max(codes, key=len) if codes else None
    if not names and not code:
        return None
    return FuncSubject(names.get("类"), names.get("款"), names.get("项"), code)

