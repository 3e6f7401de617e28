"""The narrative reader on real reports: the two samples against their published text (sentences and every
figure), and the two 上海市普陀区 reports (no text version) against figures read off the PDF by hand,
including the mistakes their narratives make, which must be read as stated, not corrected."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from ingest.read.text import read_pages
from ingest.read.document import Document
from ingest.read.narrative import narrative_pages, read_narrative

from golden import SAMPLES_DIR


def _pages(path):
    """The narrative pages of a PDF (the reader opens each PDF once, as a Document)."""
    with Document(path) as document:
        return narrative_pages(document)


D = Decimal
NUMBER_LABEL = re.compile(r"^(\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)])")
# figures as the published text prints them: a number and its unit; years, dates and 100万元（含）以上 are not
GOLDEN_FIGURE = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万元|%|人次|台（套）|辆|台|个|名|分)(?!（含）以上)")


def _golden_sentences(txt_path) -> list[str]:
    """Sentences of 第三部分 from the published text: its lines between the last 第三部分 heading and 第四部分,
    white space removed, a line continuing the one before when that one stops mid-sentence (the text keeps
    the PDF's page breaks as line breaks), split at 。！？ — headings (一、 （一）) are sentences of their own."""
    lines = txt_path.read_text(encoding="utf-8").splitlines()
    start = max(i for i, ln in enumerate(lines) if ln.startswith("第三部分"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("第四部分"))
    body = [re.sub(r"\s+", "", ln) for ln in lines[start + 1:end]]
    body = [ln for ln in body if ln]
    while body and not re.match(r"^[一二三四五六七八九十]+、", body[0]):
        body.pop(0)          # the part's title lines (department, 部门决算情况说明)
    heading = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
    paras: list[str] = []
    for ln in body:
        if paras and not re.search(r"[。！？][）”]*$", paras[-1]) and not (heading.match(paras[-1]) and len(paras[-1]) < 45) \
                and not heading.match(ln) and not NUMBER_LABEL.match(ln):
            paras[-1] += ln
        else:
            paras.append(ln)
    out = []
    for p in paras:
        m = heading.match(p)
        if m:
            cut = re.search(r"[。：]", p)
            if cut and cut.end() < len(p):
                out.append(p[:cut.end()])
                p = p[cut.end():]
            elif not cut or cut.end() == len(p):
                out.append(p)
                continue
        out += [piece for piece in re.findall(r"[^。！？]*(?:[。！？]+[）”]*|$)", p) if piece]
    return out


def _stated_figures(claims):
    """(value, unit) of every figure the claims state (not the figures they refer back to)."""
    for c in claims:
        if c.kind == "budget_final":
            figures = [(c.budget, c.unit), (c.budget_full, c.unit), (c.final, c.unit), (c.rate, "%")]
        elif c.kind == "yoy":
            figures = [(c.change, c.unit if c.change is not None else None), (c.rate, "%")]
        elif c.kind == "unresolved":
            figures = []
        else:
            figures = [(c.value, c.unit)]
        yield from ((v, u) for v, u in figures if v is not None)


@pytest.fixture(scope="module")
def sample_narratives():
    return {key: read_narrative(_pages(SAMPLES_DIR / f"{key}.pdf")) for key in ("jiaozuo-2024", "sanmenxia-2024")}


@pytest.fixture(scope="module")
def real_narratives(real_dir):
    return {key: read_narrative(_pages(real_dir / f"{key}.pdf"))
            for key in ("putuo-finance-2024", "putuo-social-work-2024")}


@pytest.mark.parametrize("key", ["jiaozuo-2024", "sanmenxia-2024"])
def test_sample_sentences_are_the_published_ones(sample_narratives, key):
    narrative = sample_narratives[key]
    assert [p.number for p in narrative.parts] == ["三"]
    read = [s.text for s in narrative.sentences if s.part_no == "三"]
    golden = _golden_sentences(SAMPLES_DIR / f"{key}.txt")
    assert "".join(read) == "".join(golden), "the characters of 第三部分 differ from the published text"
    assert read == golden


@pytest.mark.parametrize("key", ["jiaozuo-2024", "sanmenxia-2024"])
def test_every_published_figure_is_a_claim(sample_narratives, key):
    narrative = sample_narratives[key]
    for s in narrative.sentences:
        if s.heading:
            continue
        want = Counter((D(m.group(1).replace(",", "") + (m.group(2) or "")), m.group(3))
                       for m in GOLDEN_FIGURE.finditer(s.text))
        got = Counter(_stated_figures(narrative.claims_of(s)))
        assert got == want, f"p{s.page} {s.text}"


def test_sample_pages_of_sentences(sample_narratives):
    j = sample_narratives["jiaozuo-2024"]
    by_text = {s.text: s for s in j.sentences}
    # 其他收入0.38万元，占 | 0.02%。 is broken over pages 14 and 15
    s = next(s for s in j.sentences if s.text.startswith("2024年度收入合计"))
    assert (s.page, s.last_page) == (14, 15)
    share = [c for c in j.claims_of(s) if c.kind == "share"]
    assert [(c.subject, c.value, c.page) for c in share] == [("财政拨款收入", D("99.98"), 14), ("其他收入", D("0.02"), 15)]
    assert by_text["（三）部门绩效评价结果。"].page == 18


def test_jiaozuo_budget_execution_by_item(sample_narratives):
    claims = [c for c in sample_narratives["jiaozuo-2024"].claims if c.kind == "budget_final" and c.table_hint == "05"]
    got = [(c.item_name, c.budget, c.final, c.rate) for c in claims]
    assert got == [
        (None, D("1235.33"), D("1641.76"), D("132.90")),
        ("行政运行", D("945.76"), D("1010.09"), D("106.80")),
        ("一般行政管理事务", D("92.27"), D("366.63"), D("397.34")),
        ("其他纪检监察事务支出", D("0.19"), D("0.19"), D("100")),
        ("其他科学技术支出", D("10.00"), D("10.00"), D("100")),
        ("机关事业单位基本养老保险缴费支出", D("66.29"), D("65.29"), D("98.49")),
        ("其他行政事业单位养老支出", D("27.39"), D("64.51"), D("235.52")),
        ("就业见习补贴", D("0.84"), D("0.84"), D("100")),
        ("突发公共卫生事件应急处置", D("78.40"), D("78.40"), D("100")),
        ("行政单位医疗", D("16.44"), D("16.33"), D("99.33")),
        ("事业单位医疗", D("9.14"), D("9.14"), D("100")),
        ("公务员医疗补助", D("20.46"), D("20.34"), D("99.41")),
    ]
    first = claims[1]
    assert (first.class_name, first.kuan_name, first.func_level) == ("一般公共服务支出", "政府办公厅（室）及相关机构事务", "项")
    assert first.relation_text == "存在差异" and first.relation is None
    assert first.reason == "下属二级机构新进人员，年中追加预算"
    assert claims[0].subject == "一般公共预算财政拨款支出" and claims[0].measure == "total"


def test_sanmenxia_budget_execution_and_yoy(sample_narratives):
    n = sample_narratives["sanmenxia-2024"]
    items = [(c.item_name, c.budget, c.final, c.rate) for c in n.claims if c.kind == "budget_final" and c.item_name]
    assert items == [
        ("行政运行", D("626.81"), D("585.44"), D("93.40")),
        ("其他政府办公厅（室）及相关机构事务支出", D("227.63"), D("705.33"), D("309.86")),
        ("其他科学技术支出", D("0"), D("1070.00"), D("100.00")),
        ("行政单位离退休", D("3.38"), D("1.56"), D("46.11")),
        ("机关事业单位基本养老保险缴费支出", D("56.23"), D("46.55"), D("82.79")),
        ("行政单位医疗", D("29.69"), D("26.92"), D("90.67")),
        ("其他巩固脱贫攻坚成果衔接乡村振兴支出", D("0"), D("3.82"), D("100.00")),
        ("住房公积金", D("49.90"), D("36.91"), D("73.98")),
        ("其他支出", D("0"), D("5.40"), D("100.00")),
    ]
    yoy = [(c.table_hint, c.measure, c.direction, c.change, c.rate, c.current) for c in n.claims if c.kind == "yoy"]
    assert yoy == [("01", "grand_total", "减少", D("1399.91"), D("36.06"), D("2481.93")),
                   ("04", "grand_total", "减少", D("1399.91"), D("36.06"), D("2481.93")),
                   ("05", "total", "减少", D("1399.91"), D("36.06"), D("2481.93")),
                   (None, "operating_costs", "增加", D("0.69"), D("1.40"), D("49.97"))]
    # 公务接待费: 预算 0.20, 决算 0.12, 60.00%, and its reason
    reception = [c for c in n.claims if c.kind == "budget_final" and c.measure == "reception"]
    assert [(c.budget, c.final, c.rate) for c in reception] == [(None, D("0.12"), D("60.00")), (D("0.20"), D("0.12"), D("60.00"))]
    assert reception[1].reason == "为全面落实过紧日子要求，压缩了部分开支"
    flat = [c for c in n.claims if c.kind == "budget_final" and c.relation_text == "无差异"]
    assert [(c.measure, c.relation) for c in flat] == [("overseas_travel", "等于"), ("vehicles", "等于")]


def test_putuo_finance_figures_as_stated(real_narratives):
    n = real_narratives["putuo-finance-2024"]
    items = [(c.item_name, c.budget, c.final, c.rate, c.relation) for c in n.claims
             if c.kind == "budget_final" and c.func_level == "项"]
    assert items == [
        ("行政运行", D("1560.05"), D("1511.89"), None, "小于"),
        ("一般行政管理事务", D("10.00"), D("10.00"), None, "持平"),
        ("信息化建设", D("135.90"), D("135.25"), None, "小于"),
        ("财政委托业务支出", D("450.52"), D("449.52"), None, "小于"),
        ("行政单位离退休", D("85.55"), D("84.65"), None, "小于"),
        ("机关事业单位基本养老保险缴费支出", D("161.62"), D("160.75"), None, "小于"),
        ("机关事业单位职业年金缴费支出", D("80.81"), D("80.38"), None, "小于"),
        ("其他行政事业单位养老支出", D("0.94"), D("0.94"), None, "持平"),
        ("行政单位医疗", D("62.29"), D("60.99"), None, "小于"),
        ("住房公积金", D("187.75"), D("187.19"), None, "小于"),
        ("购房补贴", D("258.50"), D("258.50"), None, "持平"),
    ]
    # the share the report states (2,106.66 / 2,940.05 is 71.65 %), read as printed
    share = next(c for c in n.claims if c.kind == "share" and c.class_name == "一般公共服务支出")
    assert (share.value, share.numerator, share.base_value, share.base_table_hint, share.page) == (
        D("71.73"), D("2106.66"), D("2940.05"), "05", 21)
    # 财政拨款收入支出总计 stated as 0.3 万元 and 持平 (table 04 says 2,961.68)
    total04 = [c for c in n.claims if c.table_hint == "04"]
    assert [(c.kind, c.value, c.direction) for c in total04] == [("amount", D("0.3"), None), ("yoy", None, "持平")]
    assert total04[1].current == D("0.3")
    three = [c for c in n.claims if c.table_hint == "09" and c.kind == "budget_final"]
    assert [(c.measure, c.budget, c.final, c.rate) for c in three] == [
        ("total", D("0.95"), D("0.00"), D("0")), ("overseas_travel", None, D("0.00"), D("0")),
        ("vehicles", None, D("0.00"), D("0")), ("reception", None, D("0.00"), D("0"))]
    assert three[0].relation == "小于" and three[0].reason == "当年度无“三公”经费支出"
    assert [(c.measure, c.direction) for c in n.claims if c.kind == "yoy" and c.table_hint == "09"] == [
        ("total", "持平"), ("overseas_travel", "持平"), ("vehicles", "持平"), ("reception", "持平")]
    basic = [(c.table_hint, c.measure, c.value) for c in n.claims if c.measure in ("basic", "personnel", "public")
             and c.kind == "amount"]
    assert basic == [("03", "basic", D("2336.91")), ("06", "basic", D("2336.91")), ("06", "personnel", D("2152.26")),
                     ("06", "public", D("184.65"))]


def test_putuo_social_work_figures_as_stated(real_narratives):
    n = real_narratives["putuo-social-work-2024"]
    top = next(c for c in n.claims if c.kind == "budget_final" and c.measure == "total" and c.table_hint == "05")
    # 年初预算 0, 全年预算 321.02, and a rate "of the 年初预算" that is 307.82 / 321.02
    assert (top.budget, top.budget_label, top.budget_full, top.final, top.rate, top.rate_basis, top.relation) == (
        D("0"), "年初预算", D("321.02"), D("307.82"), D("95.89"), "年初预算", "小于")
    items = [(c.item_name, c.budget_label, c.budget, c.final, c.rate) for c in n.claims
             if c.kind == "budget_final" and c.func_level == "项"]
    assert [i[0] for i in items] == ["行政运行", "事业运行", "其他社会工作事务支出", "机关事业单位基本养老保险缴费支出",
                                     "机关事业单位职业年金缴费支出", "行政单位医疗", "事业单位医疗", "住房公积金", "购房补贴"]
    assert items[0] == ("行政运行", "全年预算", D("52.00"), D("51.32"), D("98.69"))
    assert items[7] == ("住房公积金", "全年预算", D("18.12"), D("17.70"), D("97.68"))
    # a department founded in 2024: growth from a zero base stated as 增长100.00%, read as stated
    yoy = [(c.table_hint, c.measure, c.change, c.rate, c.current) for c in n.claims if c.kind == "yoy"]
    assert yoy == [("01", "grand_total", D("307.82"), D("100.00"), D("307.82")),
                   ("04", "grand_total", D("307.82"), D("100.00"), D("307.82")),
                   ("05", "total", D("307.82"), D("100.00"), D("307.82")),
                   (None, "operating_costs", D("10.23"), D("100.00"), D("10.23"))]
    # 264.87 万元 printed with a space before its unit
    c = next(c for c in n.claims if c.kind == "amount" and c.class_name == "一般公共服务支出")
    assert (c.value, c.unit, c.page) == (D("264.87"), "万元", 18)


@pytest.mark.parametrize("key", ["putuo-finance-2024", "putuo-social-work-2024"])
def test_real_coverage(real_narratives, key):
    from narrative_coverage import coverage

    cov = coverage(real_narratives[key])
    assert cov["sentences"] > 20
    assert cov["claim_share"] >= 0.9, [(s.text, st) for s, st, _ in cov["rows"] if st != "read"]


def test_lines_by_baseline_mend_interleaved_lines(real_dir):
    """putuo-finance reports glyph boxes taller than its glyphs: grouped by overlap, two lines of its 绩效
    paragraph interleave; grouped by baseline they read as printed."""
    path = real_dir / "putuo-finance-2024.pdf"
    mended = read_narrative(_pages(path))
    text = next(s.text for s in mended.sentences if "预算绩效管理工作开展情况如下" in s.text)
    assert "编报绩效目标的2024年度项目4个，涉及预算金额598.42万元" in text
    with Document(path) as document:
        overlapped = read_narrative(read_pages(document))
    assert not any("编报绩效目标的2024年度项目4个" in s.text for s in overlapped.sentences)
    # elsewhere both line builders give the same sentences
    same = [s.text for s in mended.sentences if "绩效" not in s.section_title]
    assert same == [s.text for s in overlapped.sentences if "绩效" not in s.section_title]
