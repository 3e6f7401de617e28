"""Tests of the golden-data parser (tests/golden.py) itself."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from golden import (
    GoldenTable,
    expected_facts,
    load_golden,
    parse_amount,
    write_raw,
)


@pytest.fixture(scope="module")
def golden():
    return load_golden()


def test_both_reports_with_nine_tables_and_metadata(golden):
    jz, smx = golden["jiaozuo-2024"], golden["sanmenxia-2024"]
    assert (jz.region, smx.region) == ("焦作市", "三门峡市")
    assert jz.department == "焦作市行政审批和政务信息管理局"
    assert jz.department_type == smx.department_type == "行政审批和政务信息管理局"
    for rep in (jz, smx):
        assert sorted(rep.tables) == list(range(1, 10))
        assert rep.fiscal_year == 2024 and rep.unit == "万元"
        assert all(t.unit == "万元" and t.fiscal_year == 2024 for t in rep.tables.values())
        assert len(rep.report_id) == 16
    # sanmenxia captions are printed "公开 01 表"
    assert smx.tables[1].caption == "公开01表"
    assert jz.tables[6].title_zh == "一般公共预算财政拨款基本支出决算明细表"


def test_repeated_headers_dropped_and_parts_joined(golden):
    t = golden["jiaozuo-2024"].tables[1]
    assert t.n_parts == 2
    assert len(t.header_rows) == 3
    assert not any(row[0] in ("收入", "项目", "栏次") for row in t.body_rows)
    # line numbers 1..31 on the income side, in order, across both parts
    assert [int(r[1]) for r in t.body_rows] == list(range(1, 32))
    # 06's repeated header is printed with a space ("经济分类 科目编码") and is still dropped
    t6 = golden["jiaozuo-2024"].tables[6]
    assert t6.n_parts == 2 and len(t6.header_rows) == 1
    assert not any("科目编码" in c for row in t6.body_rows for c in row)


def test_header_paths_follow_merged_cells(golden):
    jz = golden["jiaozuo-2024"]
    assert jz.tables[2].header_paths()[:3] == ["项目/功能分类科目编码", "项目/科目名称", "本年收入合计"]
    assert jz.tables[7].header_paths()[2:8] == [
        "年初结转和结余", "本年收入", "本年支出/小计", "本年支出/基本支出", "本年支出/项目支出", "年末结转和结余",
    ]
    p9 = jz.tables[9].header_paths()
    assert p9[3] == "预算数/公务用车购置及运行维护费/公务用车购置费"
    assert p9[11] == "决算数/公务接待费"
    assert jz.tables[4].roles() == ["name", "line_no", "amount", "name", "line_no"] + ["amount"] * 4
    assert jz.tables[4].blocks() == [0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert golden["sanmenxia-2024"].tables[6].blocks() == [0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_header_path_of_a_vertically_merged_cell_is_not_inherited():
    t = GoldenTable(
        table_no=7, caption="公开07表", title_zh="x", unit="万元", department="d", fiscal_year=2024,
        header_rows=[["项目", "", "本年收入", "本年支出", ""], ["编码", "科目名称", "", "小计", "基本支出"],
                     ["栏次", "", "1", "2", "3"]],
        body_rows=[["", "合计", "1.00", "2.00", "3.00"]],
    )
    assert t.header_paths() == ["项目/编码", "项目/科目名称", "本年收入", "本年支出/小计", "本年支出/基本支出"]


def test_expected_facts_in_mart_terms(golden):
    jz, smx = golden["jiaozuo-2024"], golden["sanmenxia-2024"]
    f3 = expected_facts(jz, 3)
    assert (None, "basic", Decimal("1186.08")) in f3
    assert ("2010301", "total_expenditure", Decimal("1010.09")) in f3
    # 三门峡 prints the 合计 label in the code column
    assert (None, "total_income", Decimal("2481.93")) in expected_facts(smx, 2)
    # 06: 三门峡's 公用经费合计 amount sits under a name column
    f6 = expected_facts(smx, 6)
    assert (None, "公用经费合计", "公用经费", Decimal("49.97")) in f6
    assert (None, "人员经费合计", "人员经费", Decimal("580.53")) in f6
    assert ("30101", "基本工资", "人员经费", Decimal("294.49")) in f6
    f1 = expected_facts(jz, 1)
    assert ("expenditure", 32, "一般公共服务支出", "amount", Decimal("1376.91")) in f1
    assert ("income", 31, "总计", "amount", Decimal("1642.78")) in f1
    f4 = expected_facts(jz, 4)
    assert ("expenditure", 59, "本年支出合计", "general_budget", Decimal("1641.76")) in f4
    f9 = expected_facts(smx, 9)
    assert ("budget", "reception", Decimal("0.20")) in f9 and ("actual", "total", Decimal("0.12")) in f9
    # an empty table gives no amounts
    assert expected_facts(smx, 7) == []


def test_parse_amount():
    assert parse_amount("1,642.14") == Decimal("1642.14")
    assert parse_amount("-3.50") == Decimal("-3.50")
    assert parse_amount("") is None and parse_amount("-") is None
    with pytest.raises(ValueError):
        parse_amount("一般公共服务支出")


def test_write_raw_matches_the_raw_contract(golden, tmp_path):
    path = tmp_path / "golden.duckdb"  # not raw.duckdb: the catalog name would clash with schema raw
    write_raw(golden, path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        cols = {
            t: [r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = ? order by ordinal_position", [t]).fetchall()]
            for t in ("files", "reports", "report_tables", "table_columns", "cells")
        }
        assert cols["cells"] == ["report_id", "table_no", "row_no", "col_no", "row_kind", "page", "text", "confidence"]
        assert cols["table_columns"] == ["report_id", "table_no", "col_no", "block_no", "header_zh", "role"]
        assert "is_empty" in cols["report_tables"] and "error_code" in cols["files"]
        assert con.execute("select count(*) from raw.reports").fetchone()[0] == 2
        assert con.execute("select count(*) from raw.report_tables").fetchone()[0] == 18
        # empty cells are NULL, never ''
        assert con.execute("select count(*) from raw.cells where text = ''").fetchone()[0] == 0
        # the 栏次 row is a header row; the 合计 row of 02 the first body row
        rid = golden["jiaozuo-2024"].report_id
        assert con.execute(
            "select row_kind, text from raw.cells where report_id = ? and table_no = 2 and row_no = 3 "
            "and col_no = 1", [rid]).fetchone() == ("body", "合计")
        assert con.execute(
            "select count(*) from raw.report_tables where is_empty"
        ).fetchone()[0] == 4  # 07 and 08 of both reports (本表无数据)
    finally:
        con.close()
