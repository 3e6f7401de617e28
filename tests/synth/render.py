"""Render a synthetic ``Report`` to PDF in the layouts real final-accounts reports use (issue 5).

``render(report, path, layout)`` writes one PDF; ``style_for(report, layout)`` is the (seeded, deterministic)
set of printing choices for that report and layout, and ``facts_for(report, layout)`` is the truth as that
PDF prints it (blank cells -> amount None, 行次 printed or not).

Layouts (``LAYOUTS``):
- ``typeset``: portrait A4 like the Henan samples: cover, narrative, title, 公开NN表 caption, 部门：/单位： line,
  year, unit line, ruled grid with 2-3 header rows incl. 栏次, thousands separators, 合计 in the name column,
  tables broken across pages with repeated headers (sometimes not), 06 in three blocks.
- ``shanghai``: like the 上海市普陀区 reports: no captions, tables in the order 01-06, 09, 07, 08; codes split
  over 类|款|项, blank cells for zero, 06 in two blocks (人员经费 | 公用经费) with split codes, 三公 with
  预算数/决算数 pairs under each category, 05's 合计 row at the bottom, portrait and landscape pages mixed.
- ``spreadsheet``: landscape pages, one table per page, title and caption (公开 01 表) in the grid's first
  merged rows, small font, wrapped labels inside cells, no cover or narrative, thousands separators or not.
- ``unruled``: typeset tables without any ruling (for camelot's stream/network flavours).
- ``rotated``: wide tables drawn landscape on portrait pages turned by /Rotate 90.

Only reportlab's built-in CID font STSong-Light is used (not embedded; pdfium and camelot/playa map it to
Unicode through the standard UniGB-UCS2-H CMap).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from . import model
from .model import M04_EXP_ZH, MEASURE_ZH, TP_ITEM_ZH, Report

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

LAYOUTS = ("typeset", "shanghai", "spreadsheet", "unruled", "rotated")
CN_DIGITS = "〇一二三四五六七八九"


# ====================================================================== style
@dataclass
class Style:
    layout: str
    zero_text: str = "0.00"          # how a zero amount prints: "0.00", "0" or "" (blank)
    thousands: bool = True
    line_no: bool = True             # 行次 columns in 01/04
    lanci: bool = True               # 栏次 numbering row
    split_codes: bool = False        # function codes over 类|款|项 columns, econ over 类|款
    econ_blocks: int = 3
    tp_paired: bool = False          # 三公: 预算数/决算数 under each category
    total_bottom: frozenset = frozenset()
    caption: str | None = "公开{:02d}表"
    order: tuple = (1, 2, 3, 4, 5, 6, 7, 8, 9)
    ruled: bool = True
    font_size: float = 8.0
    padding: float = 2.5
    repeat_header: bool = True
    dept_label: str = "部门："
    title_in_grid: bool = False
    empty_total: str = "zero"        # empty 07/08: 'zero' 合计 row of 0.00, 'blank', 'none' (本表无数据 row)
    spaced_total: bool = False       # 合    计
    rotated_tables: frozenset = frozenset()
    landscape_tables: frozenset = frozenset()
    cover: bool = True
    narrative: bool = True
    page_numbers: bool = True
    wrap_names: bool = False
    share_pages: bool = False        # small tables may follow each other on one page
    titles: dict = field(default_factory=dict)


def style_for(report: Report, layout: str) -> Style:
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; one of {LAYOUTS}")
    rng = random.Random(f"{report.seed}/{layout}")
    titles = dict(model.TITLES)
    if rng.random() < 0.3:
        titles[6] = "一般公共预算财政拨款基本支出决算表"
    if layout == "typeset":
        return Style(layout, caption=rng.choice(["公开{:02d}表", "公开{:02d}表", "公开 {:02d} 表"]),
                     dept_label=rng.choice(["部门：", "单位："]), font_size=rng.choice([7.5, 8, 8.5, 9]),
                     padding=rng.choice([2, 2.5, 3, 3.5, 4.5, 5.5]), repeat_header=rng.random() < 0.8,
                     spaced_total=rng.random() < 0.3, share_pages=rng.random() < 0.5,
                     empty_total=rng.choice(["zero", "zero", "blank", "none"]), titles=titles)
    if layout == "shanghai":
        titles[6] = "一般公共预算财政拨款基本支出决算表"
        titles[9] = "财政拨款“三公”经费支出决算表"
        titles[8] = "国有资本经营预算财政拨款支出决算表"
        return Style(layout, zero_text="", thousands=rng.random() < 0.8, line_no=False, lanci=False,
                     split_codes=True, econ_blocks=2, tp_paired=True, total_bottom=frozenset({5}), caption=None,
                     order=(1, 2, 3, 4, 5, 6, 9, 7, 8), font_size=rng.choice([7.5, 8, 8.5]),
                     padding=rng.choice([2.5, 3, 4]), repeat_header=rng.random() < 0.5, empty_total="blank",
                     landscape_tables=frozenset({2, 3, 4, 7, 8, 9}), page_numbers=False, wrap_names=True,
                     titles=titles)
    if layout == "spreadsheet":
        return Style(layout, zero_text=rng.choice(["0.00", "0.00", "0", ""]), thousands=rng.random() < 0.5,
                     caption=rng.choice(["公开 {:02d} 表", "公开{:02d}表", "公开表{:02d}"]),
                     dept_label=rng.choice(["部门：", "单位：", "编制单位："]), font_size=rng.choice([6.5, 7, 8]),
                     padding=rng.choice([1.5, 1.5, 2.5, 4.5, 6]), repeat_header=rng.random() < 0.5, title_in_grid=True,
                     empty_total=rng.choice(["zero", "blank"]), spaced_total=rng.random() < 0.4,
                     landscape_tables=frozenset(range(1, 10)), cover=False, narrative=False, page_numbers=False,
                     wrap_names=True, titles=titles)
    if layout == "unruled":
        return Style(layout, ruled=False, caption="公开{:02d}表", font_size=rng.choice([8, 8.5, 9]),
                     padding=rng.choice([3, 4, 5]),
                     repeat_header=rng.random() < 0.5, cover=False, empty_total="zero", titles=titles)
    # rotated
    return Style(layout, caption=rng.choice(["公开{:02d}表", "公开 {:02d} 表"]), font_size=rng.choice([7.5, 8, 9]),
                 padding=rng.choice([2, 2.5, 3.5, 4.5]), repeat_header=rng.random() < 0.7,
                 rotated_tables=frozenset({1, 2, 3, 4}), landscape_tables=frozenset({1, 2, 3, 4}),
                 empty_total="zero", cover=False, titles=titles)


def facts_for(report: Report, layout: str) -> list[dict]:
    """The expected facts as the PDF rendered with this layout prints them."""
    st = style_for(report, layout)
    return report.facts(blank_zero=st.zero_text == "", line_no=st.line_no, empty_total=st.empty_total)


# ====================================================================== grids
@dataclass
class Grid:
    header: list                     # rows of cell text
    body: list                       # rows of cell text
    weights: list                    # relative column widths
    amount_cols: set                 # columns right-aligned in the body
    spans: list = field(default_factory=list)        # (c0, r0, c1, r1) over header+body row numbers
    note: str = ""


def _fmt(v, st: Style) -> str:
    if v is None:
        return ""
    if v == 0:
        return st.zero_text
    return f"{v:,.2f}" if st.thousands else f"{v:.2f}"


def _total_label(st: Style, label: str = "合计") -> str:
    return "    ".join(label) if st.spaced_total and len(label) == 2 else label


def _code_cells(code: str | None, st: Style, econ: bool = False) -> list[str]:
    if not st.split_codes:
        return [code or ""]
    n = 2 if econ else 3
    if code is None:
        return [""] * n
    parts = [code[:3], code[3:5], code[5:7]][:n]
    return parts


FUNC_HEADERS = {
    2: [MEASURE_ZH[2][m] for m in model.M02],
    3: [MEASURE_ZH[3][m] for m in model.M03],
}


def _func_grid(report: Report, n: int, st: Style) -> Grid:
    t = report.func_table(n)
    nc = 3 if st.split_codes else 1
    code_label = "支出功能分类科目编码" if st.split_codes else ("功能分类科目编码" if n != 8 else "科目代码")
    ms = t.measures
    na = len(ms)
    ncol = nc + 1 + na
    header, spans = [], []
    if n in (2, 3):
        top = ["项目"] + [""] * nc + FUNC_HEADERS[n]
        spans.append((0, 0, nc, 0))
        second = [code_label] + [""] * (nc - 1) + ["科目名称"] + [""] * na
        header = [top, second]
        for j in range(na):
            spans.append((nc + 1 + j, 0, nc + 1 + j, 1 if not st.split_codes else 2))
    elif n in (5, 8):
        sub = ["合计" if st.layout == "shanghai" else "小计", "基本支出", "项目支出"]
        top = ["项目"] + [""] * nc + ["本年支出", "", ""]
        second = [code_label] + [""] * (nc - 1) + ["科目名称"] + sub
        spans += [(0, 0, nc, 0), (nc + 1, 0, nc + 3, 0)]
        header = [top, second]
    else:  # 7
        top = ["项目"] + [""] * nc + ["年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"]
        second = [code_label] + [""] * (nc - 1) + ["科目名称", "", "", "小计", "基本支出", "项目支出", ""]
        spans += [(0, 0, nc, 0), (nc + 3, 0, nc + 5, 0)]
        last = 1 if not st.split_codes else 2
        for j in (nc + 1, nc + 2, nc + 6):
            spans.append((j, 0, j, last))
        header = [top, second]
    if st.split_codes:
        spans.append((0, 1, nc - 1, 1))
        spans.append((nc, 1, nc, 2))
        third = ["类", "款", "项"] + [""] * (1 + na)
        if n in (5, 8):
            for j in range(na):
                spans.append((nc + 1 + j, 1, nc + 1 + j, 2))
        header.append(third)
    if st.lanci:
        header.append([""] * (nc - 1) + ["", "栏次"] + [str(i + 1) for i in range(na)])

    empty = t.empty
    body = []
    total_row = [_total_label(st)] + [""] * nc if st.split_codes else [""] * nc + [_total_label(st)]
    if empty and st.empty_total == "none":
        body.append(["本表无数据"] + [""] * (ncol - 1))
    else:
        if empty and st.empty_total == "blank":
            total_row += [""] * na
        else:
            total_row += [_fmt(t.total[m], st) for m in ms]
    rows = []
    for r in t.rows:
        rows.append(_code_cells(r.code, st) + [r.name] + [_fmt(r.values[m], st) for m in ms])
    bottom = n in st.total_bottom
    if not (empty and st.empty_total == "none"):
        body = rows + [total_row] if bottom else [total_row] + rows
    if empty and st.empty_total != "none" and st.split_codes:
        # Shanghai prints a few blank rows above the 合计 row of an empty table
        body = [[""] * ncol for _ in range(3)] + body
    nh = len(header)
    for i, row in enumerate(body):
        if row and row[0] in ("本表无数据",):
            spans.append((0, nh + i, ncol - 1, nh + i))
        if st.split_codes and row and row[0].replace(" ", "") == "合计":
            spans.append((0, nh + i, nc, nh + i))
    weights = ([0.045] * 3 if st.split_codes else [0.12 if n != 8 else 0.1]) + [0.3] + [0.7 / na] * na
    note = ""
    if empty:
        what = "政府性基金预算财政拨款" if n == 7 else "国有资本经营预算财政拨款"
        note = f"注：{report.department}没有{what}收入，也没有使用{what}安排的支出，故本表无数据。"
    return Grid(header, body, weights, set(range(nc + 1, ncol)), spans, note)


def _summary_grid(report: Report, n: int, st: Style) -> Grid:
    lines = report.t01 if n == 1 else report.t04
    inc = [x for x in lines if x.side == "income"]
    exp = [x for x in lines if x.side == "expenditure"]
    ln = st.line_no
    if n == 1:
        left_h = ["项目", "行次", "决算数"] if ln else ["项目", "决算数"]
        right_h = left_h
        right_ms = ["amount"]
    else:
        left_h = ["项目", "行次", "金额"] if ln else ["项目", "决算数"]
        right_h = (["项目", "行次"] if ln else ["项目"]) + [M04_EXP_ZH[m] for m in model.M04_EXP]
        right_ms = list(model.M04_EXP)
    nl, nr = len(left_h), len(right_h)
    header = [["收入"] + [""] * (nl - 1) + ["支出"] + [""] * (nr - 1), left_h + right_h]
    spans = [(0, 0, nl - 1, 0), (nl, 0, nl + nr - 1, 0)]
    if st.lanci:
        lan = ["栏次", ""] if ln else ["栏次"]
        k = 1
        left = lan + [str(k)]
        right = lan + [str(k + 1 + i) for i in range(len(right_ms))]
        header.append(left + right)
    body = []

    def cells(x, ms, left_side):
        label = x.label
        if label in ("总计", "本年收入合计", "本年支出合计") and st.spaced_total and label == "总计":
            label = "总    计"
        out = [label]
        if ln:
            out.append(str(x.line_no))
        if not x.values:
            out += [""] * len(ms)
        else:
            out += [_fmt(x.values[m], st) for m in ms]
        return out

    for a, b in zip(inc, exp):
        if not ln and not a.values and not b.values:
            continue
        body.append(cells(a, ["amount"], True) + cells(b, right_ms, False))
    weights = ([0.25, 0.05, 0.1] if ln else [0.3, 0.12]) if n == 1 else ([0.17, 0.04, 0.08] if ln else [0.2, 0.08])
    if n == 1:
        weights = weights + weights
    else:
        weights = weights + ([0.2, 0.04] if ln else [0.22]) + [0.09] * 4
    amount_cols = {nl - 1} | set(range(nl + (2 if ln else 1), nl + nr))
    return Grid(header, body, weights, amount_cols, spans)


def _econ_grid(report: Report, st: Style) -> Grid:
    rows = report.t06
    by_cls = {}
    for r in rows:
        by_cls.setdefault(r.code[:3], []).append(r)
    if st.econ_blocks == 3 and any(c in by_cls for c in ("307", "310", "399")):
        blocks = [["301", "303"], ["302"], ["307", "310", "399"]]
    else:
        blocks = [["301", "303"], ["302", "307", "310", "399"]]
    cols = [[r for c in b for r in by_cls.get(c, [])] for b in blocks]
    nb = len(cols)
    cw = 3 if st.split_codes else 2                 # code cells + name, then amount
    bw = cw + 1
    header = []
    spans = []
    if st.split_codes:
        h1, h2 = [], []
        for i in range(nb):
            h1 += ["经济分类科目编码", "", "科目名称", "决算数"]
            h2 += ["类", "款", "", ""]
            spans += [(i * bw, 0, i * bw + 1, 0), (i * bw + 2, 0, i * bw + 2, 1), (i * bw + 3, 0, i * bw + 3, 1)]
        header = [h1, h2]
    else:
        header = [["经济分类科目编码", "科目名称", "决算数"] * nb]
    nrow = max(len(c) for c in cols)
    body = []
    for i in range(nrow):
        row = []
        for c in cols:
            if i < len(c):
                r = c[i]
                row += _code_cells(r.code, st, econ=True) + [r.name, _fmt(r.amount, st)]
            else:
                row += [""] * bw
        body.append(row)
    last = [""] * (bw * nb)
    nh = len(header)
    for blk, label, v in ((0, "人员经费合计", report.t06_personnel_total),
                          (nb - 1, "公用经费合计", report.t06_public_total)):
        base = blk * bw
        if st.split_codes:
            last[base] = label
            spans.append((base, nh + nrow, base + cw - 1, nh + nrow))
        else:
            last[base + 1] = label
        last[base + cw] = _fmt(v, st)
    body.append(last)
    per = ([0.05, 0.04, 0.2, 0.1] if st.split_codes else [0.09, 0.17, 0.09])
    weights = per * nb
    amount_cols = {i * bw + cw for i in range(nb)}
    return Grid(header, body, weights, amount_cols, spans)


def _tp_grid(report: Report, st: Style) -> Grid:
    order = ["total", "overseas_travel", "vehicles", "vehicle_purchase", "vehicle_operation", "reception"]
    t = report.t09
    spans = []
    if st.tp_paired:
        h0 = ["财政拨款“三公”经费"] + [""] * 11
        h1 = ["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""]
        h2 = ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""]
        h3 = ["预算数", "决算数"] * 6
        spans = [(0, 0, 11, 0), (0, 1, 1, 2), (2, 1, 3, 2), (4, 1, 9, 1), (10, 1, 11, 2), (4, 2, 5, 2), (6, 2, 7, 2),
                 (8, 2, 9, 2)]
        header = [h0, h1, h2, h3]
        row = []
        for it in order:
            row += [_fmt(t[("budget", it)], st), _fmt(t[("actual", it)], st)]
        body = [row]
    else:
        h0 = ["预算数"] + [""] * 5 + ["决算数"] + [""] * 5
        half1 = ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"]
        half2 = ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""]
        header = [h0, half1 + half1, half2 + half2]
        spans = [(0, 0, 5, 0), (6, 0, 11, 0)]
        for b in (0, 6):
            spans += [(b, 1, b, 2), (b + 1, 1, b + 1, 2), (b + 2, 1, b + 4, 1), (b + 5, 1, b + 5, 2)]
        if st.lanci:
            header.append([str(i + 1) for i in range(12)])
        body = [[_fmt(t[(s, it)], st) for s in ("budget", "actual") for it in order]]
    return Grid(header, body, [1 / 12] * 12, set(range(12)), spans)


def build_grid(report: Report, n: int, st: Style) -> Grid:
    if n in (1, 4):
        return _summary_grid(report, n, st)
    if n == 6:
        return _econ_grid(report, st)
    if n == 9:
        return _tp_grid(report, st)
    return _func_grid(report, n, st)


# ====================================================================== flowables
def _pstyle(size, align=TA_LEFT, leading=None):
    return ParagraphStyle(f"s{size}{align}", fontName=FONT, fontSize=size, leading=leading or size * 1.25,
                          alignment=align, wordWrap="CJK")


def _fits(text: str, width: float, size: float) -> bool:
    return max((pdfmetrics.stringWidth(x, FONT, size) for x in text.split("\n")), default=0) <= width


def _table(grid: Grid, st: Style, width: float, report: Report, n: int) -> Table:
    fs = st.font_size
    pad = st.padding
    ws = [width * w / sum(grid.weights) for w in grid.weights]
    nh = len(grid.header)
    extra = []
    if st.title_in_grid:
        ncol = len(ws)
        title_row = [st.titles[n]] + [""] * (ncol - 1)
        k = max(1, ncol // 3)
        # spreadsheet exports print the year in the info row: 部门：…  2024年度
        info = [f"{st.dept_label}{report.department}  {report.fiscal_year}年度"] + [""] * (ncol - 1)
        cap = st.caption.format(n) if st.caption else ""
        info[ncol - 2 if ncol > 3 else ncol - 1] = cap
        info[ncol - 1] = f"单位：{report.unit}" if ncol > 3 else f"{cap} 单位：{report.unit}"
        extra = [title_row, info]
    rows = extra + grid.header + grid.body
    off = len(extra)
    spans = [(c0, r0 + off, c1, r1 + off) for c0, r0, c1, r1 in grid.spans]
    if extra:
        ncol = len(ws)
        spans.append((0, 0, ncol - 1, 0))
        spans.append((0, 1, ncol - 3 if ncol > 3 else ncol - 2, 1))
    # span width per cell, to decide wrapping
    span_w = {}
    for c0, r0, c1, r1 in spans:
        span_w[(r0, c0)] = sum(ws[c0:c1 + 1])
    head_style = _pstyle(fs, TA_CENTER)
    left_style = _pstyle(fs, TA_LEFT)
    data, shrink = [], []
    for i, row in enumerate(rows):
        out = []
        for j, text in enumerate(row):
            w = span_w.get((i, j), ws[j]) - 2 * pad
            if i == 0 and extra:
                out.append(Paragraph(text, _pstyle(fs + 4, TA_CENTER)))
            elif text and not _fits(text, w, fs):
                is_head = i < off + nh
                if not is_head and j in grid.amount_cols:
                    # amounts never wrap: shrink the cell's font to fit, as spreadsheet software does
                    size = fs
                    while size > 3 and not _fits(text, w, size):
                        size -= 0.25
                    shrink.append(("FONTSIZE", (j, i), (j, i), size))
                    out.append(text)
                    continue
                out.append(Paragraph(text, head_style if is_head else left_style))
            else:
                out.append(text)
        data.append(out)
    cmds = [("FONT", (0, 0), (-1, -1), FONT, fs), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), pad * 0.6), ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.6),
            ("ALIGN", (0, 0), (-1, off + nh - 1), "CENTER")]
    for j in grid.amount_cols:
        cmds.append(("ALIGN", (j, off + nh), (j, -1), "RIGHT"))
    if extra:
        cmds.append(("ALIGN", (0, 1), (-1, 1), "LEFT"))
        cmds.append(("ALIGN", (len(ws) - 1, 1), (len(ws) - 1, 1), "RIGHT"))
    cmds += shrink
    for c0, r0, c1, r1 in spans:
        cmds.append(("SPAN", (c0, r0), (c1, r1)))
    if st.ruled:
        cmds.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    repeat = off + nh if st.repeat_header else 0
    return Table(data, colWidths=ws, repeatRows=repeat, hAlign="CENTER", style=TableStyle(cmds))


def _table_flowables(report: Report, n: int, st: Style, width: float) -> list:
    grid = build_grid(report, n, st)
    fs = st.font_size
    out = []
    if not st.title_in_grid:
        out.append(Paragraph(st.titles[n], _pstyle(16, TA_CENTER, 24)))
        if st.caption:
            out.append(Paragraph(st.caption.format(n), _pstyle(fs + 1, TA_RIGHT)))
        if st.layout == "shanghai":
            out.append(Paragraph(f"单位：{report.unit}", _pstyle(fs + 1, TA_RIGHT)))
        else:
            info = Table([[f"{st.dept_label}{report.department}", f"{report.fiscal_year}年度",
                           f"单位：{report.unit}"]], colWidths=[width * 0.5, width * 0.2, width * 0.3])
            info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, fs + 1), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                                      ("ALIGN", (2, 0), (2, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            out.append(info)
        out.append(Spacer(1, 3))
    out.append(_table(grid, st, width, report, n))
    if grid.note:
        out.append(Spacer(1, 4))
        out.append(Paragraph(grid.note, _pstyle(fs + 1)))
    out.append(Spacer(1, 10))
    return out


def _cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(y))


def _narrative(report: Report, width: float) -> list:
    body = _pstyle(11, TA_LEFT, 18)
    head = _pstyle(14, TA_CENTER, 22)
    y = report.fiscal_year
    t01 = {(x.side, x.item_zh): x.values.get("amount") for x in report.t01}
    t05 = report.t05.total
    u = report.unit
    paras = [
        Paragraph("第一部分 部门概况", head),
        Paragraph("一、部门职责", body),
        Paragraph(f"{report.department}贯彻落实党中央、国务院和上级党委、政府的决策部署，依法履行本部门职责，"
                  f"推进各项重点工作落实，统筹做好本领域发展和安全工作。", body),
        Paragraph("二、机构设置", body),
        Paragraph(f"{report.department}内设机构{3 + report.seed % 9}个。从决算单位构成看，{report.department}"
                  f"部门决算包括：本级决算和所属单位决算。", body),
        Spacer(1, 8),
        Paragraph(f"第二部分 {y}年度部门决算情况说明", head),
        Paragraph(f"一、收入支出决算总体情况说明。{y}年度收、支总计均为{_fmt(t01[('income', '总计')], Style('x'))}{u}。"
                  f"本年收入合计{_fmt(t01[('income', '本年收入合计')], Style('x'))}{u}，本年支出合计"
                  f"{_fmt(t01[('expenditure', '本年支出合计')], Style('x'))}{u}。", body),
        Paragraph(f"二、一般公共预算财政拨款支出决算情况说明。{y}年度一般公共预算财政拨款支出"
                  f"{_fmt(t05['total'], Style('x'))}{u}，其中基本支出{_fmt(t05['basic'], Style('x'))}{u}，"
                  f"项目支出{_fmt(t05['project'], Style('x'))}{u}。", body),
    ]
    return paras


# ====================================================================== page machinery
class _Writer:
    def __init__(self, path, report: Report, st: Style):
        self.c = Canvas(str(path), pagesize=A4, pageCompression=1)
        self.c.setTitle(report.title)
        self.c.setCreator({"typeset": "WPS 文字", "shanghai": "ONLYOFFICE/8.0.1.31",
                           "spreadsheet": "WPS 表格"}.get(st.layout, "Microsoft Word"))
        self.st = st
        self.page = 0

    def group(self, flowables: list, *, land: bool = False, rotated: bool = False, margin: float = 18 * mm):
        story = list(flowables)
        while story:
            while story and isinstance(story[0], Spacer):      # no page holding only white space
                story.pop(0)
            if not story:
                break
            self.page += 1
            pw, ph = A4
            if land and not rotated:
                pw, ph = landscape(A4)
            cw, ch = (ph, pw) if rotated else (pw, ph)
            # reportlab writes MediaBox [0 0 h w] when /Rotate is 90: pass the displayed (landscape) size so
            # that the MediaBox is portrait and the landscape content is drawn turned inside it
            self.c.setPageSize((ph, pw) if rotated else (pw, ph))
            self.c.setPageRotation(90 if rotated else 0)
            self.c.saveState()
            if rotated:
                self.c.translate(pw, 0)
                self.c.rotate(90)
            frame = Frame(margin, margin, cw - 2 * margin, ch - 2 * margin, leftPadding=0, rightPadding=0,
                          topPadding=0, bottomPadding=0)
            placed = 0
            while story:
                f = story[0]
                if frame.add(f, self.c, trySplit=0):
                    story.pop(0)
                    placed += 1
                    continue
                parts = frame.split(f, self.c)
                if parts and len(parts) > 1:
                    story[0:1] = parts
                    if frame.add(story[0], self.c, trySplit=0):
                        story.pop(0)
                        placed += 1
                        continue
                if placed == 0:
                    raise RuntimeError(f"flowable {type(f).__name__} does not fit on an empty page")
                break
            if self.st.page_numbers:
                self.c.setFont(FONT, 9)
                self.c.drawCentredString(cw / 2, margin / 2, f"- {self.page} -")
            self.c.restoreState()
            self.c.showPage()

    def save(self):
        self.c.save()


def render(report: Report, path, layout: str) -> None:
    """Write ``report`` as a PDF at ``path`` in ``layout`` (one of ``LAYOUTS``)."""
    st = style_for(report, layout)
    w = _Writer(path, report, st)
    margin = 18 * mm if layout != "spreadsheet" else 10 * mm
    pw = A4[0] - 2 * margin
    lw = A4[1] - 2 * margin
    if st.cover:
        if layout == "shanghai":
            cov = [Spacer(1, 200), Paragraph(report.department, _pstyle(24, TA_CENTER, 34)),
                   Paragraph(f"{report.fiscal_year}年度部门决算", _pstyle(24, TA_CENTER, 34))]
        else:
            cov = [Spacer(1, 200), Paragraph(report.title, _pstyle(24, TA_CENTER, 34)), Spacer(1, 160),
                   Paragraph(f"{_cn_year(report.fiscal_year + 1)}年九月", _pstyle(14, TA_CENTER))]
        w.group(cov, margin=margin)
    if st.narrative:
        w.group(_narrative(report, pw), margin=margin)
    heading = [Paragraph(f"第三部分 {report.department}{report.fiscal_year}年度部门决算表"
                         if layout == "shanghai" else f"{report.fiscal_year}年度部门决算表", _pstyle(14, TA_CENTER, 22)),
               Spacer(1, 8)] if st.narrative else []
    pending: list = []
    pending_land = None
    for n in st.order:
        land = n in st.landscape_tables
        rot = n in st.rotated_tables
        width = (lw if land else pw)
        fl = _table_flowables(report, n, st, width)
        small = n == 9 or (n in (7, 8) and report.func_table(n).empty)
        if pending and (not st.share_pages or not small or land != pending_land or rot):
            w.group(pending, land=pending_land, margin=margin)
            pending = []
        if rot:
            w.group(heading + fl, land=True, rotated=True, margin=margin)
            heading = []
            continue
        pending = heading + pending + fl
        heading = []
        pending_land = land
        if not (st.share_pages and small):
            w.group(pending, land=land, margin=margin)
            pending = []
    if pending:
        w.group(pending, land=pending_land, margin=margin)
    w.save()
