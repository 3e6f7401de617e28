"""Render a synthetic ``Report`` to PDF in the layouts real final-accounts reports use.

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
- ``unruled``: typeset tables without vertical rulings, as Word tables with their borders hidden: no rule at
  all or a 三线表 (a rule above, one under the header, one at the foot); labels wrapped in cells aligned to
  the top or the middle, zeros printed or blank, 行次 and 栏次 or not.
- ``rotated``: wide tables drawn landscape on portrait pages turned by /Rotate 90.
- ``wps``: typeset-like, as WPS 文字 exports it: rules drawn as thin filled rectangles or runs of tiny
  rectangles, now and then one ruling drawn as a filled polygon (not seen by camelot's vector engine), an
  embedded Hei/Kai/Ming TrueType subset or STSong-Light, fake bold (each glyph drawn twice a hair apart, or
  text render mode 2) in titles, headers and 合计 rows, wide tables on landscape A3 pages among portrait A4
  ones, a bar chart with a small ruled data box on the narrative pages, stray text outside the page box,
  captions 公开表01 / 公开 01 表, the unit line at different places near the title or the title inside the
  grid.
- ``word``: as Word exports it: the tables flow one after the other, broken across pages at any row without
  repeated headers or captions (a page holds the end of one table and the start of the next), rules as
  lines or thin rectangles with the odd polygon, the same font, fake-bold and unit-line choices as ``wps``.

STSong-Light is reportlab's built-in CID font (not embedded; pdfium and camelot/playa map it to Unicode
through the standard UniGB-UCS2-H CMap). The ``wps`` and ``word`` layouts also embed subsets of the TrueType
fonts of the Debian packages in ``CJK_FONTS`` (``make fonts`` installs them).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from . import model
from .model import M04_EXP_ZH, MEASURE_ZH, TP_ITEM_ZH, Report
from .narrative import overview

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

# Embedded TrueType CJK fonts: name -> (file, index in the .ttc, the Debian package that installs it)
CJK_FONTS = {
    "WenQuanYi-ZenHei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
    "AR-PL-UKai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0, "fonts-arphic-ukai"),
    "AR-PL-UMing": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0, "fonts-arphic-uming"),
}


class FontMissing(RuntimeError):
    pass


def use_font(name: str) -> str:
    """Register font ``name`` with reportlab (once); a missing font file says which package to install."""
    if name == FONT or name in pdfmetrics.getRegisteredFontNames():
        return name
    path, index, package = CJK_FONTS[name]
    if not Path(path).is_file():
        raise FontMissing(f"{path} is missing: the generated '{name}' reports embed it. Install the Debian package "
                          f"{package} (`make fonts` does, as root: apt-get install -y {package}).")
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


LAYOUTS = ("typeset", "shanghai", "spreadsheet", "unruled", "rotated", "wps", "word")
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
    three_line: bool = False         # unruled: only a rule above, one below the header and one at the foot
    valign: str = "MIDDLE"           # vertical alignment in cells (Word's default is TOP)
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
    font: str = FONT
    rules: str = "line"              # 'line' (stroked), 'rect' (thin filled rectangles), 'dashes' (tiny rectangles)
    rule_width: float = 0.5
    dash: tuple = (3.0, 0.3)         # 'dashes': length of each rectangle and gap (under 1.5 pt the vector engine sees none)
    polygon_rules: frozenset = frozenset()   # tables in which one ruling per page is a filled polygon
    bold: str | None = None          # fake bold of titles, headers and 合计 rows: 'double' or 'stroke' (Tr 2)
    bold_offset: float = 0.3
    a3_tables: frozenset = frozenset()       # tables printed on landscape A3 pages
    chart: bool = False              # a bar chart with a small ruled data box on a narrative page
    stray_text: bool = False         # strings left outside the page box
    flow: bool = False               # the tables flow one after the other, broken at any row
    unit_place: str = "info"         # 'info' row, 'below' it, 'caption' line, 'above' the title
    blank: bool = False              # a blank template: every amount cell printed empty
    break_rows: str | None = None    # wps/word: a seed; rows break across pages (Word's default), see _StyledTable
    stage_row: bool = False          # a row of 决算数 under every amount column of the header (2025 Shanghai)


#: Share of the reports of each layout that print a row of 决算数 under every amount column (the 2025 Shanghai
#: reports all do; the warehouse maps those headers only with dbt taking the stage out of the header path).
STAGE_ROW_SHARE = {"shanghai": 0.5, "typeset": 0.2, "spreadsheet": 0.2, "unruled": 0.2, "rotated": 0.2,
                   "wps": 0.2, "word": 0.2}


def style_for(report: Report, layout: str) -> Style:
    st = _first_style(report, layout)
    # options added later are drawn from a stream of their own: a report drawn before keeps its first choices
    rng = random.Random(f"{report.seed}/{layout}/later")
    if layout in ("wps", "word") and rng.random() < 0.6:
        # rows break across pages; WPS 文字 then lets its A4 tables flow as Word does (not with rules drawn
        # as runs of tiny rectangles: the reader does not read yet several such tables sharing a page)
        st = replace(st, break_rows=f"{report.seed}/{layout}",
                     flow=st.flow or not (st.a3_tables or st.rules == "dashes"))
    if rng.random() < STAGE_ROW_SHARE.get(layout, 0.0):
        st = replace(st, stage_row=True)
    return st


def _first_style(report: Report, layout: str) -> Style:
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
        return Style(layout, ruled=False, three_line=rng.random() < 0.3, valign=rng.choice(["TOP", "MIDDLE"]),
                     caption=rng.choice(["公开{:02d}表", "公开 {:02d} 表", "公开表{:02d}"]),
                     dept_label=rng.choice(["部门：", "单位："]), zero_text=rng.choice(["0.00", "0.00", ""]),
                     thousands=rng.random() < 0.6, lanci=rng.random() < 0.7, line_no=rng.random() < 0.7,
                     font_size=rng.choice([7.5, 8, 8.5, 9]), padding=rng.choice([2, 3, 4, 5]),
                     spaced_total=rng.random() < 0.3, share_pages=rng.random() < 0.4,
                     repeat_header=rng.random() < 0.5, cover=False, empty_total=rng.choice(["zero", "blank"]),
                     titles=titles)
    if layout in ("wps", "word"):
        word = layout == "word"
        in_grid = not word and rng.random() < 0.25
        return Style(layout, caption=rng.choice(["公开{:02d}表", "公开表{:02d}", "公开 {:02d} 表", "公开表{:02d}"]),
                     dept_label=rng.choice(["部门：", "单位："]), font_size=rng.choice([7.5, 8, 8.5, 9]),
                     padding=rng.choice([2, 2.5, 3, 4]), repeat_header=not word and rng.random() < 0.5,
                     spaced_total=rng.random() < 0.3, share_pages=rng.random() < 0.5,
                     empty_total=rng.choice(["zero", "zero", "blank", "none"]), titles=titles,
                     font=rng.choice([FONT, *CJK_FONTS]),
                     rules=rng.choice(["line", "rect", "rect"] if word else ["rect", "dashes"]),
                     rule_width=rng.choice([0.4, 0.5, 0.75, 1.0]),
                     polygon_rules=frozenset(rng.sample(range(1, 10), 2)) if rng.random() < 0.4 else frozenset(),
                     bold=rng.choice(["double", "double", "stroke", None]), bold_offset=rng.choice([0.2, 0.3, 0.4, 0.5]),
                     a3_tables=frozenset({1, 4, 7}) if not word and rng.random() < 0.5 else frozenset(),
                     chart=rng.random() < 0.6, stray_text=rng.random() < 0.6, flow=word, title_in_grid=in_grid,
                     unit_place="info" if in_grid else rng.choice(["info", "below", "caption", "above"]),
                     dash=(rng.choice([1.2, 2.0, 3.0, 4.5]), rng.choice([0.0, 0.3, 0.6])))
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
    if v is None or st.blank:
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
        grid = _summary_grid(report, n, st)
    elif n == 6:
        return _econ_grid(report, st)
    elif n == 9:
        return _tp_grid(report, st)
    else:
        grid = _func_grid(report, n, st)
    return _with_stage_row(grid) if st.stage_row and n != 1 else grid


def _with_stage_row(grid: Grid) -> Grid:
    """The header with a row of 决算数 under every amount column (above the 栏次 row), as the 2025 Shanghai
    reports print it (本年收入合计 over 决算数, 本年支出 over 小计 | 基本支出 | 项目支出 over 决算数 each).
    The other columns' cells of that row stay empty (a span reaching into it would make reportlab's GRID
    leave out the rulings above 决算数)."""
    header = [list(row) for row in grid.header]
    at = len(header) - 1 if "栏次" in header[-1] else len(header)
    header.insert(at, ["决算数" if j in grid.amount_cols else "" for j in range(len(header[0]))])
    spans = [(c0, r0 + (r0 >= at), c1, r1 + (r1 >= at)) for c0, r0, c1, r1 in grid.spans]
    return Grid(header, grid.body, grid.weights, grid.amount_cols, spans, grid.note)


# ====================================================================== flowables
def _pstyle(size, align=TA_LEFT, leading=None, font=FONT):
    return ParagraphStyle(f"s{size}{align}{font}", fontName=font, fontSize=size, leading=leading or size * 1.25,
                          alignment=align, wordWrap="CJK")


def _fits(text: str, width: float, size: float, font=FONT) -> bool:
    return max((pdfmetrics.stringWidth(x, font, size) for x in text.split("\n")), default=0) <= width


_BROKEN: list = []  # rows broken across a page by the render running, as (before, after) texts


def _text_of(cells) -> str:
    def text(cell):
        if isinstance(cell, (list, tuple)):
            return " ".join(text(c) for c in cell)
        if isinstance(cell, Paragraph):  # a piece reportlab split off keeps its words in its fragments
            return "".join(getattr(f, "text", None) or "".join(getattr(f, "words", [])) for f in cell.frags)
        return cell or ""
    return " | ".join(text(c) for c in cells)


_AMOUNT = re.compile(r"^-?[0-9][0-9,]*\.[0-9]{2}$")  # an amount as printed (a code has no point)
_BOLD_LABELS = {"合计", "总计", "本年收入合计", "本年支出合计", "人员经费合计", "公用经费合计"}


def _key(row) -> tuple:
    return tuple(getattr(c, "text", c) for c in row)


class _Canvas(Canvas):
    """A canvas that can print text in fake bold, as WPS and Word do for fonts without a bold face: each text
    run drawn twice a hair apart ('double'), or filled and stroked (text render mode 2, 'stroke')."""

    bold = False           # set by the flowables while they draw bold text
    bold_mode: str | None = None
    bold_offset = 0.3

    def drawText(self, aTextObject):
        if not (self.bold and self.bold_mode):
            return super().drawText(aTextObject)
        code = str(aTextObject.getCode())
        if self.bold_mode == "stroke":
            self._code.append(f"q 0 G {self.bold_offset:.2f} w 2 Tr {code} 0 Tr Q")
        else:
            self._code.append(code)
            self._code.append(f"q 1 0 0 1 {self.bold_offset:.2f} 0 cm {code} Q")


class _BoldParagraph(Paragraph):
    def draw(self):
        self.canv.bold = True
        try:
            super().draw()
        finally:
            self.canv.bold = False


class _StyledTable(Table):
    """A Table drawn as WPS and Word draw them. Rules as stroked lines, thin filled rectangles ('rect') or runs
    of tiny rectangles ('dashes'); with ``polygon`` one horizontal ruling per page is a filled polygon, which
    camelot's vector engine does not see. Rows whose texts are in ``bold_rows`` print in fake bold. The options
    are class attributes (see `_table_class`), so the pieces reportlab splits off keep them."""

    rules = "line"
    rule_width = 0.5
    polygon = False
    dash = (3.0, 0.4)
    bold_rows: frozenset = frozenset()
    break_rows: str | None = None    # a seed: rows break across pages, as Word and WPS allow by default
    head_rows = 0                    # header rows at the top of this piece (no row of them breaks)
    open_top = open_bottom = False   # a broken row's pieces drawn without a ruling at the break

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        if parts:
            parts[0].open_top = self.open_top
        if self.break_rows is None or len(parts) != 2:
            return parts
        broken = self._break_row(len(parts[0]._cellvalues), availWidth, availHeight)
        if broken is None:
            parts[1].head_rows = self.repeatRows if isinstance(self.repeatRows, int) else 0
            return parts
        return broken

    def _break_row(self, n: int, availWidth: float, availHeight: float) -> list | None:
        """A row broken across the page as Word breaks it: the lines of each cell that fit end this page, the
        rest begins the next, in the same column. Row n, the first that does not fit, breaks when it has a
        cell of two lines or more (a wrapped label): its first lines stay, the rest of the label goes on after
        the break, and now and then the one-line cells too (cells centred vertically). Otherwise the row
        before it may break in an amount, as in a cell too narrow for it ('1,760.6' | '4'). None when no
        row breaks (one line only, a header row, no room for a line)."""
        rng = random.Random(f"{self.break_rows}/{n}/{len(self._cellvalues)}/{availHeight:.0f}")
        if n >= len(self._cellvalues) or rng.random() < 0.1:
            return None
        split_amount = rng.random() < 0.75
        below = rng.random() < 0.2
        if n >= self.head_rows:
            top, rest = [], []
            for value, style, width in zip(self._cellvalues[n], self._cellStyles[n], self._colWidths):
                first, second = value, ""
                # a wrapped label: a Paragraph (reportlab keeps a cell's flowables as a tuple)
                para = value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value
                if isinstance(para, Paragraph):
                    inner = width - style.leftPadding - style.rightPadding
                    # a first line alone before the break is what breaking a row does: orphans allowed
                    para = Paragraph(para.text, ParagraphStyle("broken", parent=para.style, allowOrphans=1))
                    para.wrap(inner, 1e6)
                    pieces = para.split(inner, para.style.leading * 1.05)
                    if len(pieces) == 2:
                        first, second = pieces
                elif isinstance(value, str) and "\n" in value:
                    first, second = value.split("\n", 1)
                top.append(first)
                rest.append(second)
            if any(rest):
                if below:
                    for j, value in enumerate(top):
                        if isinstance(value, str) and _AMOUNT.match(value) and not rest[j]:
                            top[j], rest[j] = "", value
                return self._broken(n, top, rest, availWidth, availHeight)
        if split_amount and n - 1 >= self.head_rows:
            row = list(self._cellvalues[n - 1])
            amounts = [j for j, v in enumerate(row) if isinstance(v, str) and _AMOUNT.match(v) and len(v) > 3]
            amounts = [j for j in amounts if row[j].strip("0.,")] or amounts  # a zero split is a dull case
            if amounts:
                j = rng.choice(amounts)
                k = rng.randint(1, min(3, len(row[j]) - 2))
                rest = [""] * len(row)
                row[j], rest[j] = row[j][:-k], row[j][-k:]
                return self._broken(n - 1, row, rest, availWidth, availHeight)
        return None

    def _broken(self, n: int, top: list, rest: list, availWidth: float, availHeight: float) -> list | None:
        """This table with row n printed as the two pieces `top` and `rest`, split after `top`."""
        lim = len(self._cellvalues)
        data = [list(row) for row in self._cellvalues]
        data[n:n + 1] = [top, rest]
        styles = [list(row) for row in self._cellStyles]
        styles.insert(n + 1, [style.copy() for style in styles[n]])
        for style in styles[n] + styles[n + 1]:
            style.valign = "TOP"
        for style in styles[n + 1]:
            style.topPadding = 0  # the row goes on: the rest of its lines, at the top of the next page
        table = self.__class__(data, colWidths=self._colWidths, repeatRows=self.repeatRows,
                               repeatCols=self.repeatCols, normalizedData=1, cellStyles=styles, ident=self.ident,
                               hAlign=self.hAlign)
        for name in ("_linecmds", "_bkgrndcmds", "_spanCmds", "_nosplitCmds", "_srflcmds", "_sircmds"):
            setattr(table, name, self._stretchCommands(n, getattr(self, name), lim))
        table.head_rows = self.head_rows
        parts = Table.split(table, availWidth, availHeight)
        if len(parts) != 2 or len(parts[0]._cellvalues) != n + 1:
            return None  # the first lines do not fit after all: the row goes over whole
        parts[1].head_rows = self.repeatRows if isinstance(self.repeatRows, int) else 0
        parts[0].open_top = self.open_top
        if not parts[1].head_rows and random.Random(f"{self.break_rows}/{n}/open").random() < 0.4:
            # Word draws no ruling under the first piece and above the rest, now and then
            parts[0].open_bottom = parts[1].open_top = True
        _BROKEN.append((_text_of(top), _text_of(rest)))
        return parts

    def _drawLines(self):
        if self.rules == "line" and not self.polygon and not (self.open_top or self.open_bottom):
            return super()._drawLines()
        canv = self.canv
        positions = self._rowpositions
        left_out = ([positions[0]] if self.open_top else []) + ([positions[-1]] if self.open_bottom else [])
        polygon_y = positions[min(2, len(positions) - 2)] if self.polygon and len(positions) > 2 else None
        w = self.rule_width

        def rule(x0, y0, x1, y1):
            horizontal = abs(y1 - y0) < 0.01
            if horizontal and any(abs(y0 - y) < 0.01 for y in left_out):
                return
            if horizontal and polygon_y is not None and abs(y0 - polygon_y) < 0.01:
                # a filled hexagon along the rule: a path, not a rectangle
                a, b = min(x0, x1), max(x0, x1)
                path = canv.beginPath()
                path.moveTo(a, y0 - w / 2)
                path.lineTo((a + b) / 2, y0 - w / 2)
                path.lineTo(b, y0 - w / 2)
                path.lineTo(b, y0 + w / 2)
                path.lineTo((a + b) / 2, y0 + w / 2)
                path.lineTo(a, y0 + w / 2)
                path.close()
                canv.drawPath(path, stroke=0, fill=1)
                return
            if self.rules == "line":
                return Canvas.line(canv, x0, y0, x1, y1)
            lo, hi = (min(x0, x1), max(x0, x1)) if horizontal else (min(y0, y1), max(y0, y1))
            pieces = [(lo - w / 2, hi + w / 2)]
            if self.rules == "dashes":
                step, gap = self.dash
                pieces, p = [], lo - w / 2
                while p < hi + w / 2:
                    pieces.append((p, min(p + step, hi + w / 2)))
                    p += step + gap
            for p, q in pieces:
                if horizontal:
                    canv.rect(p, y0 - w / 2, q - p, w, stroke=0, fill=1)
                else:
                    canv.rect(x0 - w / 2, p, w, q - p, stroke=0, fill=1)

        canv.setFillColor(colors.black)
        canv.line = rule
        try:
            super()._drawLines()
        finally:
            del canv.line

    def _drawCell(self, cellval, cellstyle, pos, size):
        row = next((i for i, y in enumerate(self._rowpositions[1:]) if abs(y - pos[1]) < 0.01), None)
        bold = bool(self.bold_rows) and row is not None and _key(self._cellvalues[row]) in self.bold_rows
        self.canv.bold = bold
        try:
            super()._drawCell(cellval, cellstyle, pos, size)
        finally:
            self.canv.bold = False


def _table_class(st: Style, n: int, bold_rows: frozenset) -> type:
    return type("StyledTable", (_StyledTable,), {"rules": st.rules, "rule_width": st.rule_width, "dash": st.dash,
                                                 "polygon": n in st.polygon_rules, "bold_rows": bold_rows,
                                                 "break_rows": st.break_rows})


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
    font = st.font
    head_style = _pstyle(fs, TA_CENTER, font=font)
    left_style = _pstyle(fs, TA_LEFT, font=font)
    data, shrink = [], []
    for i, row in enumerate(rows):
        out = []
        for j, text in enumerate(row):
            w = span_w.get((i, j), ws[j]) - 2 * pad
            if i == 0 and extra:
                out.append(Paragraph(text, _pstyle(fs + 4, TA_CENTER, font=font)))
            elif text and not _fits(text, w, fs, font):
                is_head = i < off + nh
                if not is_head and j in grid.amount_cols:
                    # amounts never wrap: shrink the cell's font to fit, as spreadsheet software does
                    size = fs
                    while size > 3 and not _fits(text, w, size, font):
                        size -= 0.25
                    shrink.append(("FONTSIZE", (j, i), (j, i), size))
                    out.append(text)
                    continue
                out.append(Paragraph(text, head_style if is_head else left_style))
            else:
                out.append(text)
        data.append(out)
    cmds = [("FONT", (0, 0), (-1, -1), font, fs), ("VALIGN", (0, 0), (-1, -1), st.valign),
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
        cmds.append(("GRID", (0, 0), (-1, -1), st.rule_width, colors.black))
    elif st.three_line:  # 三线表: no vertical rule, so no grid for camelot's lattice flavour
        cmds += [("LINEABOVE", (0, off), (-1, off), 1.0, colors.black),
                 ("LINEBELOW", (0, off + nh - 1), (-1, off + nh - 1), 0.5, colors.black),
                 ("LINEBELOW", (0, -1), (-1, -1), 1.0, colors.black)]
    repeat = off + nh if st.repeat_header else 0
    bold = frozenset(_key(row) for i, row in enumerate(data)
                     if st.bold and (i < off + nh or any(str(t).replace(" ", "") in _BOLD_LABELS for t in rows[i])))
    cls = _table_class(st, n, bold) if st.layout in ("wps", "word") else Table
    table = cls(data, colWidths=ws, repeatRows=repeat, hAlign="CENTER", style=TableStyle(cmds))
    table.head_rows = off + nh
    return table


def _table_flowables(report: Report, n: int, st: Style, width: float) -> list:
    grid = build_grid(report, n, st)
    fs = st.font_size
    out = []
    font = st.font
    unit_line = f"单位：{report.unit}"
    if not st.title_in_grid:
        if st.unit_place == "above":
            out.append(Paragraph(unit_line, _pstyle(fs + 1, TA_RIGHT, font=font)))
        out.append((_BoldParagraph if st.bold else Paragraph)(st.titles[n], _pstyle(16, TA_CENTER, 24, font=font)))
        if st.caption:
            cap = st.caption.format(n) + ("\u3000\u3000" + unit_line if st.unit_place == "caption" else "")
            out.append(Paragraph(cap, _pstyle(fs + 1, TA_RIGHT, font=font)))
        if st.layout == "shanghai":
            out.append(Paragraph(unit_line, _pstyle(fs + 1, TA_RIGHT)))
        else:
            # extras["table_departments"]: a department printed on some tables instead of the report's (tests)
            department = report.extras.get("table_departments", {}).get(n, report.department)
            info = Table([[f"{st.dept_label}{department}", f"{report.fiscal_year}年度",
                           unit_line if st.unit_place == "info" else ""]],
                         colWidths=[width * 0.5, width * 0.2, width * 0.3])
            info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, fs + 1), ("ALIGN", (1, 0), (1, 0), "CENTER"),
                                      ("ALIGN", (2, 0), (2, 0), "RIGHT"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                      ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            out.append(info)
            if st.unit_place == "below":
                out.append(Paragraph(unit_line, _pstyle(fs + 1, TA_RIGHT, font=font)))
        out.append(Spacer(1, 3))
    out.append(_table(grid, st, width, report, n))
    if grid.note:
        out.append(Spacer(1, 4))
        out.append(Paragraph(grid.note, _pstyle(fs + 1, font=font)))
    out.append(Spacer(1, 10))
    return out


def _cn_year(y: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(y))


def _chart(report: Report, st: Style, width: float) -> list:
    """A bar chart of 支出 by 类 with a small ruled data box beside it, as narratives print (not a 公开 table)."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.shapes import Drawing, String

    rows = [r for r in report.t03.rows if r.level == "类"][:6]
    values = [float(r.values["total_expenditure"]) for r in rows]
    drawing = Drawing(width * 0.55, 150)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, width * 0.55 - 45, 105
    chart.data = [values]
    chart.categoryAxis.categoryNames = [r.code for r in rows]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = st.font
    chart.valueAxis.valueMin = min(0, *values)
    chart.bars[0].fillColor = colors.HexColor("#4472C4")
    drawing.add(chart)
    drawing.add(String(width * 0.275, 138, f"{report.fiscal_year}年度支出决算结构（{report.unit}）", fontName=st.font,
                       fontSize=9, textAnchor="middle"))
    box = Table([["科目", f"支出（{report.unit}）"]] + [[r.name, _fmt(r.values["total_expenditure"], st)] for r in rows],
                colWidths=[width * 0.25, width * 0.15],
                style=TableStyle([("FONT", (0, 0), (-1, -1), st.font, 7), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                  ("ALIGN", (1, 1), (1, -1), "RIGHT")]))
    return [Paragraph(f"图：{report.fiscal_year}年度支出决算结构", _pstyle(11, TA_CENTER, 18, font=st.font)),
            Table([[drawing, box]], colWidths=[width * 0.57, width * 0.43])]


def _narrative(report: Report, width: float, st: Style | None = None) -> list:
    font = st.font if st else FONT
    body = _pstyle(11, TA_LEFT, 18, font=font)
    head = _pstyle(14, TA_CENTER, 22, font=font)
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
    if st and st.chart:
        paras[6:6] = _chart(report, st, width)
    return paras


def _closing(report: Report, st: Style, width: float) -> list:
    """A section after the tables (名词解释, charts), as some reports print."""
    body = _pstyle(11, TA_LEFT, 18, font=st.font)
    return [Paragraph("第四部分 其他重要事项的情况说明", _pstyle(14, TA_CENTER, 22, font=st.font)),
            Paragraph(f"{report.department}{report.fiscal_year}年度支出按功能分类的结构如下。", body),
            *_chart(report, st, width)]


# ====================================================================== page machinery
class _Writer:
    def __init__(self, path, report: Report, st: Style):
        self.c = _Canvas(str(path), pagesize=A4, pageCompression=1)
        self.c.bold_mode, self.c.bold_offset = st.bold, st.bold_offset
        self.c.setTitle(report.title)
        self.c.setCreator({"typeset": "WPS 文字", "shanghai": "ONLYOFFICE/8.0.1.31",
                           "spreadsheet": "WPS 表格"}.get(st.layout, "Microsoft Word"))
        self.st = st
        self.report = report
        self.page = 0

    def _stray(self, width: float, height: float) -> None:
        """Strings left outside the page box, as some producers do: never part of the page."""
        r = self.report
        rng = random.Random(f"{r.seed}/stray/{self.page}")
        if rng.random() < 0.5:
            return
        texts = ["单位：元" if r.unit == "万元" else "单位：万元", f"{r.fiscal_year - 3}年度", "公开03表",
                 "部门：某某县财政局", "收入支出决算总表", "12,345.67", "2010101 行政运行 88.00"]
        spots = [(-250, height / 2), (width + 30, height / 3), (width / 3, height + 20), (40, -30), (-90, -60)]
        self.c.setFont(self.st.font, 10)
        for _ in range(rng.randint(1, 3)):
            x, y = rng.choice(spots)
            self.c.drawString(x, y, rng.choice(texts))

    def group(self, flowables: list, *, land: bool = False, rotated: bool = False, margin: float = 18 * mm,
              a3: bool = False):
        story = list(flowables)
        while story:
            while story and isinstance(story[0], Spacer):      # no page holding only white space
                story.pop(0)
            if not story:
                break
            self.page += 1
            pw, ph = A3 if a3 else A4
            if land and not rotated:
                pw, ph = landscape((pw, ph))
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
                self.c.setFont(self.st.font, 9)
                self.c.drawCentredString(cw / 2, margin / 2, f"- {self.page} -")
            if self.st.stray_text:
                self._stray(cw, ch)
            self.c.restoreState()
            self.c.showPage()

    def save(self):
        self.c.save()


def render(report: Report, path, layout: str, narrative=None, *, blank: bool = False) -> list[tuple[str, str]]:
    """Write ``report`` as a PDF at ``path`` in ``layout`` (one of ``LAYOUTS``).

    ``narrative``: a ``narrative.NarrativeDoc`` printed after the tables as 第三部分 (the short narrative
    before the tables is then left out and the tables are 第二部分); drawing it records its pages. Without
    it the PDF is exactly as before. ``blank``: as a blank template, every amount cell empty and no narrative
    or chart (which print figures). Returns the table rows broken across a page, as (cells before the break,
    cells after it) joined by ' | '."""
    _BROKEN.clear()
    st = style_for(report, layout)
    if blank:
        st = replace(st, blank=True, narrative=False, chart=False)
    use_font(st.font)
    w = _Writer(path, report, st)
    margin = 18 * mm if layout != "spreadsheet" else 10 * mm
    pw = A4[0] - 2 * margin
    lw = A4[1] - 2 * margin
    if st.cover:
        if layout == "shanghai":
            cov = [Spacer(1, 200), Paragraph(report.department, _pstyle(24, TA_CENTER, 34)),
                   Paragraph(f"{report.fiscal_year}年度部门决算", _pstyle(24, TA_CENTER, 34))]
        else:
            cov = [Spacer(1, 200), Paragraph(report.title, _pstyle(24, TA_CENTER, 34, font=st.font)), Spacer(1, 160),
                   Paragraph(f"{_cn_year(report.fiscal_year + 1)}年九月", _pstyle(14, TA_CENTER, font=st.font))]
        w.group(cov, margin=margin)
    if st.narrative:
        w.group(_narrative(report, pw, st) if narrative is None else overview(report, st.font), margin=margin)
    heading = [Paragraph(f"第三部分 {report.department}{report.fiscal_year}年度部门决算表"
                         if layout == "shanghai" else f"{report.fiscal_year}年度部门决算表", _pstyle(14, TA_CENTER, 22, font=st.font)),
               Spacer(1, 8)] if st.narrative else []
    if narrative is not None and st.narrative:
        heading[0] = Paragraph(f"第二部分 {report.fiscal_year}年度部门决算表", _pstyle(14, TA_CENTER, 22, font=st.font))
    after = narrative.flowables(st.font) if narrative is not None else []
    if st.flow:
        # Word: one flow; tables break at any row and a page holds the end of one and the start of the next
        story = heading + [f for n in st.order for f in _table_flowables(report, n, st, pw)]
        w.group(story + after + (_closing(report, st, pw) if st.chart else []), margin=margin)
        w.save()
        return list(_BROKEN)
    pending: list = []
    pending_land = None
    for n in st.order:
        if n in st.a3_tables:
            if pending:
                w.group(pending, land=pending_land, margin=margin)
                pending = []
            w.group(heading + _table_flowables(report, n, st, A3[1] - 2 * margin), land=True, a3=True,
                    margin=margin)
            heading = []
            continue
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
    if after:
        w.group(after, margin=margin)
    if st.chart:
        w.group(_closing(report, st, pw), margin=margin)
    w.save()
    return list(_BROKEN)
