"""The narrative reader on a hand-drawn page sequence: a running header and page numbers on every page, a
number and a 项 name broken over a line end, a figure broken over a page break, a small table between
paragraphs, a table of contents and a glossary part that are not narrative."""

from __future__ import annotations

from decimal import Decimal

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from ingest.read.document import Document
from ingest.read.narrative import narrative_pages, read_narrative


def _pages(path):
    """The narrative pages of a PDF (the reader opens each PDF once, as a Document)."""
    with Document(path) as document:
        return narrative_pages(document)


FONT = "STSong-Light"
D = Decimal

PAGES = [
    # (x, text) lines from the top; None is an empty line (paragraph spacing)
    [(72, "目录"), (72, "第一部分 部门概况"), (72, "第二部分 2024年度部门决算表"), (72, "第三部分 2024年度部门决算情况说明"),
     (72, "第四部分 名词解释")],
    [(200, "第三部分 2024年度部门决算情况说明"), None,
     (72, "一、收入支出决算总体情况说明"),
     (72, "2024年度收、支总计均为1,0"),
     (72, "10.09万元。与上年度相比，收、支总计各减少12.34万元，下降1.21%。"), None,
     (72, "二、收入决算情况说明"),
     (72, "2024年度收入合计1,010.09万元，其中：财政拨款收入1,000.00万元，占99.")],
    [(72, "01%；其他收入10.09万元，占1.00%。"), None,
     (72, "三、一般公共预算财政拨款支出决算情况说明"),
     ("table", [("科目", "年初预算", "决算"), ("行政运行", "900.00", "905.00"), ("合计", "1,000.00", "1,000.00")]), None,
     (72, "1.一般公共服务支出（类）政府办公厅（室）及相关机构事"),
     (72, "务（款）行政运行（项）。年初预算为900.00万元，支出决算为905.00万元，完成年初预算的100.56%。"),
     (72, "决算数大于年初预算数的主要原因是：年中追加预算。")],
    [(72, "第四部分 名词解释"), (72, "一、财政拨款收入：单位从同级政府财政部门取得的财政预算资金，共12.00万元。")],
]


# regional variants: 占比, 所占比重为 and a percent sign left out, 较上年/降低, a rate without its change, an
# item without a full stop after its name, a code before a 项 name, amounts in 元, 同比, 本年度
VARIANTS = [
    [(150, "第三部分 某某局2024年度部门决算情况"), (280, "说明"),
     (72, "一、支出决算情况说明"),
     (72, "本年支出合计100.00万元，其中：基本支出60.00万元，占比60.00%；项目支出40.00"),
     (72, "万元，所占比重为40。"),
     (72, "二、一般公共预算财政拨款支出决算情况说明"),
     (72, "（一）总体情况"),
     (72, "一般公共预算财政拨款支出100.00万元，较上年减少5.00万元，降低4.76%。"),
     (72, "一般公共预算财政拨款支出比上年下降4.76%。"),
     (72, "（二）具体情况"),
     (72, "1、一般公共服务支出（类）行政运行（项）年初预算为10万元，支出决算为12万元，"),
     (72, "完成年初预算的120%，决算"),
     (72, "数大于年初预算数，主要原因是年中追加。"),
     (72, "2、2010302一般行政管理事务（项）。年初预算为1,000元，支出决算为900元，完成"),
     (72, "年初预算的90%。"),
     (72, "三、机关运行经费支出情况说明"),
     (72, "本年度机关运行经费支出20.00万元，同比增加2.00万元，增长11.11%。")],
]


def _draw(path, pages) -> None:
    c = Canvas(str(path), pagesize=A4)
    width, height = A4
    for number, lines in enumerate(pages, 1):
        c.setFont(FONT, 9)
        c.drawString(72, height - 30, "某某市某某局2024年度部门决算")        # running header
        c.drawCentredString(width / 2, 25, f"- {number} -")                # page number
        y = height - 80
        c.setFont(FONT, 11)
        for line in lines:
            if line is None:
                y -= 12
                continue
            x, text = line
            if x == "table":
                for row in text:
                    for k, cell in enumerate(row):
                        c.drawString(90 + 150 * k, y, cell)
                    y -= 16
                continue
            assert x + pdfmetrics.stringWidth(text, FONT, 11) < width, f"the line runs off the page: {text}"
            c.drawString(x, y, text)
            y -= 18
        c.showPage()
    c.save()


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    path = tmp_path_factory.mktemp("drawn") / "narrative.pdf"
    _draw(path, PAGES)
    return read_narrative(_pages(path))


@pytest.fixture(scope="module")
def variants(tmp_path_factory):
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    path = tmp_path_factory.mktemp("drawn") / "variants.pdf"
    _draw(path, VARIANTS)
    return read_narrative(_pages(path))


def test_sentences_and_their_pages(drawn):
    assert [(p.number, p.page) for p in drawn.parts] == [("三", 2)]
    got = [(s.page, s.last_page, s.text) for s in drawn.sentences]
    assert got == [
        (2, 2, "一、收入支出决算总体情况说明"),
        (2, 2, "2024年度收、支总计均为1,010.09万元。"),
        (2, 2, "与上年度相比，收、支总计各减少12.34万元，下降1.21%。"),
        (2, 2, "二、收入决算情况说明"),
        (2, 3, "2024年度收入合计1,010.09万元，其中：财政拨款收入1,000.00万元，占99.01%；其他收入10.09万元，占1.00%。"),
        (3, 3, "三、一般公共预算财政拨款支出决算情况说明"),
        (3, 3, "1.一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。"),
        (3, 3, "年初预算为900.00万元，支出决算为905.00万元，完成年初预算的100.56%。"),
        (3, 3, "决算数大于年初预算数的主要原因是：年中追加预算。"),
    ]


def test_claims(drawn):
    got = [(c.kind, c.page, c.table_hint, c.measure, c.value) for c in drawn.claims]
    assert got == [
        ("amount", 2, "01", "grand_total", D("1010.09")),
        ("yoy", 2, "01", "grand_total", D("12.34")),
        ("amount", 2, "02", "total_income", D("1010.09")),
        ("amount", 2, "02", "fiscal_appropriation", D("1000.00")),
        ("share", 2, "02", "fiscal_appropriation", D("99.01")),
        ("amount", 3, "02", "other_income", D("10.09")),
        ("share", 3, "02", "other_income", D("1.00")),
        ("budget_final", 3, "05", "total", D("905.00")),
    ]
    item = drawn.claims[-1]
    assert (item.kuan_name, item.item_name, item.budget, item.rate, item.relation, item.reason) == (
        "政府办公厅（室）及相关机构事务", "行政运行", D("900.00"), D("100.56"), "大于", "年中追加预算")
    assert drawn.claims[1].current == D("1010.09") and drawn.claims[1].direction == "减少"


def test_regional_variants(variants):
    assert [p.title for p in variants.parts] == ["某某局2024年度部门决算情况说明"]
    got = [(c.kind, c.table_hint, c.measure, c.value, c.unit, c.unit_inferred) for c in variants.claims]
    assert got == [
        ("amount", "03", "total_expenditure", D("100.00"), "万元", False),
        ("amount", "03", "basic", D("60.00"), "万元", False),
        ("share", "03", "basic", D("60.00"), "%", False),
        ("amount", "03", "project", D("40.00"), "万元", False),
        ("share", "03", "project", D("40"), "%", True),
        ("amount", "05", "total", D("100.00"), "万元", False),
        ("yoy", "05", "total", D("5.00"), "万元", False),
        ("yoy", "05", "total", None, "%", False),
        ("budget_final", "05", "total", D("12"), "万元", False),
        ("budget_final", "05", "total", D("900"), "元", False),
        ("amount", None, "operating_costs", D("20.00"), "万元", False),
        ("yoy", None, "operating_costs", D("2.00"), "万元", False),
    ]
    shares = [c for c in variants.claims if c.kind == "share"]
    assert [(c.base_text, c.base_measure, c.numerator) for c in shares] == [
        (None, "total_expenditure", D("60.00")), (None, "total_expenditure", D("40.00"))]
    yoy = [(c.subject, c.direction, c.change, c.rate, c.current) for c in variants.claims if c.kind == "yoy"]
    assert yoy == [("一般公共预算财政拨款支出", "减少", D("5.00"), D("4.76"), D("100.00")),
                   ("一般公共预算财政拨款支出", "减少", None, D("4.76"), D("100.00")),
                   ("机关运行经费支出", "增加", D("2.00"), D("11.11"), D("20.00"))]
    first, second = [c for c in variants.claims if c.kind == "budget_final"]
    assert (first.class_name, first.item_name, first.budget, first.rate, first.relation, first.reason) == (
        "一般公共服务支出", "行政运行", D("10"), D("120"), "大于", "年中追加")
    assert (second.subject_code, second.item_name, second.budget, second.rate) == ("2010302", "一般行政管理事务",
                                                                                  D("1000"), D("90"))
