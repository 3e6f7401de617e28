"""Round trip over generated reports: random, internally consistent reports rendered in several layouts go
through the real pipeline (camelot, DuckDB, dbt build, GX checks); every generated amount must come back
exactly, with no extra facts, the metadata right and every check passing."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from synth.compare import actual_facts, expected_facts
from synth.model import random_report
from synth.render import render

# (layout, seed, unit): a modest corpus so that `make test` stays quick; `make bench` can render more
CASES = [
    ("typeset", 101, "万元"), ("typeset", 102, "元"),
    # a row of 决算数 under every amount column of the header, as the 2025 Shanghai reports print it: 201, 202,
    # 301, 401, 501 (本年收入合计/决算数, 本年支出/小计/决算数 …)
    ("shanghai", 201, "万元"), ("shanghai", 202, "元"),
    ("spreadsheet", 301, "万元"), ("spreadsheet", 302, "元"),
    ("rotated", 401, "万元"),
    # WPS 文字: rules as thin filled rectangles (507) or runs of small rectangles (503, 508, 509), one
    # ruling per page of some tables drawn as a filled polygon the vector engine does not see (503: 06/07,
    # 507: 07/08, 508: 01/08); embedded Kai (507), Ming (508) and Hei (509) subsets or STSong-Light (503); fake
    # bold drawn twice (507, 509) or with render mode 2 (503); 01/04/07 on landscape A3 among A4 portrait
    # pages (507, 509); bar charts with a ruled data box (503, 508, 509); strings outside the page box (503,
    # 508, 509); captions 公开表01 (503, 507, 509); unit line after the caption (508); title and unit inside
    # the grid's first rows, repeated on continuation pages (507, 509)
    ("wps", 503, "元"), ("wps", 507, "元"), ("wps", 508, "万元"), ("wps", 509, "万元"),
    # Rows broken across pages (Word's and WPS's default): an amount's digits split over the break (505: 24,215.
    # | 00; 520 twice, without rulings at the break: 15,665,514. | 32), a label's last line after it (536:
    # 三、国有资本经营预算财 | 政拨款, without rulings), amounts printed after the break beside a label's rest
    # (520, 06: 对民间非营利组织 | 和群众性自治组织补贴 339,726.34 …), the rest printed under a repeated header
    # in WPS tables that flow (525: 政府性基金预算财政 | 拨款 in 04, 12,949.0 | 9 in 06)
    ("word", 520, "元"), ("word", 536, "元"), ("wps", 525, "元"),
    # Word: the tables flow, broken at any row without repeated header or caption, a page holding the end of
    # one table and the start of the next; thin-rectangle rules with a polygon in 05/09 (501), 04/07 (502),
    # 05/08 (505); Hei (501), Ming (502, 505); fake bold doubled (501, 505) or render mode 2 (502); the unit
    # line above the title (501); a chart after the last table (505); stray text (501, 502, 505)
    ("word", 501, "元"), ("word", 502, "万元"), ("word", 505, "元"),
    # Tables without vertical rulings, read from the alignment of their text: no rule at all, labels wrapped
    # in top-aligned cells, zeros printed blank (604); a 三线表 with middle-aligned cells, small font and
    # padding (606); a 三线表, top-aligned, 07/08/09 sharing pages, no repeated header (613)
    ("unruled", 604, "元"), ("unruled", 606, "万元"), ("unruled", 613, "元"),
    # a label wrapped over two lines (附属单位上 | 缴收入, 上缴上级支 | 出) between one-line labels centred on
    # its lines (经营收入, 其他收入): its first line seemed centred over its neighbours' columns and to head them
    ("unruled", 1017, "元"),
    # a WPS grid camelot finds no ruling of (14,000 tiny rectangles), read from its text, with its caption
    # wrapped in a narrow cell inside the grid: 公开表 above the 部门： line, 01 below it
    ("wps", 8004, "万元"),
    # a table without rulings whose last rows go on the next page, which starts with rows printing only a
    # label and its 行次 (国有资本经营预算财政拨款 31 | 63), then the 总计 row, the last column blank there
    ("unruled", 8017, "元"),
]


def _name(layout, seed):
    return f"{layout}-{seed}.pdf"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    reports = {}
    for layout, seed, unit in CASES:
        report = random_report(seed, unit=unit)
        render(report, folder / _name(layout, seed), layout)
        reports[_name(layout, seed)] = (layout, report)
    warehouse = folder.parent / "generated.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(warehouse), str(folder)])
    return warehouse, reports, result


def test_the_build_passes_every_check(corpus):
    _, _, result = corpus
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


def test_no_document_check_raises_an_error(corpus):
    """Generated reports are whole and consistent documents: no table missing, no placeholder, their own
    department and year, 06's 三公 items within 09's actuals."""
    warehouse, reports, _ = corpus
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        errors = con.execute("select d.source_file, r.check_name, r.subject, r.message from quality.check_results r "
                             "join marts.dim_report d using (report_id) "
                             "where r.family = 'document' and r.severity = 'error' and not r.passed").fetchall()
        ran = con.execute("select count(distinct report_id) from quality.check_results "
                          "where check_name = 'table_present' and passed").fetchone()[0]
    finally:
        con.close()
    assert errors == [] and ran == len(reports)


@pytest.mark.parametrize("layout,seed,unit", CASES)
def test_every_generated_amount_comes_back_exactly(corpus, layout, seed, unit):
    warehouse, reports, _ = corpus
    _, report = reports[_name(layout, seed)]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select report_id, region, department, department_type, fiscal_year, unit "
                          "from marts.dim_report where source_file = ?", [_name(layout, seed)]).fetchone()
        assert row is not None, f"{layout}-{seed} not loaded"
        report_id, *meta = row
        actual = actual_facts(con, report_id)
    finally:
        con.close()
    expected_meta = report.metadata()
    assert meta == [expected_meta[k] for k in ("region", "department", "department_type", "fiscal_year", "unit")]
    expected = expected_facts(report, layout)
    missing = {k: v for k, v in expected.items() if actual.get(k) != v}
    extra = {k: v for k, v in actual.items() if k not in expected}
    assert not missing, f"recall < 100%: {len(missing)} of {len(expected)} amounts not found, e.g. {list(missing.items())[:5]}"
    assert not extra, f"precision < 100%: {len(extra)} facts not generated, e.g. {list(extra.items())[:5]}"


def test_every_body_row_holds_a_label(corpus):
    """No row of amounts without a label or code beside them (the rest of a row broken across a page is
    joined to its row, never a row of its own): 三公 aside, which prints one row of amounts only."""
    warehouse, _, _ = corpus
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        orphans = con.execute("""
            select f.source_file, c.table_no, c.row_no, col.block_no, list(c.text order by c.col_no)
            from raw.cells c
            join raw.table_columns col using (report_id, table_no, col_no)
            join raw.files f using (report_id)
            where c.row_kind = 'body' and c.table_no <> 9
            group by all
            having count(c.text) filter (where col.role = 'amount') > 0
               and count(c.text) filter (where col.role <> 'amount') = 0
        """).fetchall()
    finally:
        con.close()
    assert not orphans, orphans[:5]


def test_a_stage_row_under_every_measure_stays_in_the_header_path(corpus):
    """The 决算数 printed under every amount column is the last level of each column's header path, after
    the measure's own label (the warehouse takes the stage out when it maps the measure)."""
    warehouse, _, _ = corpus
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        headers = con.execute("""
            select c.table_no, c.header_zh from raw.table_columns c join raw.files f using (report_id)
            where f.source_file = ? and c.role = 'amount' order by c.table_no, c.col_no""",
                              [_name("shanghai", 201)]).fetchall()
    finally:
        con.close()
    paths = {}
    for table_no, header in headers:
        paths.setdefault(table_no, []).append(header)
    assert paths[2][:2] == ["本年收入合计/决算数", "财政拨款收入/决算数"]
    assert paths[7] == ["年初结转和结余/决算数", "本年收入/决算数", "本年支出/小计/决算数", "本年支出/基本支出/决算数",
                        "本年支出/项目支出/决算数", "年末结转和结余/决算数"]
    assert all(h.endswith("/决算数") for n in (2, 3, 4, 5, 7, 8) for h in paths[n])
