"""The two real 上海市普陀区 reports (ONLYOFFICE and WPS): no captions, another order, split code columns,
two-block 06, paired 三公 columns. All nine tables are found and every amount printed on a table page is in
the raw cells of that page, as printed. Beside them, the department's 2025 budget (部门预算) fails as such."""

from __future__ import annotations

import re
from collections import Counter

import duckdb
import pypdfium2 as pdfium
import pytest

AMOUNT = re.compile(r"(?<![\d,.])-?\d{1,3}(?:,\d{3})*\.\d{2}(?![\d])|(?<![\d,.])-?\d+\.\d{2}(?![\d])")
BUDGET = "putuo-commerce-2025-budget.pdf"
REAL = {
    "putuo-finance-2024.pdf": ("上海市普陀区", "上海市普陀区财政局", "财政局"),
    "putuo-social-work-2024.pdf": ("上海市普陀区", "中共上海市普陀区委社会工作部", "区委社会工作部"),
}


@pytest.fixture(scope="module")
def real_raw(tmp_path_factory, real_dir):
    from ingest.build.ingest import ingest

    path = tmp_path_factory.mktemp("real") / "w.duckdb"
    summary = ingest([real_dir], path, jobs=2)
    assert [f for f, _ in summary.failed] == [BUDGET], summary.failed
    assert sorted(summary.loaded) == sorted(REAL)
    return path


def test_the_budget_report_fails_as_a_budget_report(real_raw):
    status, code, error = _query(real_raw, "select status, error_code, error from raw.files where source_file = ?",
                                 [BUDGET])[0]
    assert (status, code) == ("failed", "budget_report")
    assert "a 部门预算 report; juesuan reads final accounts" in error


def _query(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("name", sorted(REAL))
def test_all_nine_tables_found_with_metadata(real_raw, name):
    region, department, _ = REAL[name]
    rid, meta_region, meta_dept, year, unit = _query(
        real_raw, "select r.report_id, region, department, fiscal_year, unit from raw.reports r "
                  "join raw.files f using (report_id) where f.source_file = ?", [name])[0]
    assert (meta_region, meta_dept, year, unit) == (region, department, 2024, "万元")
    tables = dict(_query(real_raw, "select table_no, is_empty from raw.report_tables where report_id = ?", [rid]))
    assert sorted(tables) == list(range(1, 10))
    # 07 and 08 are published blank in both; the others hold amounts
    assert tables[7] and tables[8]
    assert not any(tables[n] for n in (1, 2, 3, 4, 5, 6))
    # 三公 is the seventh table printed, before 07 and 08
    pages = dict(_query(real_raw, "select table_no, first_page from raw.report_tables where report_id = ?", [rid]))
    assert pages[6] < pages[9] < pages[7] < pages[8]


@pytest.mark.parametrize("name", sorted(REAL))
def test_every_amount_printed_on_a_table_page_is_in_the_cells(real_raw, real_dir, name):
    rid = _query(real_raw, "select report_id from raw.files where source_file = ?", [name])[0][0]
    cells = _query(real_raw, "select page, text from raw.cells where report_id = ? and row_kind = 'body' "
                             "and text is not null", [rid])
    by_page: dict[int, Counter] = {}
    for page, text in cells:
        for amount in AMOUNT.findall(text):
            by_page.setdefault(page, Counter())[amount] += 1
    pdf = pdfium.PdfDocument(str(real_dir / name))
    try:
        checked = 0
        for page, found in sorted(by_page.items()):
            printed = Counter(AMOUNT.findall(pdf[page - 1].get_textpage().get_text_range()))
            assert found == printed, f"page {page}"
            checked += sum(printed.values())
    finally:
        pdf.close()
    assert checked > 60


def test_split_code_columns_and_two_block_06(real_raw):
    rid = _query(real_raw, "select report_id from raw.files where source_file = 'putuo-finance-2024.pdf'")[0][0]
    roles = _query(real_raw, "select table_no, role, block_no from raw.table_columns where report_id = ? "
                             "order by table_no, col_no", [rid])
    t3 = [r[1] for r in roles if r[0] == 3][:4]
    assert t3 == ["code_class", "code_kuan", "code_xiang", "name"]
    t6 = [(r[1], r[2]) for r in roles if r[0] == 6]
    assert t6 == [("code_class", 0), ("code_kuan", 0), ("name", 0), ("amount", 0),
                  ("code_class", 1), ("code_kuan", 1), ("name", 1), ("amount", 1)]
    row = _query(real_raw, "select list(text order by col_no) from raw.cells where report_id = ? and table_no = 3 "
                           "and row_kind = 'body' group by row_no having list(text order by col_no)[3] = '01' "
                           "order by row_no limit 1", [rid])[0][0]
    assert row[:4] == ["201", "06", "01", "行政运行"] and row[4] == "1,511.89"
