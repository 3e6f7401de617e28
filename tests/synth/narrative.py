"""A narrative (第三部分 情况说明) consistent with a generated report's tables, in the forms of the Ministry's
template, with narrative errors planted on request.

    doc = write_narrative(report, errors=("amount", "share", "rate", "relation", "zero_base"))
    render(report, path, layout, narrative=doc)      # fills in the page of every statement and error
    doc.stated   # every figure statement written: kind, table, measure, code / names, value …, page
    doc.planted  # every planted error: check, kind, page, subject ("05 2010301", "01 总计"), stated, expected

The narrative states: 01 总计 and its change from an invented previous year; 02 收入合计 and its columns
with their shares; 03 支出合计, 基本支出, 项目支出 and shares; 04 总计 and its change; 05 total, its share of
03 and change, 类 amounts and shares, 年初预算 / 决算 / completion rate / relation of the total and of every
项 with spending; 05 基本支出 with 06 人员经费 and 公用经费; 07 and 08 totals or their absence; 09 预算 and 决算
by category with rates, shares and counts; 机关运行经费 (= 06 公用经费) and its change; 政府采购; vehicles and
equipment. Printing choices (seeded by the report): 类/款/项 names with or without codes, 一般公共服务（类）支出 or
一般公共服务支出（类）, thousands separators, a percent sign now and then left out, item labels 1. or 1、, a
first-line indent or none, space between paragraphs or none.

Errors (each on one statement chosen by the seed, recorded with the check that should flag it):
``amount`` a stated amount off its table cell (narrative_amount); ``share`` a share off its ratio
(narrative_share); ``rate`` a completion rate off 决算/预算 (narrative_budget_final); ``relation`` the relation
word the opposite of the numbers (narrative_budget_final); ``zero_base`` a previous year of zero stated as
增长100.00% (narrative_yoy).
"""
from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from .model import Report

ERRORS = ("amount", "share", "rate", "relation", "zero_base")
CHECKS = {"amount": "narrative_amount", "share": "narrative_share", "rate": "narrative_budget_final",
          "relation": "narrative_budget_final", "zero_base": "narrative_yoy"}
# the line a measure names in the subject of a finding, after the table code ("03 合计 basic", "01 总计"):
# the warehouse's own vocabulary, the seed narrative_measures
_SEED = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "narrative_measures.csv"
with open(_SEED, newline="", encoding="utf-8") as _f:
    ROW_KEYS = {(r["table_code"], r["measure"]): r["row_key"] for r in csv.DictReader(_f) if r["table_code"]}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
REASONS = ["年中追加预算", "人员变动", "项目按进度支付", "厉行节约，压减一般性支出", "部分项目延期实施", "年中调整预算"]


def pct(part: Decimal, whole: Decimal) -> Decimal:
    """A share or rate as the template prints it: percent, two places, rounded half up."""
    return (part / whole * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Stated:
    """One statement the narrative makes, as the reader should return it as a claim."""

    kind: str                   # amount share yoy budget_final count
    table: str | None           # 01–09, None for figures no table holds
    measure: str | None
    value: Decimal | None
    unit: str
    code: str | None = None     # printed function code, when printed
    func_code: str | None = None    # the function code of a 类/项 subject, printed or not
    names: tuple = ()           # (类, 款, 项) names as printed, when printed
    subject: str = ""           # the subject's words as printed (counts: a part of them)
    extra: dict = field(default_factory=dict)     # budget, final, rate, change, direction, relation …
    paragraph: int = -1
    offset: int = -1            # where its first figure starts in the paragraph's text
    page: int = 0


@dataclass
class Planted:
    """A narrative error: the check that should flag it, where and about what."""

    kind: str                   # amount share rate relation zero_base
    check: str
    subject: str                # table and code or line: "05 2010301", "01 总计", "03 合计 basic"
    stated: str
    expected: str
    statement: Stated = None

    @property
    def page(self) -> int:
        return self.statement.page


@dataclass
class NarrativeDoc:
    heading: str
    paragraphs: list            # (text, style key) with style key 'part' | 'head' | 'body'
    stated: list
    planted: list
    indent: bool = False
    spacing: bool = True
    _pages: dict = field(default_factory=dict)      # paragraph -> [(offset, page)]

    def flowables(self, font: str) -> list:
        """reportlab flowables of the narrative; drawing them records the page of every statement."""
        body = ParagraphStyle("narr-body", fontName=font, fontSize=11, leading=18, alignment=TA_LEFT,
                              wordWrap="CJK", firstLineIndent=22 if self.indent else 0,
                              spaceBefore=6 if self.spacing else 0)
        head = ParagraphStyle("narr-head", parent=body, firstLineIndent=0, spaceBefore=6 if self.spacing else 0)
        part = ParagraphStyle("narr-part", fontName=font, fontSize=14, leading=22, alignment=TA_CENTER,
                              wordWrap="CJK", spaceAfter=6)
        styles = {"part": part, "head": head, "body": body}
        self._pages.clear()
        out = []
        for k, (text, key) in enumerate(self.paragraphs):
            out.append(_tracked(self, k)(text, styles[key]))
        return out

    def _drawn(self, k: int, page: int, text: str) -> None:
        pieces = self._pages.setdefault(k, [])
        offset = sum(len(t) for _, _, t in pieces)
        pieces.append((offset, page, text))
        done = sum(len(t) for _, _, t in pieces)
        if done >= len(self.paragraphs[k][0]):
            if "".join(t for _, _, t in pieces) != self.paragraphs[k][0]:
                raise RuntimeError(f"paragraph {k} drawn as {''.join(t for _, _, t in pieces)!r}")
            for st in self.stated:
                if st.paragraph == k:
                    st.page = next(p for o, p, _ in reversed(pieces) if o <= st.offset)


def _tracked(doc: NarrativeDoc, k: int) -> type:
    """A Paragraph class that reports the page it is drawn on; the pieces reportlab splits off a paragraph
    at a page break are of the same class, so each piece reports its own page and text."""

    def draw(self):
        lines = []
        for line in self.blPara.lines:
            if isinstance(line, tuple):
                lines.append("".join(line[1]))
            else:
                lines.append("".join(w.text for w in line.words))
        doc._drawn(k, self.canv.getPageNumber(), "".join(lines))
        Paragraph.draw(self)

    return type("NarrativeParagraph", (Paragraph,), {"draw": draw})


# ====================================================================== writing
class _Writer:
    def __init__(self, report: Report, rng: random.Random):
        self.r = report
        self.rng = rng
        self.u = report.unit
        self.thousands = rng.random() < 0.7
        self.no_percent = 0.15 if rng.random() < 0.4 else 0.0
        self.code_form = rng.choice(["names", "names", "names_code", "code_item"])
        self.class_form = rng.choice(["marker_after", "marker_inside"])
        self.item_label = rng.choice(["{}.", "{}、"])
        self.paragraphs: list = []
        self.stated: list[Stated] = []
        self.text = ""
        self.pending: list[Stated] = []

    # --- text with statements
    def money(self, v: Decimal) -> str:
        return (f"{v:,.2f}" if self.thousands else f"{v:.2f}") + self.u

    def percent(self, v: Decimal) -> str:
        return f"{v}" + ("" if self.rng.random() < self.no_percent else "%")

    def put(self, text: str) -> None:
        self.text += text

    def fig(self, st: Stated, text: str, *, first: bool = True) -> None:
        """Append `text` (a figure as printed); `first`: it is the statement's first figure."""
        if first:
            st.offset = len(self.text)
            self.pending.append(st)
            self.stated.append(st)
        self.text += text

    def end(self, key: str = "body") -> None:
        k = len(self.paragraphs)
        for st in self.pending:
            st.paragraph = k
        self.pending = []
        self.paragraphs.append((self.text, key))
        self.text = ""

    def head(self, text: str) -> None:
        self.put(text)
        self.end("head")


def _func_names(report: Report) -> dict:
    names = {}
    for table in (report.t05, report.t07, report.t08, report.t03):
        for row in table.rows:
            names.setdefault(row.code, row.name)
    return names


def write_narrative(report: Report, *, errors=(), seed: int | None = None) -> NarrativeDoc:
    """The 第三部分 of `report`, consistent with its tables except for the `errors` asked for (a subset of
    ``ERRORS``, each planted once)."""
    unknown = set(errors) - set(ERRORS)
    if unknown:
        raise ValueError(f"unknown narrative errors {sorted(unknown)}; choose from {ERRORS}")
    rng = random.Random(f"{report.seed}/narrative" if seed is None else seed)
    w = _Writer(report, rng)
    r = report
    y = r.fiscal_year
    names = _func_names(r)
    t01 = {(x.side, x.item_zh): x.values.get("amount") for x in r.t01 if x.values}
    t04 = {(x.side, x.item_zh): x.values for x in r.t04 if x.values}
    t02, t03, t05 = r.t02.total, r.t03.total, r.t05.total
    heading = f"第三部分 {y}年度部门决算情况说明"
    w.put(heading)
    w.end("part")
    zero_base = "zero_base" in errors

    def yoy(subject_words: str, current: Decimal, table: str | None, measure: str | None, *, each: str = "",
            zero: bool = False, intro: str = "与上年度相比，") -> None:
        """与上年度相比，X各增加/减少 C，增长/下降 R%: the previous year invented; `zero`: it was 0 and the rate
        is stated anyway (增长100.00%), a planted error."""
        if zero:
            prior = Decimal("0.00")
        else:
            prior = (current * Decimal(str(rng.uniform(0.6, 1.4)))).quantize(CENT)
            if prior == current or prior <= 0:
                prior = current + Decimal("1.00")
        change = current - prior
        word, word2 = ("增加", "增长") if change >= 0 else ("减少", "下降")
        st = Stated("yoy", table, measure, abs(change), w.u, subject=subject_words,
                    extra=dict(change=abs(change), direction=word, current=current))
        w.put(f"{intro}{subject_words}{each}{word}")
        w.fig(st, w.money(abs(change)))
        if prior != 0 or zero:
            rate = Decimal("100.00") if zero else pct(abs(change), prior)
            st.extra["rate"] = rate
            w.put(f"，{word2}")
            w.fig(st, w.percent(rate), first=False)
        if zero:
            planted.append(Planted("zero_base", CHECKS["zero_base"], finding_subject(st), "增长100.00%",
                                   f"上年为0，不应说明增长率（增加{abs(change)}）", st))

    planted: list[Planted] = []

    # 一、收入支出决算总体情况说明
    w.head("一、收入支出决算总体情况说明")
    total01 = t01[("income", "总计")]
    st = Stated("amount", "01", "grand_total", total01, w.u, subject="收、支总计")
    w.put(f"{y}年度收、支总计均为")
    w.fig(st, w.money(total01))
    w.put("。")
    yoy("收、支总计", total01, "01", "grand_total", each="各", zero=zero_base)
    w.put(f"，主要原因是：{rng.choice(REASONS)}。")
    w.end()

    # 二、收入决算情况说明
    w.head("二、收入决算情况说明")
    inc_total = t02["total_income"]
    st = Stated("amount", "02", "total_income", inc_total, w.u, subject="收入合计")
    w.put(f"{y}年度收入合计")
    w.fig(st, w.money(inc_total))
    w.put("，其中：")
    parts = [(m, zh) for m, zh in (("fiscal_appropriation", "财政拨款收入"), ("higher_level_subsidy", "上级补助收入"),
                                   ("service_income", "事业收入"), ("business_income", "经营收入"),
                                   ("affiliate_remittance", "附属单位上缴收入"), ("other_income", "其他收入"))
             if t02[m] != 0]
    shares: list[Stated] = []
    for i, (m, zh) in enumerate(parts):
        w.put(("；" if i else "") + zh)
        st = Stated("amount", "02", m, t02[m], w.u, subject=zh)
        w.fig(st, w.money(t02[m]))
        if inc_total > 0:
            sh = Stated("share", "02", m, pct(t02[m], inc_total), "%", subject=zh,
                        extra=dict(base_table="02", base_measure="total_income"))
            w.put("，占")
            w.fig(sh, w.percent(sh.value))
            shares.append(sh)
    w.put("。")
    w.end()

    # 三、支出决算情况说明
    w.head("三、支出决算情况说明")
    exp_total = t03["total_expenditure"]
    st = Stated("amount", "03", "total_expenditure", exp_total, w.u, subject="支出合计")
    w.put(f"{y}年度支出合计")
    w.fig(st, w.money(exp_total))
    w.put("，其中：")
    amounts03 = []
    for i, (m, zh) in enumerate([(m, zh) for m, zh in (("basic", "基本支出"), ("project", "项目支出"),
                                                       ("business_expenditure", "经营支出"))
                                 if t03[m] != 0]):
        w.put(("；" if i else "") + zh)
        st = Stated("amount", "03", m, t03[m], w.u, subject=zh)
        w.fig(st, w.money(t03[m]))
        amounts03.append(st)
        sh = Stated("share", "03", m, pct(t03[m], exp_total), "%", subject=zh,
                    extra=dict(base_table="03", base_measure="total_expenditure"))
        w.put("，占")
        w.fig(sh, w.percent(sh.value))
        shares.append(sh)
    w.put("。")
    w.end()

    # 四、财政拨款收入支出决算总体情况说明
    w.head("四、财政拨款收入支出决算总体情况说明")
    total04 = t04[("income", "总计")]["amount"]
    st = Stated("amount", "04", "grand_total", total04, w.u, subject="财政拨款收、支总计")
    w.put(f"{y}年度财政拨款收、支总计均为")
    w.fig(st, w.money(total04))
    w.put("。")
    if total04 > 0:
        yoy("财政拨款收、支总计", total04, "04", "grand_total", each="各")
    w.put("。")
    w.end()

    # 五、一般公共预算财政拨款支出决算情况说明
    w.head("五、一般公共预算财政拨款支出决算情况说明")
    w.head("（一）总体情况。")
    gp = t05["total"]
    st = Stated("amount", "05", "total", gp, w.u, subject="一般公共预算财政拨款支出")
    w.put(f"{y}年度一般公共预算财政拨款支出")
    w.fig(st, w.money(gp))
    sh = Stated("share", "05", "total", pct(gp, exp_total), "%", subject="一般公共预算财政拨款支出",
                extra=dict(base_table="03", base_measure="total_expenditure"))
    w.put("，占本年支出合计的")
    w.fig(sh, w.percent(sh.value))
    shares.append(sh)
    w.put("。")
    yoy("一般公共预算财政拨款支出", gp, "05", "total")
    w.put("。")
    w.end()

    w.head("（二）结构情况。")
    st = Stated("amount", "05", "total", gp, w.u, subject="一般公共预算财政拨款支出")
    w.put(f"{y}年度一般公共预算财政拨款支出")
    w.fig(st, w.money(gp))
    w.put("，主要用于以下方面：")
    classes = [row for row in r.t05.rows if row.level == "类" and row.values["total"] != 0]
    class_amounts = []
    for i, row in enumerate(classes):
        short = row.name.removesuffix("支出") or row.name
        label = f"{short}（类）支出" if w.class_form == "marker_after" else f"{row.name}（类）"
        code = None
        if w.code_form == "names_code":
            label += f"（{row.code}）"
            code = row.code
        w.put(("；" if i else "") + label)
        name = short if w.class_form == "marker_after" else row.name
        st = Stated("amount", "05", "total", row.values["total"], w.u, code=code, names=(name, None, None),
                    subject=label, func_code=row.code)
        w.fig(st, w.money(row.values["total"]))
        class_amounts.append((st, row.code))
        sh = Stated("share", "05", "total", pct(row.values["total"], gp), "%", code=code, names=(name, None, None),
                    subject=label, func_code=row.code, extra=dict(base_table="05", base_measure="total"))
        w.put("，占")
        w.fig(sh, w.percent(sh.value))
        shares.append(sh)
    w.put("。")
    w.end()

    # （三）具体情况: 年初预算 invented per 项, 决算 = 05 total of the 项
    w.head("（三）具体情况。")
    items = [row for row in r.t05.rows if row.level == "项" and row.values["total"] != 0]
    budgets = {}
    for row in items:
        f = row.values["total"]
        x = rng.random()
        if x < 0.3:
            b = f
        elif x < 0.36:
            b = Decimal("0.00")
        else:
            b = (f * Decimal(str(rng.uniform(0.5, 1.3)))).quantize(CENT)
            if b == 0:
                b = f
        budgets[row.code] = b
    total_budget = sum(budgets.values(), Decimal("0.00"))
    st = Stated("budget_final", "05", "total", gp, w.u, subject="一般公共预算财政拨款支出",
                extra=dict(budget=total_budget, final=gp))
    w.put(f"{y}年度一般公共预算财政拨款支出年初预算为")
    w.fig(st, w.money(total_budget))
    w.put("，支出决算为")
    w.fig(st, w.money(gp), first=False)
    if total_budget > 0:
        st.extra["rate"] = pct(gp, total_budget)
        w.put("，完成年初预算的")
        w.fig(st, w.percent(st.extra["rate"]), first=False)
    w.put("。其中：")
    w.end()
    item_stated: list[tuple[Stated, str]] = []
    for n, row in enumerate(items, 1):
        code = row.code
        cls, kuan = names[code[:3]], names[code[:5]]
        if w.code_form == "code_item":
            lead = f"{code}{row.name}（项）"
            st_names = (None, None, row.name)
            printed = code
        else:
            lead = f"{cls}（类）{kuan}（款）{row.name}（项）"
            st_names = (cls, kuan, row.name)
            printed = None
            if w.code_form == "names_code":
                lead += f"（{code}）"
                printed = code
        w.put(w.item_label.format(n) + lead + "。")
        b, f = budgets[code], row.values["total"]
        st = Stated("budget_final", "05", "total", f, w.u, code=printed, names=st_names, subject=lead,
                    func_code=code, extra=dict(budget=b, final=f))
        w.put("年初预算为")
        w.fig(st, w.money(b))
        w.put("，支出决算为")
        w.fig(st, w.money(f), first=False)
        if b > 0:
            st.extra["rate"] = pct(f, b)
            w.put("，完成年初预算的")
            w.fig(st, w.percent(st.extra["rate"]), first=False)
        relation = "大于" if f > b else ("小于" if f < b else "等于")
        st.extra["relation"] = relation
        if relation == "等于":
            w.put("。决算数等于年初预算数。")
        else:
            w.put(f"。决算数{relation}年初预算数的主要原因是：{rng.choice(REASONS)}。")
        item_stated.append((st, code))
        w.end()

    # 六、基本支出
    w.head("六、一般公共预算财政拨款基本支出决算情况说明")
    basic = t05["basic"]
    st = Stated("amount", "06", "basic", basic, w.u, subject="一般公共预算财政拨款基本支出")
    w.put(f"{y}年度一般公共预算财政拨款基本支出")
    w.fig(st, w.money(basic))
    w.put("，其中：人员经费")
    pers = Stated("amount", "06", "personnel", r.t06_personnel_total, w.u, subject="人员经费")
    w.fig(pers, w.money(r.t06_personnel_total))
    w.put("，主要包括：基本工资、津贴补贴、奖金、机关事业单位基本养老保险缴费；公用经费")
    pub = Stated("amount", "06", "public", r.t06_public_total, w.u, subject="公用经费")
    w.fig(pub, w.money(r.t06_public_total))
    w.put("，主要包括：办公费、印刷费、邮电费、差旅费、维修（护）费。")
    w.end()

    # 七、八
    for no, tno, name in (("七", 7, "政府性基金"), ("八", 8, "国有资本经营")):
        w.head(f"{no}、{name}预算财政拨款支出决算情况说明")
        t = r.func_table(tno)
        if t.empty:
            w.put(f"本部门{y}年度没有{name}预算财政拨款收入，也没有使用{name}预算财政拨款安排的支出。")
        else:
            st = Stated("amount", f"0{tno}", "total", t.total["total"], w.u, subject=f"{name}预算财政拨款支出")
            w.put(f"{y}年度{name}预算财政拨款支出")
            w.fig(st, w.money(t.total["total"]))
            w.put("。")
        w.end()

    # 九、三公
    w.head("九、一般公共预算财政拨款“三公”经费支出决算情况说明")
    w.head("（一）“三公”经费支出决算总体情况说明。")
    tp = r.t09
    bt, at = tp[("budget", "total")], tp[("actual", "total")]
    st = Stated("budget_final", "09", "total", at, w.u, subject="“三公”经费",
                extra=dict(budget=bt, final=at))
    w.put(f"{y}年度一般公共预算财政拨款“三公”经费支出预算为")
    w.fig(st, w.money(bt))
    w.put("，支出决算为")
    w.fig(st, w.money(at), first=False)
    if bt > 0:
        st.extra["rate"] = pct(at, bt)
        w.put("，完成预算的")
        w.fig(st, w.percent(st.extra["rate"]), first=False)
    w.put("。")
    w.end()
    w.head("（二）“三公”经费支出决算具体情况说明。")
    w.put(f"{y}年度一般公共预算财政拨款“三公”经费支出决算中，")
    for i, (item, zh) in enumerate((("overseas_travel", "因公出国（境）费"), ("vehicles", "公务用车购置及运行维护费"),
                                    ("reception", "公务接待费"))):
        a, b = tp[("actual", item)], tp[("budget", item)]
        w.put(("；" if i else "") + f"{zh}支出决算")
        if b > 0:
            st = Stated("budget_final", "09", item, a, w.u, subject=zh, extra=dict(final=a, rate=pct(a, b)))
            w.fig(st, w.money(a))
            w.put("，完成预算的")
            w.fig(st, w.percent(st.extra["rate"]), first=False)
        else:
            st = Stated("amount", "09", item, a, w.u, subject=zh)
            w.fig(st, w.money(a))
        if at > 0:
            sh = Stated("share", "09", item, pct(a, at), "%", subject=zh, extra=dict(base_table="09", base_measure="total"))
            w.put("，占")
            w.fig(sh, w.percent(sh.value))
    w.put("。")
    w.end()
    groups, people = rng.randint(0, 3), 0
    people = groups * rng.randint(1, 5)
    w.put("全年因公出国（境）团组")
    w.fig(Stated("count", None, None, Decimal(groups), "个", subject="团组"), f"{groups}个")
    w.put("，累计")
    w.fig(Stated("count", None, None, Decimal(people), "人次", subject="累计"), f"{people}人次")
    w.put("。公务用车购置费支出")
    w.fig(Stated("amount", "09", "vehicle_purchase", tp[("actual", "vehicle_purchase")], w.u, subject="公务用车购置费"),
          w.money(tp[("actual", "vehicle_purchase")]))
    bought = rng.randint(1, 2) if tp[("actual", "vehicle_purchase")] > 0 else 0
    w.put("，购置车辆")
    w.fig(Stated("count", None, None, Decimal(bought), "辆", subject="购置车辆"), f"{bought}辆")
    w.put("；公务用车运行维护费支出")
    w.fig(Stated("amount", "09", "vehicle_operation", tp[("actual", "vehicle_operation")], w.u,
                 subject="公务用车运行维护费"), w.money(tp[("actual", "vehicle_operation")]))
    kept = rng.randint(0, 6)
    w.put(f"，{y}年期末公务用车保有量为")
    w.fig(Stated("count", None, None, Decimal(kept), "辆", subject="公务用车保有量"), f"{kept}辆")
    visits = rng.randint(0, 40)
    w.put("。国内公务接待")
    w.fig(Stated("count", None, None, Decimal(visits), "批次", subject="国内公务接待"), f"{visits}批次")
    w.put("，共")
    w.fig(Stated("count", None, None, Decimal(visits * 4), "人次", subject="共"), f"{visits * 4}人次")
    w.put("。")
    w.end()

    # 十、机关运行经费 (= 06 公用经费 here)
    w.head("十、机关运行经费支出情况说明")
    ops = r.t06_public_total
    st = Stated("amount", None, "operating_costs", ops, w.u, subject="机关运行经费支出")
    w.put(f"{y}年度机关运行经费支出")
    w.fig(st, w.money(ops))
    w.put("，")
    yoy("", ops, None, "operating_costs", intro="比上年")
    w.put("。")
    w.end()

    # 十一、政府采购
    w.head("十一、政府采购支出情况说明")
    goods = Decimal(rng.randint(0, 5000)) / 100 * (1 if w.u == "万元" else 10000)
    works = Decimal(0).quantize(CENT)
    services = Decimal(rng.randint(0, 20000)) / 100 * (1 if w.u == "万元" else 10000)
    goods, services = goods.quantize(CENT), services.quantize(CENT)
    total_p = goods + works + services
    w.put(f"{y}年度政府采购支出总额")
    w.fig(Stated("amount", None, "procurement_total", total_p, w.u, subject="政府采购支出总额"), w.money(total_p))
    w.put("，其中：政府采购货物支出")
    w.fig(Stated("amount", None, "procurement_goods", goods, w.u, subject="政府采购货物支出"), w.money(goods))
    w.put("、政府采购工程支出")
    w.fig(Stated("amount", None, "procurement_works", works, w.u, subject="政府采购工程支出"), w.money(works))
    w.put("、政府采购服务支出")
    w.fig(Stated("amount", None, "procurement_services", services, w.u, subject="政府采购服务支出"), w.money(services))
    sme = services
    w.put("。授予中小企业合同金额")
    w.fig(Stated("amount", None, "procurement_sme", sme, w.u, subject="授予中小企业合同金额"), w.money(sme))
    if total_p > 0:
        w.put("，占政府采购支出总额的")
        w.fig(Stated("share", None, "procurement_sme", pct(sme, total_p), "%", subject="授予中小企业合同金额",
                     extra=dict(base_table=None, base_measure="procurement_total")), w.percent(pct(sme, total_p)))
    w.put("。")
    w.end()

    # 十二、国有资产占用
    w.head("十二、国有资产占用情况说明")
    cars = [rng.randint(0, 3) for _ in range(3)]
    w.put(f"截至{y}年12月31日，本部门共有车辆")
    w.fig(Stated("count", None, None, Decimal(sum(cars)), "辆", subject="共有车辆"), f"{sum(cars)}辆")
    w.put("，其中：")
    for i, (kind, n) in enumerate(zip(("一般公务用车", "执法执勤用车", "其他用车"), cars)):
        w.put(("、" if i else "") + kind)
        w.fig(Stated("count", None, None, Decimal(n), "辆", subject=kind), f"{n}辆")
    equipment = rng.randint(0, 3)
    w.put("；单价100万元（含）以上设备")
    w.fig(Stated("count", None, None, Decimal(equipment), "台（套）", subject="单价100万元（含）以上设备"),
          f"{equipment}台（套）")
    w.put("。")
    w.end()

    doc = NarrativeDoc(heading, w.paragraphs, w.stated, planted, indent=rng.random() < 0.4,
                       spacing=rng.random() < 0.7)
    _plant(doc, w, rng, errors, amounts03 + [pers] + [s for s, _ in class_amounts], shares, item_stated)
    return doc


# ====================================================================== errors
def finding_subject(st: Stated) -> str:
    """The subject a check names in its finding, up to the figure it compares: table and code
    ("05 2010301") or line ("03 合计 basic", "01 总计")."""
    if st.func_code:
        return f"{st.table} {st.func_code}"
    return f"{st.table} {ROW_KEYS[(st.table, st.measure)]}"


def _plant(doc: NarrativeDoc, w: _Writer, rng: random.Random, errors, amounts, shares, items) -> None:
    """Change the printed text of one statement per error asked for, recording what a check should find."""

    def replace_at(st: Stated, old: str, new: str, *, after: int = 0) -> None:
        text, key = doc.paragraphs[st.paragraph]
        at = text.index(old, st.offset + after)
        doc.paragraphs[st.paragraph] = (text[:at] + new + text[at + len(old):], key)
        delta = len(new) - len(old)
        if delta:
            for other in doc.stated:
                if other.paragraph == st.paragraph and other.offset > at:
                    other.offset += delta

    if "amount" in errors:
        st = rng.choice(amounts)
        old = w.money(st.value)
        wrong = st.value + max((st.value * Decimal("0.03")).quantize(CENT), Decimal("1.00"))
        replace_at(st, old, w.money(wrong))
        st.extra["true_value"] = st.value
        st.value = wrong
        doc.planted.append(Planted("amount", CHECKS["amount"], finding_subject(st), str(wrong),
                                   str(st.extra["true_value"]), st))
    if "share" in errors:
        st = rng.choice([s for s in shares if s.table in ("02", "03", "05")])
        old = f"{st.value}"
        wrong = st.value + Decimal("1.30") if st.value < 90 else st.value - Decimal("1.30")
        replace_at(st, old, f"{wrong}")
        st.extra["true_value"] = st.value
        st.value = wrong
        doc.planted.append(Planted("share", CHECKS["share"], finding_subject(st), str(wrong),
                                   str(st.extra["true_value"]), st))
    with_rate = [(s, c) for s, c in items if "rate" in s.extra]
    if "rate" in errors and with_rate:
        st, code = rng.choice(with_rate)
        old = f"{st.extra['rate']}"
        wrong = st.extra["rate"] + Decimal("2.50")
        replace_at(st, "完成年初预算的" + old, "完成年初预算的" + f"{wrong}")
        st.extra["true_rate"] = st.extra["rate"]
        st.extra["rate"] = wrong
        doc.planted.append(Planted("rate", CHECKS["rate"], finding_subject(st), str(wrong), str(st.extra["true_rate"]), st))
    unequal = [(s, c) for s, c in items if s.extra["relation"] != "等于" and s not in [p.statement for p in doc.planted]]
    if "relation" in errors and unequal:
        st, code = rng.choice(unequal)
        old = st.extra["relation"]
        new = "小于" if old == "大于" else "大于"
        replace_at(st, f"决算数{old}年初预算数", f"决算数{new}年初预算数")
        st.extra["true_relation"] = old
        st.extra["relation"] = new
        doc.planted.append(Planted("relation", CHECKS["relation"], finding_subject(st), new, old, st))


def overview(report: Report, font: str) -> list:
    """第一部分 部门概况 (no figures), printed before the tables when the narrative follows them."""
    head = ParagraphStyle("ov-head", fontName=font, fontSize=14, leading=22, alignment=TA_CENTER, wordWrap="CJK")
    body = ParagraphStyle("ov-body", fontName=font, fontSize=11, leading=18, alignment=TA_LEFT, wordWrap="CJK")
    return [Paragraph("第一部分 部门概况", head), Paragraph("一、部门职责", body),
            Paragraph(f"{report.department}贯彻落实党中央、国务院和上级党委、政府的决策部署，依法履行本部门职责，"
                      "推进各项重点工作落实。", body),
            Paragraph("二、机构设置", body),
            Paragraph(f"从决算单位构成看，{report.department}部门决算包括：本级决算和所属单位决算。", body)]
