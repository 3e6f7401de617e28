"""A random, internally consistent department final-accounts report (data only, no rendering).

Every amount is an exact ``Decimal`` with two places.  All identities the warehouse checks hold exactly:
roll-ups (合计 = Σ类, 类 = Σ款, 款 = Σ项) in 02/03/05/07/08, row identities (02 total = Σ income columns,
03 total = Σ expenditure columns, 05/08 total = basic + project, 07 opening + income − spending = closing),
01/04 summary sides, 05 basic 合计 = 06 人员经费合计 + 公用经费合计, and 09 totals.

``Report.facts(...)`` returns the truth as flat dicts in the marts' terms; how zero cells are
printed depends on the rendering, so the caller says whether zeros are blank (see ``render.facts_for``).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from . import codes

M02 = ("total_income", "fiscal_appropriation", "higher_level_subsidy", "service_income", "business_income",
       "affiliate_remittance", "other_income")
M03 = ("total_expenditure", "basic", "project", "remitted_to_higher", "business_expenditure",
       "subsidy_to_affiliates")
M05 = ("total", "basic", "project")
M07 = ("opening_balance", "income", "total", "basic", "project", "closing_balance")
M08 = M05
MEASURES = {2: M02, 3: M03, 5: M05, 7: M07, 8: M08}
MEASURE_ZH = {
    2: dict(zip(M02, ("本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入",
                      "其他收入"))),
    3: dict(zip(M03, ("本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"))),
    5: dict(zip(M05, ("小计", "基本支出", "项目支出"))),
    7: dict(zip(M07, ("年初结转和结余", "本年收入", "小计", "基本支出", "项目支出", "年末结转和结余"))),
    8: dict(zip(M08, ("小计", "基本支出", "项目支出"))),
}
M04_EXP = ("total", "general_budget", "government_fund", "state_capital")
M04_EXP_ZH = dict(zip(M04_EXP, ("合计", "一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")))
TP_ITEMS = ("total", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation", "reception")
TP_ITEM_ZH = dict(zip(TP_ITEMS, ("合计", "因公出国（境）费", "公务用车购置及运行维护费", "公务用车购置费",
                                 "公务用车运行维护费", "公务接待费")))
TITLES = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算明细表",
    7: "政府性基金预算财政拨款收入支出决算表",
    8: "国有资本经营预算财政拨款支出决算表",
    9: "一般公共预算财政拨款“三公”经费支出决算表",
}
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
            "十六", "十七", "十八", "十九", "二十", "二十一", "二十二", "二十三", "二十四", "二十五", "二十六"]


def D(cents: int) -> Decimal:
    """Exact two-place Decimal from integer cents."""
    return Decimal(int(cents)).scaleb(-2)


def level_of(code: str) -> str:
    return {3: "类", 5: "款", 7: "项"}[len(code)]


@dataclass
class FuncRow:
    code: str
    name: str
    level: str                      # 类 / 款 / 项
    values: dict                    # measure -> Decimal


@dataclass
class FuncTable:
    table_no: int
    measures: tuple
    total: dict                     # measure -> Decimal (the 合计 row)
    rows: list                      # FuncRow, printed order (类, its 款, their 项, …)

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass
class SummaryLine:
    side: str                       # income / expenditure
    line_no: int                    # standard 行次 (printed only by some layouts)
    label: str                      # as printed, with ordinal (一、…), '' for a blank filler row
    item_zh: str                    # label without ordinal and white space ('' for filler)
    func_class_code: str | None
    values: dict                    # measure -> Decimal; {} for a filler row


@dataclass
class EconRow:
    code: str
    name: str
    level: str                      # 类 / 款
    group: str                      # 人员经费 / 公用经费
    amount: Decimal


@dataclass
class Report:
    seed: int
    region: str
    department: str
    department_type: str
    fiscal_year: int
    unit: str                       # 万元 / 元
    t01: list                       # SummaryLine
    t02: FuncTable
    t03: FuncTable
    t04: list                       # SummaryLine
    t05: FuncTable
    t06: list                       # EconRow
    t06_personnel_total: Decimal
    t06_public_total: Decimal
    t07: FuncTable
    t08: FuncTable
    t09: dict                       # (stage, item) -> Decimal
    extras: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{self.fiscal_year}年度{self.department}部门决算"

    def func_table(self, n: int) -> FuncTable:
        return {2: self.t02, 3: self.t03, 5: self.t05, 7: self.t07, 8: self.t08}[n]

    def metadata(self) -> dict:
        return {"region": self.region, "department": self.department, "department_type": self.department_type,
                "fiscal_year": self.fiscal_year, "unit": self.unit, "title": self.title}

    # ------------------------------------------------------------------ truth
    def facts(self, *, blank_zero: bool = False, line_no: bool = True, empty_total: str = "zero",
              tp_blank_zero: bool | None = None) -> list[dict]:
        """Expected facts as printed by a rendering.

        blank_zero: zero amounts are printed as blank cells (amount None) rather than 0.00.
        line_no: the layout prints 行次 in 01/04 (line_no is then the printed number, else None).
        empty_total: how an empty 07/08 is printed: 'zero' (合计 row of 0.00), 'blank' (合计 row, blank
        cells: amounts None), 'none' (no 合计 row at all: no facts).
        Every fact has: table_no, kind, measure, measure_zh, amount, plus the keys of its kind:
        functional: func_code (None for 合计), func_level, func_name; economic: econ_code, econ_level,
        econ_name, expense_group; summary: side, line_no, seq (0-based row on its side), item_zh,
        func_class_code; three_public: stage, item, item_zh.
        """
        def amt(v):
            if v is None:
                return None
            return None if (blank_zero and v == 0) else v

        out = []
        for tno, lines in ((1, self.t01), (4, self.t04)):
            seq = {"income": 0, "expenditure": 0}
            for ln in lines:
                s = seq[ln.side]
                seq[ln.side] += 1
                for m, v in ln.values.items():
                    mzh = "决算数" if tno == 1 else ("金额" if ln.side == "income" else M04_EXP_ZH[m])
                    out.append(dict(table_no=tno, kind="summary", side=ln.side,
                                    line_no=ln.line_no if line_no else None, seq=s, item_zh=ln.item_zh,
                                    func_class_code=ln.func_class_code, measure=m, measure_zh=mzh,
                                    amount=amt(v)))
        for tno in (2, 3, 5, 7, 8):
            t = self.func_table(tno)
            if t.empty and empty_total == "none":
                continue
            zero_blank = blank_zero or (t.empty and empty_total == "blank")
            for m in t.measures:
                v = t.total[m]
                out.append(dict(table_no=tno, kind="functional", func_code=None, func_level="合计",
                                func_name="合计", measure=m, measure_zh=MEASURE_ZH[tno][m],
                                amount=None if (zero_blank and v == 0) else v))
            for r in t.rows:
                for m in t.measures:
                    out.append(dict(table_no=tno, kind="functional", func_code=r.code, func_level=r.level,
                                    func_name=r.name, measure=m, measure_zh=MEASURE_ZH[tno][m],
                                    amount=amt(r.values[m])))
        for r in self.t06:
            out.append(dict(table_no=6, kind="economic", econ_code=r.code, econ_level=r.level, econ_name=r.name,
                            expense_group=r.group, measure="amount", measure_zh="决算数", amount=amt(r.amount)))
        for name, group, v in (("人员经费合计", "人员经费", self.t06_personnel_total),
                               ("公用经费合计", "公用经费", self.t06_public_total)):
            out.append(dict(table_no=6, kind="economic", econ_code=None, econ_level="合计", econ_name=name,
                            expense_group=group, measure="amount", measure_zh="决算数", amount=amt(v)))
        tpb = blank_zero if tp_blank_zero is None else tp_blank_zero
        for stage in ("budget", "actual"):
            for item in TP_ITEMS:
                v = self.t09[(stage, item)]
                out.append(dict(table_no=9, kind="three_public", stage=stage, item=item, item_zh=TP_ITEM_ZH[item],
                                measure=stage, measure_zh="预算数" if stage == "budget" else "决算数",
                                amount=None if (tpb and v == 0) else v))
        return out


# ====================================================================== generation
class _Gen:
    def __init__(self, seed: int, unit: str | None, year: int | None):
        self.rng = random.Random(seed)
        self.seed = seed
        self.unit = unit or self.rng.choice(["万元", "万元", "万元", "元"])
        if self.unit not in ("万元", "元"):
            raise ValueError(f"unit must be 万元 or 元, not {unit!r}")
        self.scale = 1 if self.unit == "万元" else 10000
        self.year = year or self.rng.randint(2022, 2025)

    def amt(self, lo: float, hi: float) -> int:
        """Random amount in cents of the report's unit, lo..hi expressed in 万元."""
        a = int(lo * 100 * self.scale)
        b = int(hi * 100 * self.scale)
        # log-uniform so small and large amounts both occur
        import math
        x = math.exp(self.rng.uniform(math.log(max(a, 1)), math.log(max(b, 2))))
        c = int(x)
        if self.scale > 1 and self.rng.random() < 0.3:
            c = c // 100 * 100          # whole yuan now and then
        return max(c, 1)

    def split(self, total: int, n: int, zero_p: float = 0.0) -> list[int]:
        """Split total cents into n non-negative parts (some zero with probability zero_p)."""
        if n <= 0:
            return []
        w = [0.0 if (i > 0 and self.rng.random() < zero_p) else self.rng.random() ** 2 + 0.01 for i in range(n)]
        if sum(w) == 0:
            w[0] = 1.0
        s = sum(w)
        parts = [int(total * x / s) for x in w]
        parts[max(range(n), key=lambda i: w[i])] += total - sum(parts)
        return parts


def random_report(seed: int, *, unit: str | None = None, year: int | None = None) -> Report:
    """A random report; the same seed (and arguments) always gives the same report."""
    g = _Gen(seed, unit, year)
    rng = g.rng

    # ---- who
    kind = rng.choice(["city", "city", "district", "county"])
    if kind == "city":
        region = rng.choice(codes.CITIES)
    elif kind == "district":
        region = rng.choice(codes.DISTRICTS)
    else:
        prov, county = rng.choice(codes.COUNTIES)
        region = prov + county if rng.random() < 0.5 else county
    dtype = rng.choice(sorted(codes.DEPARTMENT_TYPES))
    own, gf_kuan, sc_kuan = codes.DEPARTMENT_TYPES[dtype]
    department = region + dtype

    # ---- which 项 and what kind of spending: code -> dict of cents
    items: dict[str, dict] = {}

    def add(code, kind_):
        items.setdefault(code, {"kind": kind_})

    main = own[0]
    main_items = codes.KUAN[main][1]
    first = main_items[0][0]
    add(first, "basic" if main_items[0][1] in ("行政运行",) or rng.random() < 0.7 else "project")
    for k in own:
        for c, n in codes.KUAN[k][1]:
            if c != first and rng.random() < 0.45:
                add(c, "basic" if n in ("行政运行", "事业运行", "机关服务") else "project")
    add("2080505", "basic")
    for c, p in (("2080506", 0.6), ("2080501", 0.35), ("2080502", 0.15), ("2080599", 0.3)):
        if rng.random() < p:
            add(c, "basic")
    add(rng.choice(["2101101", "2101101", "2101102"]), "basic")
    if rng.random() < 0.5:
        add("2101103", "basic")
    add("2210201", "basic")
    if rng.random() < 0.35:
        add("2210203", "basic")
    for c, p in (("2080711", 0.1), ("2089999", 0.1), ("2299999", 0.12), ("2100410", 0.08), ("2069999", 0.08),
                 ("2011199", 0.06), ("2013105", 0.05)):
        if rng.random() < p:
            add(c, "project")
    if gf_kuan and rng.random() < 0.6 or rng.random() < 0.05:
        k = rng.choice(gf_kuan or sorted(codes.GOV_FUND_KUAN))
        for c, _ in rng.sample(codes.KUAN[k][1], rng.randint(1, min(2, len(codes.KUAN[k][1])))):
            add(c, "gf")
    if sc_kuan and rng.random() < 0.6 or rng.random() < 0.04:
        k = rng.choice(sc_kuan or sorted(codes.STATE_CAPITAL_KUAN))
        c, _ = rng.choice(codes.KUAN[k][1])
        add(c, "sc")

    # ---- expenditure by source (cents)
    zero = dict(gp_b=0, gp_p=0, gf_b=0, gf_p=0, sc_b=0, sc_p=0, nf_b=0, nf_p=0, remit=0, business=0, subsidy=0)
    for c, it in items.items():
        it.update(zero)
        k = it["kind"]
        if k == "basic":
            big = c.endswith("01") and c[:5] in own or c.endswith("50")
            it["gp_b"] = g.amt(200, 3000) if big else g.amt(0.5, 300)
            if big and rng.random() < 0.25:
                it["gp_p"] = g.amt(1, 50)
        elif k == "project":
            it["gp_p"] = g.amt(0.3, 800)
            if rng.random() < 0.1:
                it["gp_b"] = g.amt(0.3, 30)
        elif k == "gf":
            it["gf_p"] = g.amt(1, 2000)
        elif k == "sc":
            it["sc_p"] = g.amt(1, 500)
    gp_codes = sorted(c for c, it in items.items() if it["kind"] in ("basic", "project"))
    # non-fiscal money on some rows
    if rng.random() < 0.4:
        for c in rng.sample(gp_codes, rng.randint(1, min(3, len(gp_codes)))):
            it = items[c]
            if it["kind"] == "basic" or rng.random() < 0.5:
                it["nf_b"] += g.amt(0.01, 80)
            else:
                it["nf_p"] += g.amt(0.01, 80)
    if rng.random() < 0.1:
        items[rng.choice(gp_codes)]["business"] = g.amt(1, 60)
    if rng.random() < 0.05:
        items[rng.choice(gp_codes)]["remit"] = g.amt(1, 30)
    if rng.random() < 0.05:
        items[rng.choice(gp_codes)]["subsidy"] = g.amt(1, 30)
    # a 项 whose basic or project is exactly zero is common; a whole row of zeros never printed

    # ---- balances and income
    inc = {c: dict(gp=it["gp_b"] + it["gp_p"], gf=it["gf_b"] + it["gf_p"], sc=it["sc_b"] + it["sc_p"],
                   nf=it["nf_b"] + it["nf_p"] + it["business"] + it["remit"] + it["subsidy"])
           for c, it in items.items()}
    open_gp = 0 if rng.random() < 0.5 else g.amt(0.1, 60)
    close_gp = open_gp if rng.random() < 0.4 else (0 if rng.random() < 0.3 else g.amt(0.1, 60))
    big_gp = max(gp_codes, key=lambda c: inc[c]["gp"])
    if inc[big_gp]["gp"] + close_gp - open_gp < 0:
        close_gp = open_gp
    inc[big_gp]["gp"] += close_gp - open_gp
    # government fund: balances per row, printed in 07
    gf_bal = {}
    for c, it in items.items():
        if it["kind"] == "gf":
            o = 0 if rng.random() < 0.5 else g.amt(1, 500)
            cl = 0 if rng.random() < 0.5 else g.amt(1, 500)
            spend = it["gf_p"] + it["gf_b"]
            if spend + cl - o < 0:
                cl = o
            gf_bal[c] = (o, cl)
            inc[c]["gf"] = spend + cl - o
    # non-fiscal
    nf_rows = [c for c in items if inc[c]["nf"] > 0]
    open_nf = 0 if rng.random() < 0.6 else g.amt(0.01, 50)
    use_nf = 0 if rng.random() < 0.9 else g.amt(0.01, 20)       # 使用非财政拨款结余
    dist = 0 if rng.random() < 0.93 else g.amt(0.01, 5)         # 结余分配
    negative = rng.random() < 0.08
    no_nf = [c for c in gp_codes if inc[c]["nf"] == 0]
    if negative and no_nf:
        # a refund booked as negative other income on a row without other non-fiscal money
        c = rng.choice(no_nf)
        x = g.amt(0.01, 3)
        inc[c]["nf"] -= x
        inc[c]["neg"] = x
        open_nf += x
    if nf_rows and rng.random() < 0.5:
        c = max(nf_rows, key=lambda c: inc[c]["nf"])
        delta = rng.randint(0, inc[c]["nf"] // 4 + 1) if rng.random() < 0.5 else -rng.randint(0, inc[c]["nf"] // 4)
        inc[c]["nf"] += delta
    close_nf = open_nf + sum(inc[c]["nf"] for c in items) - sum(
        items[c]["nf_b"] + items[c]["nf_p"] + items[c]["business"] + items[c]["remit"] + items[c]["subsidy"]
        for c in items) + use_nf - dist
    if close_nf < 0:
        open_nf -= close_nf
        close_nf = 0
    # split each row's non-fiscal income into the 02 columns
    inc_cols = {}
    for c in items:
        it = items[c]
        cols = dict.fromkeys(M02[2:], 0)
        n = inc[c]["nf"] + inc[c].get("neg", 0)
        if it["business"]:
            b = min(n, it["business"] + rng.randint(0, it["business"] // 10))
            cols["business_income"] = b
            n -= b
        if n > 0:
            r = rng.random()
            if r < 0.55:
                cols["other_income"] += n
            elif r < 0.8:
                cols["service_income"] += n
            elif r < 0.93:
                cols["higher_level_subsidy"] += n
            else:
                a, b = g.split(n, 2)
                cols["affiliate_remittance"] += a
                cols["other_income"] += b
        if inc[c].get("neg"):
            cols["other_income"] -= inc[c]["neg"]
        inc_cols[c] = cols

    # ---- per-项 values of the functional tables
    leaf = {2: {}, 3: {}, 5: {}, 7: {}, 8: {}}
    for c, it in items.items():
        cols = inc_cols[c]
        fa = inc[c]["gp"] + inc[c]["gf"] + inc[c]["sc"]
        v2 = dict(fiscal_appropriation=fa, **cols)
        v2["total_income"] = sum(v2.values())
        basic = it["gp_b"] + it["gf_b"] + it["sc_b"] + it["nf_b"]
        project = it["gp_p"] + it["gf_p"] + it["sc_p"] + it["nf_p"]
        v3 = dict(basic=basic, project=project, remitted_to_higher=it["remit"], business_expenditure=it["business"],
                  subsidy_to_affiliates=it["subsidy"])
        v3["total_expenditure"] = sum(v3.values())
        leaf[2][c] = v2
        leaf[3][c] = v3
        if it["gp_b"] + it["gp_p"]:
            leaf[5][c] = dict(total=it["gp_b"] + it["gp_p"], basic=it["gp_b"], project=it["gp_p"])
        if it["kind"] == "gf":
            o, cl = gf_bal[c]
            sp = it["gf_b"] + it["gf_p"]
            leaf[7][c] = dict(opening_balance=o, income=inc[c]["gf"], total=sp, basic=it["gf_b"], project=it["gf_p"],
                              closing_balance=cl)
        if it["sc_b"] + it["sc_p"]:
            leaf[8][c] = dict(total=it["sc_b"] + it["sc_p"], basic=it["sc_b"], project=it["sc_p"])

    tables = {n: _roll_up(n, leaf[n]) for n in leaf}

    # ---- 01 and 04
    def cents(values: dict) -> dict:
        return {m: int(v.scaleb(2)) for m, v in values.items()}

    t03_class = {r.code: cents(r.values) for r in tables[3].rows if r.level == "类"}
    t05_class = {r.code: cents(r.values) for r in tables[5].rows if r.level == "类"}
    t07_class = {r.code: cents(r.values) for r in tables[7].rows if r.level == "类"}
    t08_class = {r.code: cents(r.values) for r in tables[8].rows if r.level == "类"}
    inc_gp = sum(inc[c]["gp"] for c in items)
    inc_gf = sum(inc[c]["gf"] for c in items)
    inc_sc = sum(inc[c]["sc"] for c in items)
    tot2 = cents(tables[2].total)
    tot3 = cents(tables[3].total)
    open_gf = sum(o for o, _ in gf_bal.values())
    close_gf = sum(cl for _, cl in gf_bal.values())
    open_all = open_gp + open_gf + open_nf
    close_all = close_gp + close_gf + close_nf

    t01 = []
    inc_lines = [("一般公共预算财政拨款收入", inc_gp), ("政府性基金预算财政拨款收入", inc_gf),
                 ("国有资本经营预算财政拨款收入", inc_sc), ("上级补助收入", tot2["higher_level_subsidy"]),
                 ("事业收入", tot2["service_income"]), ("经营收入", tot2["business_income"]),
                 ("附属单位上缴收入", tot2["affiliate_remittance"]), ("其他收入", tot2["other_income"])]
    for i, (name, v) in enumerate(inc_lines):
        t01.append(SummaryLine("income", i + 1, f"{ORDINALS[i]}、{name}", name, None, {"amount": D(v)}))
    for i in range(8, 26):
        t01.append(SummaryLine("income", i + 1, "", "", None, {}))
    income_total = sum(v for _, v in inc_lines)
    assert income_total == tot2["total_income"], (income_total, tot2["total_income"])
    t01 += [SummaryLine("income", 27, "本年收入合计", "本年收入合计", None, {"amount": D(income_total)}),
            SummaryLine("income", 28, "使用非财政拨款结余（含专用结余）", "使用非财政拨款结余（含专用结余）", None,
                        {"amount": D(use_nf)}),
            SummaryLine("income", 29, "年初结转和结余", "年初结转和结余", None, {"amount": D(open_all)}),
            SummaryLine("income", 30, "", "", None, {}),
            SummaryLine("income", 31, "总计", "总计", None, {"amount": D(income_total + use_nf + open_all)})]
    for i, (code, name) in enumerate(codes.CLASS_LINES):
        v = t03_class.get(code, {}).get("total_expenditure", 0)
        t01.append(SummaryLine("expenditure", 32 + i, f"{ORDINALS[i]}、{name}", name, code, {"amount": D(v)}))
    exp_total = tot3["total_expenditure"]
    t01 += [SummaryLine("expenditure", 58, "本年支出合计", "本年支出合计", None, {"amount": D(exp_total)}),
            SummaryLine("expenditure", 59, "结余分配", "结余分配", None, {"amount": D(dist)}),
            SummaryLine("expenditure", 60, "年末结转和结余", "年末结转和结余", None, {"amount": D(close_all)}),
            SummaryLine("expenditure", 61, "", "", None, {}),
            SummaryLine("expenditure", 62, "总计", "总计", None, {"amount": D(exp_total + dist + close_all)})]
    assert income_total + use_nf + open_all == exp_total + dist + close_all

    t04 = []
    src = [("一般公共预算财政拨款", inc_gp), ("政府性基金预算财政拨款", inc_gf), ("国有资本经营预算财政拨款", inc_sc)]
    for i, (name, v) in enumerate(src):
        t04.append(SummaryLine("income", i + 1, f"{ORDINALS[i]}、{name}", name, None, {"amount": D(v)}))
    for i in range(3, 26):
        t04.append(SummaryLine("income", i + 1, "", "", None, {}))
    fin_in = inc_gp + inc_gf + inc_sc
    open_fin = open_gp + open_gf
    t04 += [SummaryLine("income", 27, "本年收入合计", "本年收入合计", None, {"amount": D(fin_in)}),
            SummaryLine("income", 28, "年初财政拨款结转和结余", "年初财政拨款结转和结余", None,
                        {"amount": D(open_fin)})]
    for i, (name, v) in enumerate(zip([s[0] for s in src], (open_gp, open_gf, 0))):
        t04.append(SummaryLine("income", 29 + i, name, name, None, {"amount": D(v)}))
    t04.append(SummaryLine("income", 32, "总计", "总计", None, {"amount": D(fin_in + open_fin)}))
    sums = dict.fromkeys(M04_EXP, 0)
    for i, (code, name) in enumerate(codes.CLASS_LINES):
        gb = t05_class.get(code, {}).get("total", 0)
        gfv = t07_class.get(code, {}).get("total", 0)
        scv = t08_class.get(code, {}).get("total", 0)
        vals = dict(total=gb + gfv + scv, general_budget=gb, government_fund=gfv, state_capital=scv)
        for m in M04_EXP:
            sums[m] += vals[m]
        t04.append(SummaryLine("expenditure", 33 + i, f"{ORDINALS[i]}、{name}", name, code,
                               {m: D(vals[m]) for m in M04_EXP}))
    close_vals = dict(total=close_gp + close_gf, general_budget=close_gp, government_fund=close_gf, state_capital=0)
    t04 += [SummaryLine("expenditure", 59, "本年支出合计", "本年支出合计", None, {m: D(sums[m]) for m in M04_EXP}),
            SummaryLine("expenditure", 60, "年末财政拨款结转和结余", "年末财政拨款结转和结余", None,
                        {m: D(close_vals[m]) for m in M04_EXP})]
    for i in range(61, 64):
        t04.append(SummaryLine("expenditure", i, "", "", None, {}))
    t04.append(SummaryLine("expenditure", 64, "总计", "总计", None,
                           {m: D(sums[m] + close_vals[m]) for m in M04_EXP}))
    assert fin_in + open_fin == sums["total"] + close_vals["total"]

    # ---- 06: economic classification of 05's basic 合计
    basic_gp = sum(it["gp_b"] for it in items.values())
    t06, pers, pub = _econ(g, basic_gp)

    # ---- 09
    t09 = _three_public(g)
    _within_three_public(t06, t09)

    return Report(seed=seed, region=region, department=department, department_type=dtype, fiscal_year=g.year,
                  unit=g.unit, t01=t01, t02=tables[2], t03=tables[3], t04=t04, t05=tables[5], t06=t06,
                  t06_personnel_total=D(pers), t06_public_total=D(pub), t07=tables[7], t08=tables[8], t09=t09,
                  extras={"list_all_econ": any(r.amount == 0 for r in t06)})


def with_department(report: Report, department: str, region: str | None, department_type: str) -> Report:
    """The same report printed under another department: a draft whose cover and department lines still
    carry a template's placeholder (上海市XX局), say."""
    return replace(report, department=department, region=region, department_type=department_type)


def _name(code: str) -> str:
    if len(code) == 3:
        return codes.CLASS_NAMES[code]
    if len(code) == 5:
        return codes.KUAN[code][0]
    return dict(codes.KUAN[code[:5]][1])[code]


def _roll_up(table_no: int, leaves: dict) -> FuncTable:
    ms = MEASURES[table_no]
    agg: dict[str, dict] = {}
    for c, v in leaves.items():
        for key in (c[:3], c[:5], c):
            a = agg.setdefault(key, dict.fromkeys(ms, 0))
            for m in ms:
                a[m] += v[m]
    rows = [FuncRow(c, _name(c), level_of(c), {m: D(agg[c][m]) for m in ms}) for c in sorted(agg)]
    total = {m: D(sum(v[m] for v in leaves.values())) for m in ms}
    return FuncTable(table_no, ms, total, rows)


def _econ(g: _Gen, basic: int):
    rng = g.rng
    pers = basic * rng.randint(70, 95) // 100
    pub = basic - pers
    c303 = 0 if rng.random() < 0.3 else pers * rng.randint(2, 15) // 100
    c301 = pers - c303
    c310 = 0 if rng.random() < 0.7 else pub * rng.randint(3, 25) // 100
    c399 = 0 if rng.random() < 0.95 else pub * rng.randint(1, 5) // 100
    c302 = pub - c310 - c399
    by_class = {"301": c301, "302": c302, "303": c303, "307": 0, "310": c310, "399": c399}
    list_all = rng.random() < 0.5
    rows = []
    for cls, (cname, kuans) in codes.ECON.items():
        total = by_class[cls]
        group = "人员经费" if cls in codes.PERSONNEL_CLASSES else "公用经费"
        if not list_all and total == 0 and cls not in ("301", "302", "303"):
            continue
        zero_p = {"301": 0.35, "302": 0.45, "303": 0.7}.get(cls, 0.8)
        parts = g.split(total, len(kuans), zero_p) if total else [0] * len(kuans)
        rows.append(EconRow(cls, cname, "类", group, D(total)))
        for (code, name), p in zip(kuans, parts):
            if list_all or p or rng.random() < 0.25:
                rows.append(EconRow(code, name, "款", group, D(p)))
    return rows, pers, pub


#: 06's basic-expenditure items that are part of a 三公 category of 09 (which covers basic and project
#: expenditure of all 一般公共预算财政拨款), so never more than its actual amount.
THREE_PUBLIC_ITEMS = {"30212": "overseas_travel", "30217": "reception", "30231": "vehicle_operation"}


def _within_three_public(t06: list, t09: dict) -> None:
    """Bound 06's 30212 / 30217 / 30231 by the matching 三公 actual of 09, moving any excess to another 款 of
    302 (30201 办公费, added when the report lists no other), so that 302 and every total stay as they were.
    Uses no random numbers: the rest of the report is unchanged."""
    for code, item in THREE_PUBLIC_ITEMS.items():
        row = next((r for r in t06 if r.code == code), None)
        cap = t09[("actual", item)]
        if row is None or row.amount <= cap:
            continue
        excess = row.amount - cap
        row.amount = cap
        receiver = next((r for r in t06 if r.level == "款" and r.code.startswith("302")
                         and r.code not in THREE_PUBLIC_ITEMS), None)
        if receiver is None:
            receiver = EconRow("30201", "办公费", "款", "公用经费", D(0))
            t06.insert(next(i for i, r in enumerate(t06) if r.code == "302") + 1, receiver)
        receiver.amount += excess


def _three_public(g: _Gen) -> dict:
    rng = g.rng
    nothing = rng.random() < 0.12
    act = {}
    act["overseas_travel"] = 0 if nothing or rng.random() < 0.75 else g.amt(0.5, 30)
    act["vehicle_purchase"] = 0 if nothing or rng.random() < 0.85 else g.amt(10, 30)
    act["vehicle_operation"] = 0 if nothing or rng.random() < 0.25 else g.amt(0.3, 40)
    act["reception"] = 0 if nothing or rng.random() < 0.3 else g.amt(0.05, 10)
    bud = {k: (v if rng.random() < 0.5 else v + (g.amt(0.01, 5) if v or rng.random() < 0.3 else 0))
           for k, v in act.items()}
    out = {}
    for stage, d in (("budget", bud), ("actual", act)):
        vehicles = d["vehicle_purchase"] + d["vehicle_operation"]
        vals = dict(total=d["overseas_travel"] + vehicles + d["reception"], overseas_travel=d["overseas_travel"],
                    vehicles=vehicles, vehicle_purchase=d["vehicle_purchase"],
                    vehicle_operation=d["vehicle_operation"], reception=d["reception"])
        for k, v in vals.items():
            out[(stage, k)] = D(v)
    return out
