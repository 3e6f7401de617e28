"""The narrative checks and marts on real builds: generated reports whose narratives carry planted errors (every
one flagged at its page and subject, nothing else flagged), the two samples (their narrative agrees with their
tables: no finding at all) and the two 上海市普陀区 reports (the mistakes their narratives really make, found by
hand: a share of 71.73 % where 2,106.66 / 2,940.05 = 71.65 %, a 财政拨款收入支出总计 of 0.3 万元 where 公开04表 says
2,961.68, rates of 增长100.00% from a department founded in 2024, a share truncated to 9.55 %).

One `juesuan build` for the module, of the generated reports; the samples and the real reports use the
session's builds (conftest: sample_warehouse, putuo_warehouse)."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from synth.model import random_report
from synth.narrative import ERRORS, ROW_KEYS, write_narrative
from synth.render import render

D = Decimal

# (layout, seed, unit, planted errors): every kind of error, most of them in 万元 and in 元, and a clean report
CASES = [
    ("typeset", 101, "万元", ERRORS),
    ("word", 505, "元", ("amount", "share", "rate", "relation")),
    ("shanghai", 202, "元", ()),
]
REAL = ("putuo-finance-2024.pdf", "putuo-social-work-2024.pdf")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    inbox = tmp_path_factory.mktemp("narrative_inbox")
    planted = {}
    for layout, seed, unit, errors in CASES:
        report = random_report(seed, unit=unit)
        doc = write_narrative(report, errors=errors)
        name = f"{layout}-{seed}.pdf"
        render(report, inbox / name, layout, narrative=doc)
        planted[name] = doc.planted
    warehouse = tmp_path_factory.mktemp("narrative_built") / "warehouse.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(warehouse), str(inbox)])
    # exit 4: the planted errors fail their narrative checks; nothing else is wrong
    assert result.exit_code == 4, result.output + repr(result.exception)
    families = _rows(warehouse, "select distinct family from quality.check_results where not passed")
    assert families == [("narrative",)]
    return warehouse, planted


def _rows(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


FINDINGS = """
    select r.source_file, c.check_name, c.severity, c.subject, c.page, c.observed, c.expected, c.message
    from quality.check_results c join marts.dim_report r using (report_id)
    where c.family = 'narrative' and not c.passed
    order by r.source_file, c.check_name, c.subject
"""


def _findings(path, source_file=None, severity=None):
    return [f for f in _rows(path, FINDINGS)
            if (source_file is None or f[0] == source_file) and (severity is None or f[2] == severity)]


@pytest.mark.parametrize("layout,seed,unit,errors", CASES)
def test_every_planted_error_is_flagged_at_its_page_and_subject(built, layout, seed, unit, errors):
    warehouse, planted = built
    name = f"{layout}-{seed}.pdf"
    assert sorted(p.kind for p in planted[name]) == sorted(errors)
    findings = _findings(warehouse, name, "error")
    matched = set()
    for p in planted[name]:
        hits = [f for f in findings if f[1] == p.check and f[3].startswith(p.subject + " ") and f[4] == p.page]
        assert len(hits) == 1, (p, findings)
        matched.add(hits[0])
    # nothing else is an error, and a report without planted errors has no narrative finding at all
    assert set(findings) == matched
    assert _findings(warehouse, name, "warning") == []


def test_planted_findings_say_what_is_wrong(built):
    """Observed is the stated figure, expected the tables' (in 元 / hundredths of a percent), and the message
    quotes the sentence."""
    warehouse, planted = built
    by_subject = {(f[0], f[1], f[3].rsplit(" (claim", 1)[0]): f for f in _findings(warehouse, severity="error")}
    for name, errors in planted.items():
        unit = next(u for layout, seed, u, _ in CASES if f"{layout}-{seed}.pdf" == name)
        factor = D(10000) if unit == "万元" else D(1)
        for p in errors:
            aspect = {"amount": "", "share": " share", "rate": " rate", "relation": " relation",
                      "zero_base": " rate"}[p.kind]
            f = by_subject[(name, p.check, p.subject + aspect)]
            if p.kind == "amount":
                assert (f[5], f[6]) == (D(p.stated) * factor, D(p.expected) * factor)
            elif p.kind in ("share", "rate"):
                assert (f[5], f[6]) == (D(p.stated) * 100, D(p.expected) * 100)
            elif p.kind == "relation":
                assert (f[5], f[6]) == ({"大于": 1, "小于": -1}[p.stated], {"大于": 1, "小于": -1}[p.expected])
            else:
                assert (f[5], f[6]) == (D(10000), D(0)) and "previous year" in f[7]
            assert "「" in f[7] and "」" in f[7], f[7]


def test_real_reports_mistakes_are_found(putuo_warehouse):
    warehouse = putuo_warehouse
    got = {(f[0], f[1], f[2], f[3], f[4], f[5], f[6]) for f in _findings(warehouse, severity=None)
           if f[0] in REAL}
    assert got == {
        # 一般公共服务支出（类）2106.66万元，占71.73%: 2,106.66 / 2,940.05 = 71.65 %
        ("putuo-finance-2024.pdf", "narrative_share", "error", "05 201 share (claim 20)", 21, D("7173"), D("7165")),
        # 财政拨款收入支出总计0.3万元 (持平): 公开04表 总计 2,961.68 万元
        ("putuo-finance-2024.pdf", "narrative_amount", "error", "04 总计 (claim 13)", 21, D("3000"), D("29617000")),
        # a department founded in 2024: 增加307.82万元，增长100.00% from a previous year of 0
        ("putuo-social-work-2024.pdf", "narrative_yoy", "error", "01 总计 rate (claim 2)", 17, D("10000"), D("0")),
        ("putuo-social-work-2024.pdf", "narrative_yoy", "error", "04 总计 rate (claim 12)", 17, D("10000"), D("0")),
        ("putuo-social-work-2024.pdf", "narrative_yoy", "error", "05 合计 rate (claim 15)", 18, D("10000"), D("0")),
        # 住房保障支出（类）29.42万元，占9.55%: 29.42 / 307.82 = 9.5575 %, truncated (a warning only)
        ("putuo-social-work-2024.pdf", "narrative_rounding", "warning", "05 221 share (claim 24)", 18, D("955"),
         D("956")),
    }
    message = next(f[7] for f in _findings(warehouse) if f[3] == "05 201 share (claim 20)")
    assert "2106.66 / 2940.05 = 71.6539%" in message and "一般公共服务支出（类）2106.66万元，占71.73%" in message


def test_samples_narratives_agree_with_their_tables(sample_warehouse):
    assert _findings(sample_warehouse) == []
    rows = _rows(sample_warehouse, """
        select check_name, count(*) from quality.check_results where family = 'narrative' group by check_name""")
    assert {name for name, n in rows if n} == {"narrative_amount", "narrative_share", "narrative_yoy",
                                              "narrative_budget_final", "narrative_consistency",
                                              "narrative_rounding"}


# ------------------------------------------------------------------------------------------------ the marts

def _budget_execution(path, source_file):
    return _rows(path, """
        select b.func_code, b.func_name, b.budget, b.final, b.table_final, b.stated_rate, b.computed_rate,
               b.final_agrees, b.rate_agrees, b.relation, b.relation_agrees, b.page
        from marts.fct_budget_execution b join marts.dim_report r using (report_id)
        where r.source_file = ? and b.func_level = '项' order by b.claim_no""", [source_file])


def test_budget_execution_holds_every_item_the_sample_texts_list(sample_warehouse):
    """Every 项 of 五（三） with its 年初预算 and 决算 exactly as the published text prints them, joined to 05 by
    the code found from its names."""
    jiaozuo = [(r[0], r[1], r[2], r[3]) for r in _budget_execution(sample_warehouse, "jiaozuo-2024.pdf")]
    assert jiaozuo == [
        ("2010301", "行政运行", D("945.76"), D("1010.09")),
        ("2010302", "一般行政管理事务", D("92.27"), D("366.63")),
        ("2011199", "其他纪检监察事务支出", D("0.19"), D("0.19")),
        ("2069999", "其他科学技术支出", D("10.00"), D("10.00")),
        ("2080505", "机关事业单位基本养老保险缴费支出", D("66.29"), D("65.29")),
        ("2080599", "其他行政事业单位养老支出", D("27.39"), D("64.51")),
        ("2080711", "就业见习补贴", D("0.84"), D("0.84")),
        ("2100410", "突发公共卫生事件应急处置", D("78.40"), D("78.40")),
        ("2101101", "行政单位医疗", D("16.44"), D("16.33")),
        ("2101102", "事业单位医疗", D("9.14"), D("9.14")),
        ("2101103", "公务员医疗补助", D("20.46"), D("20.34")),
    ]
    sanmenxia = _budget_execution(sample_warehouse, "sanmenxia-2024.pdf")
    assert [(r[0], r[2], r[3]) for r in sanmenxia] == [
        ("2010301", D("626.81"), D("585.44")), ("2010399", D("227.63"), D("705.33")),
        ("2069999", D("0"), D("1070.00")), ("2080501", D("3.38"), D("1.56")), ("2080505", D("56.23"), D("46.55")),
        ("2101101", D("29.69"), D("26.92")), ("2130599", D("0"), D("3.82")), ("2210201", D("49.90"), D("36.91")),
        ("2299999", D("0"), D("5.40")),
    ]
    for rows in (_budget_execution(sample_warehouse, "jiaozuo-2024.pdf"), sanmenxia):
        assert all(r[3] == r[4] and r[7] for r in rows)          # the 决算 stated is 05's
    # 1.56 / 3.38 = 46.15 %, stated 46.11 %: within the rounding of the amounts; a 0 budget has no rate
    by_code = {r[0]: r for r in sanmenxia}
    assert (by_code["2080501"][5], by_code["2080501"][6], by_code["2080501"][8]) == (D("46.11"), D("46.1538"), True)
    assert (by_code["2069999"][5], by_code["2069999"][6], by_code["2069999"][8]) == (D("100.00"), None, None)


def test_budget_execution_of_the_real_reports(putuo_warehouse):
    warehouse = putuo_warehouse
    finance = _budget_execution(warehouse, "putuo-finance-2024.pdf")
    assert [(r[0], r[2], r[3], r[9], r[10]) for r in finance] == [
        ("2010601", D("1560.05"), D("1511.89"), "小于", True), ("2010602", D("10.00"), D("10.00"), "持平", True),
        ("2010607", D("135.90"), D("135.25"), "小于", True), ("2010608", D("450.52"), D("449.52"), "小于", True),
        ("2080501", D("85.55"), D("84.65"), "小于", True), ("2080505", D("161.62"), D("160.75"), "小于", True),
        ("2080506", D("80.81"), D("80.38"), "小于", True), ("2080599", D("0.94"), D("0.94"), "持平", True),
        ("2101101", D("62.29"), D("60.99"), "小于", True), ("2210201", D("187.75"), D("187.19"), "小于", True),
        ("2210203", D("258.50"), D("258.50"), "持平", True),
    ]
    social = _budget_execution(warehouse, "putuo-social-work-2024.pdf")
    assert [r[1] for r in social] == ["行政运行", "事业运行", "其他社会工作事务支出", "机关事业单位基本养老保险缴费支出",
                                      "机关事业单位职业年金缴费支出", "行政单位医疗", "事业单位医疗", "住房公积金", "购房补贴"]
    assert all(r[3] == r[4] for r in finance + social)
    # the total line: 年初预算 0, 全年预算 321.02, "完成年初预算的95.89%" — recomputed against 全年预算
    total = _rows(warehouse, """
        select b.budget, b.budget_full, b.final, b.stated_rate, b.computed_rate, b.computed_rate_basis,
               b.relation_agrees
        from marts.fct_budget_execution b join marts.dim_report r using (report_id)
        where r.source_file = 'putuo-social-work-2024.pdf' and b.func_level = '合计'""")
    assert total == [(D("0"), D("321.02"), D("307.82"), D("95.89"), D("95.8881"), "全年预算", True)]


def test_prior_year_from_the_change(sample_warehouse, putuo_warehouse):
    warehouse = putuo_warehouse
    sql = """
        select p.subject_key, p.direction, p.change, p.current_value, p.prior_value, p.prior_yuan, p.stated_rate,
               p.computed_rate, p.rate_agrees
        from marts.fct_prior_year p join marts.dim_report r using (report_id)
        where r.source_file = ? and p.change is not null order by p.claim_no"""
    assert _rows(sample_warehouse, sql, ["sanmenxia-2024.pdf"]) == [
        ("01 总计", "减少", D("1399.91"), D("2481.93"), D("3881.84"), D("38818400.00"), D("36.06"), D("36.0631"), True),
        ("04 总计", "减少", D("1399.91"), D("2481.93"), D("3881.84"), D("38818400.00"), D("36.06"), D("36.0631"), True),
        ("05 合计", "减少", D("1399.91"), D("2481.93"), D("3881.84"), D("38818400.00"), D("36.06"), D("36.0631"), True),
        (None, "增加", D("0.69"), D("49.97"), D("49.28"), D("492800.00"), D("1.40"), D("1.4002"), True),
    ]
    social = _rows(warehouse, sql, ["putuo-social-work-2024.pdf"])
    assert [(r[0], r[4], r[7], r[8]) for r in social] == [
        ("01 总计", D("0"), None, False), ("04 总计", D("0"), None, False), ("05 合计", D("0"), None, False),
        (None, D("0"), None, False)]


def test_department_year_gains_budget_execution_and_the_previous_year(sample_warehouse):
    rows = _rows(sample_warehouse, """
        select region, general_budget_budget_yuan, general_budget_expenditure_yuan, general_budget_execution,
               prior_grand_total_yuan, grand_total_yuan, grand_total_change_ratio,
               prior_general_budget_expenditure_yuan, general_budget_expenditure_change_ratio
        from marts.cmp_department_year order by region""")
    assert rows == [
        ("三门峡市", D("9936400.00"), D("24819300.00"), D("2.4978"), D("38818400.00"), D("24819300.00"),
         D("0.6394"), D("38818400.00"), D("0.6394")),
        # 焦作: 年初预算 1,235.33, 决算 1,641.76; 收支总计 1,642.78 after a decrease of 196.82; 05 up 194.53
        ("焦作市", D("12353300.00"), D("16417600.00"), D("1.3290"), D("18396000.00"), D("16427800.00"),
         D("0.8930"), D("14472300.00"), D("1.1344")),
    ]


def test_other_disclosures(putuo_warehouse):
    warehouse = putuo_warehouse
    rows = _rows(warehouse, """
        select o.topic, o.item, o.item_zh, o.value, o.unit, o.page
        from marts.fct_other_disclosures o join marts.dim_report r using (report_id)
        where r.source_file = 'putuo-finance-2024.pdf' and o.item in
              ('operating_costs', 'procurement_total', 'procurement_goods', 'procurement_services', 'equipment', 'score')
        order by o.claim_no, o.figure""")
    assert [(r[0], r[1], r[3], r[4]) for r in rows] == [
        ("performance", "score", D("99.43"), "分"),
        ("operating_costs", "operating_costs", D("184.65"), "万元"),
        ("operating_costs", "operating_costs", D("2.55"), "万元"),
        ("operating_costs", "operating_costs", D("1.40"), "%"),
        ("procurement", "procurement_total", D("251.25"), "万元"),
        ("procurement", "procurement_goods", D("4.79"), "万元"),
        ("procurement", "procurement_services", D("246.47"), "万元"),
        ("assets", "equipment", D("2"), "台（套）"),
    ]


def test_narrative_claims_resolve_by_name_and_line(putuo_warehouse):
    warehouse = putuo_warehouse
    rows = _rows(warehouse, """
        select c.resolution, count(*) from marts.fct_narrative_claims c join marts.dim_report r using (report_id)
        where r.source_file in ('putuo-finance-2024.pdf', 'putuo-social-work-2024.pdf') group by 1""")
    counts = dict(rows)
    assert counts["by_name"] > 20 and counts["by_line"] > 20 and "not_found" not in counts
    one = _rows(warehouse, """
        select c.subject, c.func_code, c.subject_key, c.stated_text, c.table_value, c.expected_value, c.agreement,
               c.page, c.table_page
        from marts.fct_narrative_claims c join marts.dim_report r using (report_id)
        where r.source_file = 'putuo-finance-2024.pdf' and c.claim_no = 20""")
    assert one == [("一般公共服务支出（类）", "201", "05 201", "71.73", D("71.653883"), D("71.650000"), "differs", 21, 15)]


def test_narrative_measures_cover_every_measure_the_reader_names():
    """Every measure the reader can name has its line (or its topic) in the seed narrative_measures."""
    import csv
    from pathlib import Path

    from ingest.read.narrative import vocab

    seed = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "narrative_measures.csv"
    with open(seed, newline="", encoding="utf-8") as f:
        in_seed = {row["measure"] for row in csv.DictReader(f)}
    named = {m for _, m, _ in vocab._MEASURES} | {m for _, m in vocab._PROCUREMENT}
    assert named <= in_seed, sorted(named - in_seed)
    assert set(ROW_KEYS) <= {(t, m) for t, m in ROW_KEYS}
