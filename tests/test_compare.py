"""The comparison marts and the provenance view on a real `juesuan build` of the two sample reports.

Expected amounts are the published ones (公开表 of the samples, in 万元 × 10000); shares are checked
against Decimal arithmetic on the marts' own amounts.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
MARTS_DIR = ROOT / "dbt_project" / "models" / "marts"

JIAOZUO, SANMENXIA = "焦作市", "三门峡市"


@pytest.fixture(scope="module")
def con(sample_warehouse):
    connection = duckdb.connect(str(sample_warehouse), read_only=True)
    yield connection
    connection.close()


def _rows(con, sql, params=None) -> list[dict]:
    cursor = con.cursor()
    cursor.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _by_region(con) -> dict[str, dict]:
    return {r["region"]: r for r in _rows(con, "select * from marts.cmp_department_year")}


def test_department_year_one_row_per_report(con):
    assert con.execute("select count(*) from marts.cmp_department_year").fetchone() == \
        con.execute("select count(*) from marts.dim_report").fetchone() == (2,)
    rows = _by_region(con)
    assert set(rows) == {JIAOZUO, SANMENXIA}
    assert {r["department_type"] for r in rows.values()} == {"行政审批和政务信息管理局"}


def test_department_year_amounts_are_the_published_ones(con):
    rows = _by_region(con)
    d = Decimal
    expected = {
        JIAOZUO: dict(total_income_yuan=d("16421400.00"), fiscal_appropriation_yuan=d("16417600.00"),
                      total_expenditure_yuan=d("16421400.00"), basic_yuan=d("11860800.00"),
                      project_yuan=d("4560600.00"), personnel_yuan=d("11220800.00"),
                      operating_yuan=d("636200.00"), three_public_budget_yuan=d("60400.00"),
                      three_public_actual_yuan=d("60400.00"), opening_balance_yuan=d("6400.00"),
                      closing_balance_yuan=d("6400.00")),
        SANMENXIA: dict(total_income_yuan=d("24819300.00"), fiscal_appropriation_yuan=d("24819300.00"),
                        total_expenditure_yuan=d("24819300.00"), basic_yuan=d("6305000.00"),
                        project_yuan=d("18514400.00"), personnel_yuan=d("5805300.00"),
                        operating_yuan=d("499700.00"), three_public_budget_yuan=d("2000.00"),
                        three_public_actual_yuan=d("1200.00"), opening_balance_yuan=d("0.00"),
                        closing_balance_yuan=d("0.00")),
    }
    for region, amounts in expected.items():
        got = {k: rows[region][k] for k in amounts}
        assert got == amounts, region


def test_department_year_shares(con):
    q = Decimal("0.0001")
    for r in _by_region(con).values():
        assert r["personnel_share"] == (r["personnel_yuan"] / (r["personnel_yuan"] + r["operating_yuan"])
                                        ).quantize(q, ROUND_HALF_UP)
        assert r["project_share"] == (r["project_yuan"] / r["total_expenditure_yuan"]).quantize(q, ROUND_HALF_UP)
        assert r["fiscal_appropriation_share"] == (
            r["fiscal_appropriation_yuan"] / r["total_income_yuan"]).quantize(q, ROUND_HALF_UP)
    rows = _by_region(con)
    assert rows[JIAOZUO]["personnel_share"] == Decimal("0.9463")
    assert rows[SANMENXIA]["project_share"] == Decimal("0.7460")


@pytest.mark.parametrize(
    "table, column, data_type",
    [
        ("cmp_department_year", "total_expenditure_yuan", "DECIMAL(20,2)"),
        ("cmp_department_year", "personnel_share", "DECIMAL(9,4)"),
        ("cmp_department_year", "fiscal_year", "INTEGER"),
        ("cmp_functional_class", "share_of_total", "DECIMAL(9,4)"),
        ("cmp_functional_class", "func_code", "VARCHAR"),
        ("cmp_department_yoy", "change_yuan", "DECIMAL(20,2)"),
        ("cmp_department_yoy", "change_ratio", "DECIMAL(18,4)"),
        ("v_fact_provenance", "amount", "DECIMAL(18,2)"),
        ("v_fact_provenance", "page", "INTEGER"),
    ],
)
def test_column_types(con, table, column, data_type):
    got = con.execute(
        "select data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = ? and column_name = ?", [table, column]).fetchall()
    assert got == [(data_type,)]


def test_functional_class_levels_add_up(con):
    totals = con.execute("""
        select report_id, func_level, sum(amount_yuan), any_value(report_total_yuan), sum(share_of_total)
        from marts.cmp_functional_class
        group by report_id, func_level
    """).fetchall()
    levels = {(rid, level) for rid, level, *_ in totals}
    assert {level for _, level in levels} == {"类", "款", "项"}
    for rid, level, amount, report_total, shares in totals:
        if level == "类":  # the classes make up the report's total (公开03表 合计)
            assert amount == report_total, rid
            assert abs(shares - 1) <= Decimal("0.0001") * 10, (rid, shares)
    # 焦作: 201 一般公共服务支出 13,769,100 元 of 16,421,400
    row = _rows(con, """select c.* from marts.cmp_functional_class c join marts.dim_report d using (report_id)
                        where d.region = ? and c.func_code = '201'""", [JIAOZUO])[0]
    assert (row["func_level"], row["func_name"], row["amount_yuan"], row["share_of_total"]) == \
        ("类", "一般公共服务支出", Decimal("13769100.00"), Decimal("0.8385"))
    # every 款 and 项 names its 类, printed in the same report
    orphans = con.execute("""
        select count(*) from marts.cmp_functional_class
        where class_name is null or not starts_with(func_code, class_code)
    """).fetchone()
    assert orphans == (0,)


def test_functional_class_matches_fct_functional(con):
    """Every 类/款/项 row of 公开03表 is there once, with its printed amounts."""
    diff = con.execute("""
        with facts as (
            select report_id, func_code, measure, amount_yuan from marts.fct_functional
            where table_no = 3 and func_level <> '合计' and measure in ('total_expenditure', 'basic', 'project')
        ),
        compared as (
            select report_id, func_code, 'total_expenditure' as measure, amount_yuan from marts.cmp_functional_class
            union all
            select report_id, func_code, 'basic', basic_yuan from marts.cmp_functional_class
            union all
            select report_id, func_code, 'project', project_yuan from marts.cmp_functional_class
        )
        select (select count(*) from (select * from facts except all select * from compared)),
               (select count(*) from (select * from compared except all select * from facts))
    """).fetchone()
    assert diff == (0, 0)


def test_yoy_is_empty_on_one_year(con):
    assert con.execute("select count(*) from marts.cmp_department_yoy").fetchone() == (0,)


def test_yoy_model_sql_pairs_a_prior_year(sample_warehouse, tmp_path):
    """The model's own SQL on the sample build plus a made-up 2023 report of 焦作's department."""
    copy = tmp_path / "yoy.duckdb"
    shutil.copy(sample_warehouse, copy)
    sql = (MARTS_DIR / "cmp_department_yoy.sql").read_text(encoding="utf-8")
    sql = sql.replace("{{ ref('cmp_department_year') }}", "marts.cmp_department_year")
    assert "{{" not in sql
    con = duckdb.connect(str(copy))
    try:
        con.execute("""
            insert into marts.cmp_department_year (report_id, region, department, department_type, fiscal_year,
                                                   total_expenditure_yuan, personnel_yuan, project_yuan)
            select 'prior', region, department, department_type, 2023, 15000000.00, 11220800.00, 0
            from marts.cmp_department_year where region = '焦作市'
        """)
        rows = {r[0]: r[1:] for r in con.execute(
            f"select measure, prior_report_id, amount_yuan, prior_amount_yuan, change_yuan, change_ratio "
            f"from ({sql})").fetchall()}
    finally:
        con.close()
    assert rows["total_expenditure"] == ("prior", Decimal("16421400.00"), Decimal("15000000.00"),
                                         Decimal("1421400.00"), Decimal("1.0948"))
    assert rows["personnel"][3:] == (Decimal("0.00"), Decimal("1.0000"))
    assert rows["project"][3:] == (Decimal("4560600.00"), None)  # prior year 0: no ratio
    assert rows["three_public_actual"][1:] == (Decimal("60400.00"), None, None, None)
    assert len(rows) == 11  # every measure is printed in 焦作 2024, so none is blank in both years


def test_provenance_covers_every_fact(con):
    counts = dict(con.execute(
        "select fact_table, count(*) from marts.v_fact_provenance group by fact_table").fetchall())
    for table in ("fct_functional", "fct_economic", "fct_summary", "fct_three_public"):
        assert counts[table] == con.execute(f"select count(*) from marts.{table}").fetchone()[0], table
    bad = con.execute("""
        select count(*) from marts.v_fact_provenance p join marts.dim_report d using (report_id)
        where p.source_file <> d.source_file or p.page is null
           or p.page not between p.table_first_page and p.table_last_page
    """).fetchone()
    assert bad == (0,)


def test_provenance_of_one_number(con):
    """焦作's 三公 actual total: 公开09表 of jiaozuo-2024.pdf, on the page that table is printed on."""
    rows = _rows(con, """
        select p.* from marts.v_fact_provenance p
        where p.fact_table = 'fct_three_public' and p.row_key = 'total' and p.measure = 'actual'
          and p.region = ?""", [JIAOZUO])
    assert len(rows) == 1
    row = rows[0]
    assert row["amount"] == Decimal("6.04") and row["unit"] == "万元"
    assert row["source_file"].endswith(".pdf") and len(row["sha256"]) == 64
    first, last = con.execute(
        "select first_page, last_page from marts.report_tables where report_id = ? and table_no = 9",
        [row["report_id"]]).fetchone()
    assert first <= row["page"] <= last
    assert "三公" in row["table_title_zh"]
