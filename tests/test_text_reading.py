"""Reading text where camelot's grid does not help: fake-bold doubled glyphs, and tables printed without
ruled lines (ingest/read/parts/unruled.py), on small PDFs drawn here with reportlab."""

from __future__ import annotations

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from ingest.read.document import Document
from ingest.read.report import read_report
from ingest.read.tables import find_tables
from ingest.read.text import read_pages

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _chars_text(path) -> str:
    with Document(path) as doc:
        return "".join(c.text for c in sorted(doc.chars(1), key=lambda c: c.x0))


@pytest.mark.parametrize("size,offset", [(8, 0.2), (8, 0.5), (5.5, 0.5)])
def test_fake_bold_doubled_glyphs_are_read_once_even_narrow_ones(tmp_path, size, offset):
    """5.5 pt: an amount shrunk to fit its cell, whose commas are narrower than twice the offset."""
    path = tmp_path / "bold.pdf"
    c = Canvas(str(path), pagesize=A4)
    c.setFont(FONT, size)
    for dx in (0.0, offset):  # WPS fake bold: the run drawn twice, a fraction of a point aside
        c.drawString(100 + dx, 700, "30,952,088.20")
    c.showPage()
    c.save()
    assert _chars_text(path) == "30,952,088.20"


def test_repeated_characters_are_not_taken_for_fake_bold(tmp_path):
    path = tmp_path / "repeat.pdf"
    c = Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 8)
    c.drawString(100, 700, "1,111.11")
    c.showPage()
    c.save()
    assert _chars_text(path) == "1,111.11"


def _unruled_page(path, rows, *, wrap_top: bool):
    """公开05表 without any ruling: a two-line header with 本年支出 over three columns, a label wrapped over
    two lines, and a column printed blank throughout (项目支出)."""
    c = Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawCentredString(297, 780, "一般公共预算财政拨款支出决算表")
    c.setFont(FONT, 9)
    c.drawRightString(540, 760, "公开05表")
    c.drawString(50, 745, "部门：某某县财政局")
    c.drawRightString(540, 745, "单位：万元")
    # columns: code 50-110, name 110-250, three amount columns of 96 pt
    amount_right = [342, 438, 534]
    c.drawCentredString(150, 722, "项目")
    c.drawCentredString(438 - 48, 722, "本年支出")
    c.drawCentredString(80, 706, "功能分类科目编码")
    c.drawCentredString(180, 706, "科目名称")
    for right, label in zip(amount_right, ("小计", "基本支出", "项目支出")):
        c.drawCentredString(right - 46, 706, label)
    y = 688
    for code, name, amounts in rows:
        lines = [name[:9], name[9:]] if len(name) > 9 else [name]
        c.drawString(52, y, code)
        for k, text in enumerate(lines):
            c.drawString(112, y - k * 11 if wrap_top else y + 5.5 - k * 11 if len(lines) > 1 else y, text)
        for right, amount in zip(amount_right, amounts):
            if amount:
                c.drawRightString(right - 4, y, amount)
        y -= 14 + 11 * (len(lines) - 1)
    c.setFont(FONT, 9)
    c.drawCentredString(297, 40, "- 7 -")
    c.showPage()
    c.save()


ROWS = [
    ("", "合计", ("1,234.56", "1,234.56", "")),
    ("201", "一般公共服务支出", ("1,234.56", "1,234.56", "")),
    ("20101", "人大事务", ("1,000.00", "1,000.00", "")),
    ("2010101", "行政运行", ("1,000.00", "1,000.00", "")),
    ("20106", "财政事务", ("234.56", "234.56", "")),
    ("2010699", "其他财政事务支出其他财政事务支出", ("234.56", "234.56", "")),
]


@pytest.mark.parametrize("wrap_top", [True, False], ids=["top-aligned", "middle-aligned"])
def test_a_table_without_rulings_is_read_from_its_text(tmp_path, wrap_top):
    path = tmp_path / "unruled.pdf"
    _unruled_page(path, ROWS, wrap_top=wrap_top)
    report = read_report(path)
    table = report.tables[5].table
    assert table.flavor == "text"
    roles = [col.role for col in table.columns]
    assert roles == ["code", "name", "amount", "amount", "amount"]
    assert [col.header_zh for col in table.columns[2:]] == ["本年支出/小计", "本年支出/基本支出", "本年支出/项目支出"]
    body = [[cell or "" for cell in row.cells] for row in table.body]
    assert [row[0] for row in body] == [code for code, _, _ in ROWS]
    assert [row[1].replace("\n", "") for row in body] == [name for _, name, _ in ROWS]
    assert [tuple(row[2:]) for row in body] == [amounts for _, _, amounts in ROWS]
    assert report.tables[5].unit == "万元"


def test_a_ruled_page_is_not_read_as_text(tmp_path):
    """The text reading is only a fallback: a page where camelot finds a grid keeps camelot's reading."""
    path = tmp_path / "ruled.pdf"
    c = Canvas(str(path), pagesize=A4)
    c.setFont(FONT, 16)
    c.drawCentredString(297, 780, "一般公共预算财政拨款支出决算表")
    c.setFont(FONT, 9)
    xs, ys = [50, 110, 250, 342, 438, 534], [730, 712, 694, 676]
    for x in xs:
        c.line(x, ys[0], x, ys[-1])
    for y in ys:
        c.line(xs[0], y, xs[-1], y)
    for text, x in zip(("科目编码", "科目名称", "小计", "基本支出", "项目支出"), xs):
        c.drawString(x + 3, 718, text)
    for row, y in ((("", "合计", "1.00", "1.00", "0.00"), 700), (("201", "一般公共服务支出", "1.00", "1.00", "0.00"), 682)):
        for text, x in zip(row, xs):
            c.drawString(x + 3, y, text)
    c.showPage()
    c.save()
    with Document(path) as doc:
        pages = read_pages(doc)
        parts = find_tables(doc, [1], {1: [pages[0].lines[0].y1]})
    assert parts and all(p.flavor.startswith("lattice") for p in parts)
