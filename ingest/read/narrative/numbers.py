"""Figures in narrative sentences: a number as printed, its unit, and what is not a figure (years, dates,
item labels, thresholds such as 100万元（含）以上).

Sentences are read without white space (the PDF's spacing is layout, not text), so a number broken over two
lines (1,0 | 10.09) or set apart from its unit (264.87 万元) is one figure again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MONEY_UNITS = ("亿元", "万元", "千元", "元")
PERCENT_UNITS = ("%", "％")
# counted things, longest spelling first so that 人次 is not read as 人 and 台（套） not as 台
COUNT_UNITS = ("台（套）", "台(套)", "个百分点", "人次", "批次", "辆", "台", "套", "个", "项", "人", "名", "批",
               "次", "家", "户", "天", "份", "件", "所", "处", "条", "篇", "期", "场", "张", "部", "间")
SCORE_UNITS = ("分",)
_UNITS = sorted(MONEY_UNITS + PERCENT_UNITS + COUNT_UNITS + SCORE_UNITS, key=len, reverse=True)

# 1,642.78 | 1642.78 | 0.3 | 23 ; a comma group must have three digits so that 1，2 (a list) is not a number
# a minus sign counts when it does not follow a digit or letter (2023.10-2024.03 is a range)
_NUMBER = re.compile(r"(?<![\d.,])((?<![\dA-Za-z）)])[-−－])?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# what follows a number that makes it a date, a year, an ordinal or part of a name, not a figure
_NOT_A_FIGURE_AFTER = re.compile(r"^(年|月|日|号|季度|周岁|岁|小时|分钟|秒|届|级|版|期间|\*|×|-|—|－|~|～|/|\.\d)")
_THRESHOLD_AFTER = re.compile(r"^(（含）|\(含\))?(以上|以下|及以上|及以下)")
# a percent sign left out: the number ends a clause right after 占 …的, 完成 …的, 增长, 下降 …
_BARE_RATE_BEFORE = re.compile(r"(占[^，；。：]{0,30}?的?|完成[^，；。：]{0,12}?的|执行率(为|是|达)?|完成率(为|是|达)?|"
                               r"(增长|下降|上升|降低|增幅|降幅)(了|为)?)$")
_CLAUSE_END = re.compile(r"^($|[，,；;。：:、）)])")


@dataclass(frozen=True)
class Figure:
    """One stated figure: where it is in its sentence (character offsets), as printed, parsed exactly."""

    start: int              # offset of the first digit in the sentence text
    end: int                # offset after the unit (or the number when the unit is inferred)
    text: str               # the number as printed: 1,642.78
    value: Decimal
    unit: str               # 万元 元 % 个 辆 人次 分 … ('%' also when the sign was left out)
    unit_inferred: bool = False

    @property
    def is_money(self) -> bool:
        return self.unit in MONEY_UNITS

    @property
    def is_percent(self) -> bool:
        return self.unit in PERCENT_UNITS

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS

    @property
    def is_score(self) -> bool:
        return self.unit in SCORE_UNITS


def parse_number(text: str) -> Decimal:
    """The printed spelling of a number as an exact Decimal (thousands separators dropped)."""
    return Decimal(text.replace(",", "").replace("−", "-").replace("－", "-"))


def find_figures(sentence: str) -> list[Figure]:
    """Every stated figure of a sentence (white space already removed), in order."""
    out: list[Figure] = []
    for m in _NUMBER.finditer(sentence):
        start, end = m.start(), m.end()
        before = sentence[:start]
        after = sentence[end:]
        if _NOT_A_FIGURE_AFTER.match(after):
            continue
        if before.endswith(("第", "（", "(")) and re.match(r"^[）)]", after):
            continue                     # （1） an item label
        if re.search(r"(^|[。；：:，])$", before) and re.match(r"^[.、．](?!\d)", after):
            continue                     # 1. / 1、 an item label
        if before.endswith(("第", "前", "近")) and not _unit_at(after):
            continue
        unit = _unit_at(after)
        if unit:
            if unit in MONEY_UNITS and _THRESHOLD_AFTER.match(after[len(unit):]):
                continue                 # 单价100万元（含）以上设备: part of a name
            if unit == "分" and _CJK.match(after[1:2] or "") and not after[1:].startswith("等"):
                continue                 # 分别, 分配 …: not a score
            if unit in ("部", "期", "处", "间", "场") and _CJK.match(after[1:2] or ""):
                continue                 # 部门, 期末, 处理 …: a word, not a unit
            if unit == "项" and after[1:2] == "目":
                continue                 # 23项目: 项目 is the noun, not a unit
            text = m.group(0)
            out.append(Figure(start, end + len(unit), text, parse_number(text), unit))
            continue
        if _BARE_RATE_BEFORE.search(before) and _CLAUSE_END.match(after):
            text = m.group(0)
            out.append(Figure(start, end, text, parse_number(text), "%", unit_inferred=True))
    return out


def _unit_at(after: str) -> str | None:
    for unit in _UNITS:
        if after.startswith(unit):
            return unit
    return None

