"""Tests of the synthetic report generator itself (tests/synth): the model adds up exactly, every layout
renders, and the rendered PDFs carry every amount and label as extractable text."""
from __future__ import annotations

import re
import sys
import warnings
from collections import Counter
from decimal import Decimal
from pathlib import Path

import playa
import pypdf
import pypdfium2 as pdfium
import pytest

if str(Path(__file__).resolve().parents[1]) not in sys.path:   # plain `pytest` puts only tests/ on the path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.synth import model  # noqa: E402
from tests.synth.model import MEASURES, random_report  # noqa: E402
from tests.synth.render import LAYOUTS, facts_for, render, style_for  # noqa: E402

ZERO = Decimal("0.00")
SEEDS = range(150)


def total(xs):
    return sum(xs, ZERO)


def check_report(r: model.Report) -> None:
    """Every reconciliation identity, computed from the flat facts (so the facts are checked too)."""
    facts = r.facts()
    assert all(f["amount"] is not None for f in facts)
    for f in facts:
        assert isinstance(f["amount"], Decimal) and f["amount"].as_tuple().exponent == -2, f

    # --- functional tables: roll-ups and row identities
    func = {}
    for tno in (2, 3, 5, 7, 8):
        fs = [f for f in facts if f["table_no"] == tno]
        v = {(f["func_code"], f["measure"]): f["amount"] for f in fs}
        assert len(v) == len(fs), f"duplicate keys in table {tno}"
        codes_ = {f["func_code"] for f in fs if f["func_code"]}
        for c in codes_:
            assert model.level_of(c) == next(f["func_level"] for f in fs if f["func_code"] == c)
            if len(c) > 3:
                assert c[:len(c) - 2] in codes_, f"{c} without its parent in table {tno}"
        for m in MEASURES[tno]:
            assert v[(None, m)] == total(v[(c, m)] for c in codes_ if len(c) == 3), (tno, m)
            for c in codes_:
                kids = [k for k in codes_ if len(k) == len(c) + 2 and k.startswith(c)]
                if len(c) < 7:
                    assert kids, (tno, c)
                    assert v[(c, m)] == total(v[(k, m)] for k in kids), (tno, c, m)
        for c in codes_ | {None}:
            if tno == 2:
                assert v[(c, "total_income")] == total(v[(c, m)] for m in model.M02[1:])
            elif tno == 3:
                assert v[(c, "total_expenditure")] == total(v[(c, m)] for m in model.M03[1:])
                assert v[(c, "total_expenditure")] > 0
            elif tno in (5, 8):
                assert v[(c, "total")] == v[(c, "basic")] + v[(c, "project")]
            else:
                assert (v[(c, "opening_balance")] + v[(c, "income")] - v[(c, "total")] == v[(c, "closing_balance")])
                assert v[(c, "total")] == v[(c, "basic")] + v[(c, "project")]
                assert v[(c, "closing_balance")] >= 0 and v[(c, "opening_balance")] >= 0
        func[tno] = v
    assert {c for c, _ in func[2]} == {c for c, _ in func[3]}, "02 and 03 list the same codes"

    def cls(tno, code, m):
        return func[tno].get((code, m), ZERO)

    # --- 01
    s1 = {(f["side"], f["item_zh"]): f["amount"] for f in facts if f["table_no"] == 1}
    inc_lines = ["一般公共预算财政拨款收入", "政府性基金预算财政拨款收入", "国有资本经营预算财政拨款收入", "上级补助收入",
                 "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
    assert s1[("income", "本年收入合计")] == total(s1[("income", x)] for x in inc_lines)
    assert s1[("income", "本年收入合计")] == func[2][(None, "total_income")]
    assert s1[("expenditure", "本年支出合计")] == func[3][(None, "total_expenditure")]
    assert s1[("income", "总计")] == (s1[("income", "本年收入合计")] + s1[("income", "使用非财政拨款结余（含专用结余）")]
                                     + s1[("income", "年初结转和结余")])
    assert s1[("expenditure", "总计")] == (s1[("expenditure", "本年支出合计")] + s1[("expenditure", "结余分配")]
                                          + s1[("expenditure", "年末结转和结余")])
    assert s1[("income", "总计")] == s1[("expenditure", "总计")]
    class_lines = [f for f in facts if f["table_no"] == 1 and f["func_class_code"]]
    assert len(class_lines) == 26
    for f in class_lines:
        assert f["amount"] == cls(3, f["func_class_code"], "total_expenditure")
    assert total(f["amount"] for f in class_lines) == s1[("expenditure", "本年支出合计")]
    other = {m: func[2][(None, m)] for m in model.M02[2:]}
    assert s1[("income", "其他收入")] == other["other_income"]
    assert (s1[("income", "一般公共预算财政拨款收入")] + s1[("income", "政府性基金预算财政拨款收入")]
            + s1[("income", "国有资本经营预算财政拨款收入")]) == func[2][(None, "fiscal_appropriation")]

    # --- 04
    f4 = [f for f in facts if f["table_no"] == 4]
    inc4 = {(f["seq"], f["item_zh"]): f["amount"] for f in f4 if f["side"] == "income"}
    by_item = {}
    for (seq, item), a in sorted(inc4.items()):
        by_item.setdefault(item, []).append(a)
    assert by_item["一般公共预算财政拨款"][0] == s1[("income", "一般公共预算财政拨款收入")]
    assert by_item["本年收入合计"][0] == total(by_item[x][0] for x in
                                          ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"))
    assert by_item["年初财政拨款结转和结余"][0] == total(by_item[x][1] for x in
                                                ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款"))
    assert by_item["总计"][0] == by_item["本年收入合计"][0] + by_item["年初财政拨款结转和结余"][0]
    exp4 = {}
    for f in f4:
        if f["side"] == "expenditure":
            exp4[(f["func_class_code"] or f["item_zh"], f["measure"])] = f["amount"]
    for code, _ in model.codes.CLASS_LINES:
        assert exp4[(code, "general_budget")] == cls(5, code, "total")
        assert exp4[(code, "government_fund")] == cls(7, code, "total")
        assert exp4[(code, "state_capital")] == cls(8, code, "total")
    for key in [c for c, _ in model.codes.CLASS_LINES] + ["本年支出合计", "年末财政拨款结转和结余", "总计"]:
        assert exp4[(key, "total")] == (exp4[(key, "general_budget")] + exp4[(key, "government_fund")]
                                        + exp4[(key, "state_capital")])
    for m in model.M04_EXP:
        assert exp4[("本年支出合计", m)] == total(exp4[(c, m)] for c, _ in model.codes.CLASS_LINES)
        assert exp4[("总计", m)] == exp4[("本年支出合计", m)] + exp4[("年末财政拨款结转和结余", m)]
    assert exp4[("总计", "total")] == by_item["总计"][0]
    assert exp4[("本年支出合计", "general_budget")] == func[5][(None, "total")]

    # --- 06
    f6 = [f for f in facts if f["table_no"] == 6]
    e = {f["econ_code"]: f["amount"] for f in f6 if f["econ_code"]}
    tot6 = {f["econ_name"]: f["amount"] for f in f6 if f["econ_code"] is None}
    for c in [c for c in e if len(c) == 3]:
        assert e[c] == total(e[k] for k in e if len(k) == 5 and k.startswith(c))
    for f in f6:
        assert f["expense_group"] == ("人员经费" if (f["econ_code"] or "")[:3] in ("301", "303")
                                      or f["econ_name"] == "人员经费合计" else "公用经费")
    assert tot6["人员经费合计"] == e.get("301", ZERO) + e.get("303", ZERO)
    assert tot6["公用经费合计"] == total(a for c, a in e.items() if len(c) == 3 and c not in ("301", "303"))
    assert tot6["人员经费合计"] + tot6["公用经费合计"] == func[5][(None, "basic")]

    # --- 09
    t = {(f["stage"], f["item"]): f["amount"] for f in facts if f["table_no"] == 9}
    for st in ("budget", "actual"):
        assert t[(st, "vehicles")] == t[(st, "vehicle_purchase")] + t[(st, "vehicle_operation")]
        assert t[(st, "total")] == t[(st, "overseas_travel")] + t[(st, "vehicles")] + t[(st, "reception")]
        assert all(t[(st, i)] >= 0 for i in model.TP_ITEMS)


@pytest.mark.parametrize("unit", ["万元", "元"])
def test_model_adds_up_for_many_seeds(unit):
    for seed in SEEDS:
        r = random_report(seed, unit=unit)
        assert r.unit == unit
        check_report(r)


def test_model_is_deterministic_and_varied():
    assert random_report(7).facts() == random_report(7).facts()
    assert random_report(7, year=2024).fiscal_year == 2024
    reports = [random_report(s) for s in range(200)]
    assert {r.unit for r in reports} == {"万元", "元"}
    assert {r.fiscal_year for r in reports} == {2022, 2023, 2024, 2025}
    assert len({r.department_type for r in reports}) > 15
    assert any(r.region.endswith("区") for r in reports) and any(r.region.endswith("县") for r in reports)
    for r in reports:
        assert r.department == r.region + r.department_type
        assert r.title == f"{r.fiscal_year}年度{r.department}部门决算"
    assert any(not r.t07.empty for r in reports) and any(r.t07.empty for r in reports)
    assert any(not r.t08.empty for r in reports) and any(r.t08.empty for r in reports)
    amounts = [f["amount"] for r in reports for f in r.facts()]
    assert any(a < 0 for a in amounts), "negative amounts occur now and then"
    assert sum(a == 0 for a in amounts) > 0
    assert any(r.t09[("actual", "total")] == 0 for r in reports)
    assert any(r.t09[("budget", "total")] != r.t09[("actual", "total")] for r in reports)


def test_model_rejects_bad_unit():
    with pytest.raises(ValueError):
        random_report(1, unit="千元")


def test_blank_zero_facts_are_none_exactly_where_zero():
    r = random_report(3)
    a, b = r.facts(), r.facts(blank_zero=True)
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert y["amount"] == (None if x["amount"] == 0 else x["amount"])
    assert all(f["line_no"] is None for f in r.facts(line_no=False) if f["kind"] == "summary")


def test_altering_an_amount_breaks_the_check():
    """check_report can fail: a 项 changed in 03 no longer adds up."""
    r = random_report(5)
    row = next(x for x in r.t03.rows if x.level == "项")
    row.values["basic"] += Decimal("0.01")
    with pytest.raises(AssertionError):
        check_report(r)


# ---------------------------------------------------------------- rendering
AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:,\d{3})+\.\d{2}(?![\d])|(?<![\d,.])-?\d+\.\d{2}(?![\d])")


def pdf_text(path) -> list[str]:
    """Text of each page as camelot 2.x reads it (playa), one line per PDF text object."""
    with playa.open(str(path)) as pdf:
        return ["\n".join(obj.chars for obj in page.texts) for page in pdf.pages]


def pdfium_text(path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def printed(amount: Decimal, st) -> str:
    if amount == 0:
        return st.zero_text
    return f"{amount:,.2f}" if st.thousands else f"{amount:.2f}"


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("seed,unit", [(11, "万元"), (12, "元"), (13, None)])
def test_layout_renders_every_amount_and_label_as_text(tmp_path, layout, seed, unit):
    r = random_report(seed, unit=unit)
    path = tmp_path / f"{layout}.pdf"
    broken = render(r, path, layout)
    pages = pdf_text(path)
    assert 5 <= len(pages) <= 15
    assert all(re.sub(r"[\s\-\d]", "", p) for p in pages), "a page with nothing but a page number"
    text = "\n".join(pages)
    st = style_for(r, layout)
    facts = facts_for(r, layout)
    # every amount cell is printed as the style says, and extracts as that text
    want = Counter()
    for f in facts:
        if f["amount"] is None:
            continue
        s = printed(f["amount"], st)
        if AMOUNT.fullmatch(s):
            want[s] += 1
    # a row broken across a page prints the pieces of its cells on two pages ('1,760.6' | '4')
    pieces = [(a.strip(), b.strip()) for before, after in broken
              for a, b in zip(before.split(" | "), after.split(" | ")) if b.strip()]
    want -= Counter(a + b for a, b in pieces if AMOUNT.fullmatch(a + b))
    split_labels = {a + b for a, b in pieces}
    got = Counter(AMOUNT.findall(text))
    missing = want - got
    assert not missing, f"amounts not found in the text: {dict(list(missing.items())[:10])}"
    if st.zero_text == "":
        assert all(f["amount"] != 0 for f in facts if f["amount"] is not None)
    # Chinese labels come out of the un-embedded CID font as Unicode
    flat = re.sub(r"\s+", "", text)
    for n in range(1, 10):
        assert st.titles[n] in flat, st.titles[n]
    assert r.department in flat
    assert f"单位：{r.unit}" in flat
    for row in r.t03.rows:
        assert row.name in flat or row.name in split_labels, row.name
    for row in r.t06:
        assert row.name in flat or row.name in split_labels, row.name
    for label in ("本年收入合计", "本年支出合计", "年初结转和结余", "人员经费合计", "公用经费合计"):
        assert label in flat, label
    if st.caption:
        assert re.sub(r"\s+", "", st.caption.format(3)) in flat
    else:
        assert "公开" not in flat
    if st.cover:
        assert r.title in flat or (layout == "shanghai" and f"{r.department}{r.fiscal_year}年度部门决算" in flat)
    if layout != "rotated":
        # pdfium (the ingest's page-text pass) reads the same labels; it loses pure-CJK strings drawn
        # rotated in this un-embedded CID font, hence not on the rotated layout
        flat2 = re.sub(r"\s+", "", "\n".join(pdfium_text(path)))
        for n in range(1, 10):
            assert st.titles[n] in flat2, st.titles[n]
        assert not (want - Counter(AMOUNT.findall("\n".join(pdfium_text(path)))))
    if st.split_codes:
        leaf = next(x for x in r.t03.rows if x.level == "项")
        assert re.search(rf"{leaf.code[:3]}\s+{leaf.code[3:5]}\s+{leaf.code[5:]}\s*{leaf.name}", text)
    else:
        assert all(x.code in text for x in r.t03.rows)


def test_rotated_layout_turns_pages(tmp_path):
    r = random_report(21)
    path = tmp_path / "rot.pdf"
    render(r, path, "rotated")
    pdf = pdfium.PdfDocument(str(path))
    rotations = [pdf[i].get_rotation() for i in range(len(pdf))]
    sizes = [pdf[i].get_mediabox()[2:] for i in range(len(pdf))]
    pdf.close()
    assert 90 in rotations and 0 in rotations
    assert all(w < h for w, h in sizes), "MediaBox stays portrait; /Rotate turns it"


def test_shanghai_pages_mix_orientation_and_spreadsheet_is_landscape(tmp_path):
    r = random_report(22)
    for layout, expect in (("shanghai", {True, False}), ("spreadsheet", {True})):
        path = tmp_path / f"{layout}.pdf"
        render(r, path, layout)
        pdf = pdfium.PdfDocument(str(path))
        land = {pdf[i].get_size()[0] > pdf[i].get_size()[1] for i in range(len(pdf))}
        pdf.close()
        assert land == expect, layout


def _paths_per_page(path) -> list[int]:
    with playa.open(str(path)) as pdf:
        return [sum(1 for _ in page.paths) for page in pdf.pages]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_table_pages_are_ruled_or_not(tmp_path, layout):
    r = random_report(33)
    path = tmp_path / f"{layout}.pdf"
    render(r, path, layout)
    st = style_for(r, layout)
    texts = pdf_text(path)
    paths = _paths_per_page(path)
    table_pages = [i for i, t in enumerate(texts) if re.search(r"\d\.\d\d", t) and "第一部分" not in t]
    assert table_pages
    for i in table_pages:
        assert (paths[i] > 0) == st.ruled, (layout, i + 1, paths[i])


@pytest.mark.parametrize("layout", ["typeset", "rotated"])
def test_camelot_lattice_finds_the_grids(tmp_path, layout):
    camelot = pytest.importorskip("camelot")
    r = random_report(31)
    path = tmp_path / f"{layout}.pdf"
    render(r, path, layout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = camelot.read_pdf(str(path), pages="all", flavor="lattice")
    assert len(tables) >= 9
    cells = {re.sub(r"\s+", "", c) for t in tables for row in t.df.values.tolist() for c in row}
    assert {"本年收入合计", "人员经费合计", "科目名称", r.t03.rows[0].name} <= cells


def test_wps_and_word_styles_cover_every_variant():
    """Over a few dozen seeds the WPS/Word styles take every printing choice they model."""
    from tests.synth.render import CJK_FONTS, FONT

    styles = [style_for(random_report(s), layout) for s in range(40) for layout in ("wps", "word")]
    assert {st.font for st in styles} == {FONT, *CJK_FONTS}
    assert {st.rules for st in styles} == {"line", "rect", "dashes"}
    assert {st.bold for st in styles} == {None, "double", "stroke"}
    assert {st.unit_place for st in styles} == {"info", "below", "caption", "above"}
    assert {st.caption for st in styles} >= {"公开{:02d}表", "公开表{:02d}", "公开 {:02d} 表"}
    for option in ("polygon_rules", "a3_tables", "chart", "stray_text", "flow", "title_in_grid"):
        values = {bool(getattr(st, option)) for st in styles}
        assert values == {True, False}, option
    assert style_for(random_report(5), "wps") == style_for(random_report(5), "wps"), "deterministic per seed"


def _fonts_and_boxes(path):
    """(names of embedded TrueType fonts, page sizes, characters outside their page box, filled paths that are
    not rectangles)."""
    reader = pypdf.PdfReader(str(path))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            font = font.get_object()
            for desc in [font] + [d.get_object() for d in font.get("/DescendantFonts", [])]:
                fd = desc.get("/FontDescriptor")
                if fd is not None and "/FontFile2" in fd.get_object():
                    fonts.add(str(desc["/BaseFont"]))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    outside, polygons = 0, 0
    with playa.open(str(path), space="page") as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = page.mediabox
            for obj in page.texts:
                bx0, by0, bx1, by1 = obj.bbox
                outside += bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1
            for obj in page.paths:
                corners = {pt for seg in obj.segments for pt in seg.points}
                polygons += bool(obj.fill) and len(corners) > 4
    return fonts, sizes, outside, polygons


def test_wps_report_embeds_fonts_mixes_a3_and_hides_text_outside_the_page(tmp_path):
    r = random_report(509)
    path = tmp_path / "wps.pdf"
    render(r, path, "wps")
    st = style_for(r, "wps")
    assert st.font == "WenQuanYi-ZenHei" and st.a3_tables and st.stray_text and st.bold == "double"
    fonts, sizes, outside, _ = _fonts_and_boxes(path)
    assert any("WenQuanYi" in f or "ZenHei" in f for f in fonts), fonts
    assert {(1191, 842), (595, 842)} <= set(sizes), "landscape A3 among portrait A4 pages"
    assert outside > 0, "strings placed outside the page box"
    flat = re.sub(r"\s+", "", "\n".join(pdf_text(path)))
    assert flat.count(st.titles[3]) >= 2, "fake bold: the title drawn twice"


def test_word_report_flows_and_draws_a_polygon_rule(tmp_path):
    r = random_report(505)
    path = tmp_path / "word.pdf"
    render(r, path, "word")
    st = style_for(r, "word")
    assert st.flow and st.polygon_rules and st.rules == "rect" and st.font == "AR-PL-UMing"
    fonts, sizes, _, polygons = _fonts_and_boxes(path)
    assert any("UMing" in f for f in fonts), fonts
    assert polygons > 0
    texts = pdf_text(path)
    # one flow: a page holds the titles of two tables
    assert any(sum(1 for n in range(1, 10) if st.titles[n] in re.sub(r"\s+", "", t)) >= 2 for t in texts)


def test_a_missing_font_says_which_package_to_install(monkeypatch):
    from tests.synth import render as render_module

    monkeypatch.setitem(render_module.CJK_FONTS, "Nowhere-Kai", ("/nonexistent/kai.ttc", 0, "fonts-nowhere-kai"))
    with pytest.raises(render_module.FontMissing, match="fonts-nowhere-kai.*make fonts"):
        render_module.use_font("Nowhere-Kai")


def test_word_rows_break_across_pages(tmp_path):
    """With break_rows a row that does not fit breaks as Word breaks it: the first line of each cell ends the
    page and the rest begins the next, in the same column; an amount's digits can be split too."""
    r = random_report(520, unit="元")
    path = tmp_path / "word.pdf"
    broken = render(r, path, "word")
    assert style_for(r, "word").break_rows and len(broken) == 3
    pages = [re.sub(r"\s+", "", t) for t in pdf_text(path)]
    for before, after in broken:
        pieces = [(a.strip(), b.strip()) for a, b in zip(before.split(" | "), after.split(" | ")) if b.strip()]
        assert pieces
        for a, b in pieces:
            # the two pieces on consecutive pages (a label's rest may wrap again inside its cell)
            where = [i for i, t in enumerate(pages) if i and b[:4] in t and a[:4] in pages[i - 1]]
            assert where, (a, b)
    amounts = [a + b for before, after in broken for a, b in zip(before.split(" | "), after.split(" | "))
               if b.strip() and AMOUNT.fullmatch(a.strip() + b.strip())]
    assert "15,665,514.32" in amounts  # printed 15,665,514. | 32


def test_a_stage_row_prints_决算数_under_every_amount_column(tmp_path):
    r = random_report(201, unit="万元")
    st = style_for(r, "shanghai")
    assert st.stage_row
    from tests.synth.render import build_grid

    for n, columns in ((2, 7), (3, 6), (4, 4), (5, 3), (7, 6), (8, 3)):
        grid = build_grid(r, n, st)
        stage = next(row for row in grid.header if any(row) and set(row) <= {"", "决算数"})
        assert [j for j, text in enumerate(stage) if text] == sorted(grid.amount_cols), n
        assert len(grid.amount_cols) == columns + (n == 4), n  # 04: the income side's 金额 too
    assert not any(any(row) and set(row) <= {"", "决算数"} for row in build_grid(r, 1, st).header)
