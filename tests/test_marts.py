"""The marts against the published text of the sample reports.

Every amount of every table in `/work/shared/samples/*.txt` must be in the marts exactly once with the
right keys, and the marts must hold no other non-NULL amount. Two warehouses are checked:

* `golden_warehouse`: the golden tables written into `raw` by `golden.write_raw` and built by
  `ingest.transform.run_dbt` (exercises the dbt models independent of PDF extraction);
* `sample_warehouse` (from tests/conftest.py): a real `juesuan build` of both sample PDFs.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from golden import (
    FUNCTIONAL_TABLES,
    SUMMARY_TABLES,
    GoldenReport,
    expected_facts,
    load_golden,
    write_raw,
)
from ingest.build.dbt import run_dbt
from ingest.cli.render import format_dbt

ROOT = Path(__file__).resolve().parents[1]
WAREHOUSE_DOC = ROOT / "docs" / "warehouse.md"


@pytest.fixture(scope="session")
def golden() -> dict[str, GoldenReport]:
    return load_golden()


@pytest.fixture(scope="session")
def golden_build(tmp_path_factory, golden):
    tmp = tmp_path_factory.mktemp("golden_warehouse")
    path = tmp / "warehouse.duckdb"
    write_raw(golden, path)
    outcome = run_dbt(path, target_path=tmp / "target", log_path=tmp / "logs")
    return path, outcome


@pytest.fixture(scope="session")
def golden_warehouse(golden_build) -> Path:
    path, outcome = golden_build
    assert outcome.success, format_dbt(outcome)
    return path


# ------------------------------------------------------------------------------------------ helpers

def _report_id(con, rep: GoldenReport) -> str:
    rows = con.execute(
        "select report_id from marts.dim_report where department = ? and fiscal_year = ?",
        [rep.department, rep.fiscal_year],
    ).fetchall()
    assert len(rows) == 1, f"{rep.department} {rep.fiscal_year}: {len(rows)} reports in dim_report"
    return rows[0][0]


def _actual_facts(con, report_id: str, table_no: int) -> list[tuple]:
    """Non-NULL amounts of one table in the marts, in the tuple shape of golden.expected_facts."""
    if table_no in FUNCTIONAL_TABLES:
        sql = """select func_code, measure, amount from marts.fct_functional
                 where report_id = ? and table_no = ? and amount is not null"""
        return con.execute(sql, [report_id, table_no]).fetchall()
    if table_no == 6:
        sql = """select econ_code, econ_name, expense_group, amount from marts.fct_economic
                 where report_id = ? and amount is not null"""
        return con.execute(sql, [report_id]).fetchall()
    if table_no in SUMMARY_TABLES:
        sql = """select side, line_no, item_zh, measure, amount from marts.fct_summary
                 where report_id = ? and table_no = ? and amount is not null"""
        return con.execute(sql, [report_id, table_no]).fetchall()
    sql = """select stage, item, amount from marts.fct_three_public
             where report_id = ? and amount is not null"""
    return con.execute(sql, [report_id]).fetchall()


def assert_marts_match_golden(path: Path, golden: dict[str, GoldenReport]) -> None:
    con = duckdb.connect(str(path), read_only=True)
    try:
        problems = []
        n_reports = con.execute("select count(*) from marts.dim_report").fetchone()[0]
        assert n_reports == len(golden)
        for rep in golden.values():
            rid = _report_id(con, rep)
            region, department_type, unit = con.execute(
                "select region, department_type, unit from marts.dim_report where report_id = ?", [rid]
            ).fetchone()
            assert (region, department_type, unit) == (rep.region, rep.department_type, rep.unit)
            tables = {r[0]: (r[1], r[2]) for r in con.execute(
                "select table_no, title_zh, is_empty from marts.report_tables where report_id = ?",
                [rid]).fetchall()}
            assert set(tables) == set(rep.tables), f"{rep.key}: tables {sorted(tables)}"
            for table_no, t in rep.tables.items():
                assert tables[table_no] == (t.title_zh, t.is_empty), (rep.key, table_no, tables[table_no])
            for table_no in sorted(rep.tables):
                expected = Counter(expected_facts(rep, table_no))
                actual = Counter(_actual_facts(con, rid, table_no))
                missing = expected - actual
                extra = actual - expected
                if missing or extra:
                    problems.append(
                        f"{rep.key} 公开{table_no:02d}表: {sum(missing.values())} golden amounts missing "
                        f"(e.g. {sorted(missing, key=str)[:3]}), {sum(extra.values())} other amounts "
                        f"(e.g. {sorted(extra, key=str)[:3]})"
                    )
        # nothing from tables outside their fact table
        stray = con.execute(
            "select count(*) from marts.fct_functional where table_no not in (2, 3, 5, 7, 8)"
        ).fetchone()[0] + con.execute(
            "select count(*) from marts.fct_summary where table_no not in (1, 4)"
        ).fetchone()[0]
        assert stray == 0
        assert not problems, "\n".join(problems)
    finally:
        con.close()


# ------------------------------------------------------------------------------------------ tests

def test_dbt_build_green_on_golden_raw(golden_build):
    _, outcome = golden_build
    assert outcome.success, format_dbt(outcome)
    assert outcome.models_failed == 0 and outcome.tests_failed == 0
    assert outcome.models_passed >= 7  # the seven marts at least
    assert outcome.tests_passed > 50


def test_run_dbt_reports_failing_tests_without_raising(tmp_path, golden):
    """A header no measure label covers fails a data test; run_dbt returns it instead of raising."""
    path = tmp_path / "warehouse.duckdb"
    write_raw(golden, path)
    con = duckdb.connect(str(path))
    con.execute("update raw.table_columns set header_zh = '本年支出/未知列' where table_no = 5 and col_no = 2")
    con.close()
    outcome = run_dbt(path, target_path=tmp_path / "target", log_path=tmp_path / "logs")
    assert not outcome.success
    names = {f.name for f in outcome.failures}
    assert "not_null_int_columns_measured_measure" in names, format_dbt(outcome)
    failure = next(f for f in outcome.failures if f.name == "not_null_int_columns_measured_measure")
    assert failure.status == "fail" and failure.failures == 2  # one column in each report
    assert outcome.models_failed == 0


def test_marts_on_golden_raw(golden_warehouse, golden):
    assert_marts_match_golden(golden_warehouse, golden)


def test_marts_hold_every_published_amount(sample_warehouse, golden):
    """After a real `juesuan build` of both sample PDFs."""
    assert_marts_match_golden(Path(sample_warehouse), golden)


def test_expected_facts_cover_every_printed_amount(golden):
    """The comparison above is only as good as expected_facts: it must account for every amount cell."""
    amount_re = re.compile(r"^-?[\d,]+\.\d{2}$")
    for rep in golden.values():
        for table_no, t in rep.tables.items():
            printed = sum(1 for row in t.body_rows for cell in row if amount_re.match(cell.replace(" ", "")))
            assert len(expected_facts(rep, table_no)) == printed, (rep.key, table_no)


@pytest.mark.parametrize(
    "table, column, data_type",
    [
        ("fct_functional", "amount", "DECIMAL(18,2)"),
        ("fct_functional", "amount_yuan", "DECIMAL(20,2)"),
        ("fct_functional", "func_code", "VARCHAR"),
        ("fct_economic", "amount", "DECIMAL(18,2)"),
        ("fct_economic", "econ_code", "VARCHAR"),
        ("fct_summary", "amount", "DECIMAL(18,2)"),
        ("fct_summary", "line_no", "INTEGER"),
        ("fct_three_public", "amount_yuan", "DECIMAL(20,2)"),
        ("report_tables", "is_empty", "BOOLEAN"),
        ("dim_report", "fiscal_year", "INTEGER"),
    ],
)
def test_mart_column_types(golden_warehouse, table, column, data_type):
    con = duckdb.connect(str(golden_warehouse), read_only=True)
    try:
        got = con.execute(
            "select data_type from information_schema.columns "
            "where table_schema = 'marts' and table_name = ? and column_name = ?",
            [table, column],
        ).fetchone()
    finally:
        con.close()
    assert got == (data_type,)


def test_amount_yuan_and_blank_cells(golden_warehouse):
    con = duckdb.connect(str(golden_warehouse), read_only=True)
    try:
        for table in ("fct_functional", "fct_economic", "fct_summary", "fct_three_public"):
            bad = con.execute(
                f"select count(*) from marts.{table} where amount_yuan is distinct from amount * 10000"
            ).fetchone()[0]
            assert bad == 0, table
        # 三门峡 prints 公开07表 with an empty 合计 row: NULL amounts, never 0
        rows = con.execute(
            """select f.measure, f.amount from marts.fct_functional f
               join marts.dim_report d using (report_id)
               where d.region = '三门峡市' and f.table_no = 7"""
        ).fetchall()
        assert len(rows) == 6 and all(amount is None for _, amount in rows)
        # the 合计 row has no code and level 合计; 焦作 公开03表 基本支出 合计 is 1,186.08
        assert con.execute(
            """select f.amount from marts.fct_functional f join marts.dim_report d using (report_id)
               where d.region = '焦作市' and f.table_no = 3 and f.func_level = '合计' and f.measure = 'basic'
                 and f.func_code is null"""
        ).fetchone() == (Decimal("1186.08"),)
        # expenditure lines of 01 link to their 类
        assert con.execute(
            """select distinct func_class_code from marts.fct_summary
               where table_no = 1 and item_zh = '一般公共服务支出'"""
        ).fetchall() == [("201",)]
    finally:
        con.close()


def _doc_queries() -> list[str]:
    text = WAREHOUSE_DOC.read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_warehouse_doc_has_example_queries():
    assert len(_doc_queries()) >= 5


@pytest.mark.parametrize("index", range(len(_doc_queries()) if WAREHOUSE_DOC.exists() else 0))
def test_warehouse_doc_query_runs(golden_warehouse, index):
    query = _doc_queries()[index]
    con = duckdb.connect(str(golden_warehouse), read_only=True)
    try:
        rows = con.execute(query).fetchall()
    finally:
        con.close()
    assert rows, f"query {index + 1} of docs/warehouse.md returned no rows:\n{query}"


def test_warehouse_doc_queries_run_on_sample_build(sample_warehouse):
    """The same example queries against a real `juesuan build` of the sample PDFs."""
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        for index, query in enumerate(_doc_queries()):
            assert con.execute(query).fetchall(), f"query {index + 1} of docs/warehouse.md returned no rows"
    finally:
        con.close()
