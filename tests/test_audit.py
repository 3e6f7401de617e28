"""The audit: the document checks, quality.findings, marts.report_audit and `juesuan audit`.

One build of two reports made for the purpose, as a careless author would have published them:

* the real 中共上海市普陀区委社会工作部 2024 report (../shared/real), altered with pypdf: its 03 支出决算表
  removed (the 目录 still lists it), the 01 title printed for "上海市普陀区XX局", the 05 title for the
  city-level 中共上海市委社会工作部, the note under the blank 三公 table and the text's sentence saying there
  was no 三公 spending taken away, the 第三部分 heading and the vehicles' date (截至…12月31日) moved to 2023;
* a generated report (tests/synth, typeset) whose 06 prints 公务接待费 above the 三公 table's actual
  公务接待费 and whose 03 names another department on its 部门 line.

Then the unaltered reports (the samples and the two Putuo reports, the build conftest shares) have no
error-level document finding, and the pages of `juesuan audit --html` are read in headless Chromium,
offline: the index lists every report, a report's page shows each of its findings.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from pdfedit import Edit, alter
from synth.model import random_report
from synth.render import render

ALTERED = "putuo-social-work-2024-altered.pdf"
GENERATED = "typeset-1402-altered.pdf"
# the pages of the altered report after its 03 (pages 8 and 9) is removed
EDITS = {
    5: Edit(replace=[("收入支出决算总表", "上海市普陀区XX局收入支出决算总表")]),
    12: Edit(replace=[("一般公共预算财政拨款支出决算表", "中共上海市委社会工作部一般公共预算财政拨款支出决算表")]),
    14: Edit(erase=["注：本表反映部门本年度“三公”经费", "故本表无数据"]),
    17: Edit(replace=[("第三部分中共上海市普陀区委社会工作部2024年度部门决算情况",
                       "第三部分 中共上海市普陀区委社会工作部2023年度部门决算情况")]),
    20: Edit(erase=["2024年度无“三公”经费财政", "拨款支出。"]),
    22: Edit(replace=[("截至2024年12月31日", "截至2023年12月31日，中共上海市普陀区委社会工作部共有")]),
}
# what a missing 03 keeps from running: the checks that need it (the catalogue's `needs`)
NEEDS_03 = {("functional", "rollup_total"), ("functional", "rollup_class"), ("functional", "rollup_kuan"),
            ("functional", "row_total"), ("codes", "func_code_known"), ("codes", "func_name_matches"),
            ("summary", "class_vs_03"), ("summary", "expenditure_total_vs_03")}


def _generated_report():
    """遵义市统计局 (seed 1402): no 公务接待费 spent in 09, yet 2.50 万元 of it in 06 (taken from 30201
    办公费, so that 06 still adds up); its 03 names 遵义市审计局 on the 部门 line."""
    report = random_report(1402, unit="万元")
    assert report.t09[("actual", "reception")] == 0
    rows = {r.code: r for r in report.t06}
    rows["30201"].amount -= Decimal("2.50")
    rows["30217"].amount += Decimal("2.50")
    report.extras["table_departments"] = {3: "遵义市审计局"}
    return report


@pytest.fixture(scope="module")
def altered(tmp_path_factory, real_dir):
    inbox = tmp_path_factory.mktemp("audit_inbox")
    alter(real_dir / "putuo-social-work-2024.pdf", inbox / ALTERED, EDITS, drop_pages=(8, 9))
    render(_generated_report(), inbox / GENERATED, "typeset")
    warehouse = tmp_path_factory.mktemp("audit_built") / "warehouse.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(warehouse), str(inbox)])
    return warehouse, result


def _rows(warehouse: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _result(warehouse, source_file, check_name, subject=None):
    """(passed, severity, page, printed_value, expected_value, message, observed, expected) of the checks of
    one report, by subject."""
    rows = _rows(warehouse, """
        select c.subject, c.passed, c.severity, c.page, c.printed_value, c.expected_value, c.message,
               c.observed, c.expected
        from quality.check_results c join marts.dim_report d using (report_id)
        where d.source_file = ? and c.check_name = ?""", [source_file, check_name])
    by_subject = {r[0]: r[1:] for r in rows}
    return by_subject if subject is None else by_subject[subject]


# ------------------------------------------------------------------------------- the altered reports


def test_the_altered_reports_fail_their_checks(altered):
    warehouse, result = altered
    assert result.exit_code & 4, result.output  # a check failed at error level
    assert result.exit_code & (8 | 32) == 0, result.output
    rows = dict(_rows(warehouse, "select source_file, status || ' ' || audit_verdict from marts.dim_report"))
    assert rows == {ALTERED: "failed_checks failed", GENERATED: "failed_checks failed"}
    assert "FAIL putuo-social-work-2024-altered.pdf (page 5)  placeholder_text" in result.output


def test_a_removed_table_is_an_error_and_the_checks_that_need_it_are_not_run(altered):
    warehouse, _ = altered
    passed, severity, page, printed, _, message, *_ = _result(warehouse, ALTERED, "table_present", "03")
    assert (passed, severity, printed) == (False, "error", "not printed")
    assert "03 支出决算表 is not in the report" in message and "目录 lists it (page 2: “三、支出决算表”)" in message
    assert all(r[0] for s, r in _result(warehouse, ALTERED, "table_present").items() if s != "03")
    assert _result(warehouse, ALTERED, "toc_consistent", "03")[:2] == (False, "warning")
    not_run = _rows(warehouse, """
        select f.suite, f.check_name, f.subject, f.message, c.passed is null
        from quality.findings f join quality.check_results c using (report_id, suite, check_name, subject)
        where f.source_file = ? and f.outcome = 'not_run'""", [ALTERED])
    assert {(s, c) for s, c, *_ in not_run} == NEEDS_03
    for _, check_name, subject, message, passed_is_null in not_run:
        assert subject == "03 table missing" and passed_is_null
        assert message.startswith(f"not run: {check_name} needs 03 支出决算表, which the report does not print")
    audit = _rows(warehouse, "select errors, checks_not_run, verdict from marts.report_audit where source_file = ?",
                  [ALTERED])
    assert audit[0][1:] == (len(NEEDS_03), "failed")


def test_a_placeholder_title_is_an_error(altered):
    warehouse, _ = altered
    [(subject, (passed, severity, page, printed, _, message, *_))] = [
        item for item in _result(warehouse, ALTERED, "placeholder_text").items() if not item[1][0]
        and item[1][1] == "error"]
    assert subject.startswith("01 title p5.") and (passed, page) == (False, 5)
    assert printed == "上海市普陀区XX局收入支出决算总表"
    assert "holds the template placeholder “XX”" in message
    # the title names a department too, and not the report's
    passed, severity, *_, message, _, _ = _result(warehouse, ALTERED, "department_consistent", "01 title")
    assert (passed, severity) == (False, "warning") and "another department" in message


def test_a_blank_three_public_table_without_a_note_is_a_warning(altered):
    warehouse, _ = altered
    passed, severity, page, printed, *_ = _result(warehouse, ALTERED, "empty_table_note", "09")
    assert (passed, severity, page, printed) == (False, "warning", 12, "no note")
    # the unaltered 07 and 08 keep theirs
    assert _result(warehouse, ALTERED, "empty_table_note", "07")[0] is True


def test_a_wrong_year_in_a_heading_is_an_error_and_in_a_dated_statement_a_warning(altered):
    warehouse, _ = altered
    failed = {s: r for s, r in _result(warehouse, ALTERED, "fiscal_year_consistent").items() if not r[0]}
    assert set(failed) == {"part heading p15.0", "text p20.11"}
    passed, severity, page, printed, expected, message, *_ = failed["part heading p15.0"]
    assert (severity, page, expected) == ("error", 15, "2024年度")
    assert "2023年度部门决算情况" in printed and "names 2023, but the report is of fiscal year 2024" in message
    assert failed["text p20.11"][:2] == (False, "warning") and "截至2023年12月31日" in failed["text p20.11"][3]
    # comparisons with another year are not read as this year's (与2023年度相比 …)
    assert all(r[0] for s, r in _result(warehouse, ALTERED, "fiscal_year_consistent").items() if s not in failed)


def test_a_table_titled_for_another_department_is_a_warning(altered):
    warehouse, _ = altered
    passed, severity, page, printed, expected, message, *_ = _result(
        warehouse, ALTERED, "department_consistent", "05 title")
    assert (passed, severity, page, printed, expected) == (
        False, "warning", 10, "中共上海市委社会工作部", "中共上海市普陀区委社会工作部")
    assert "the same department at another level or of another region" in message
    results = _result(warehouse, GENERATED, "department_consistent")
    assert results["03 department line"][:2] == (False, "warning")
    assert "names “遵义市审计局”: another department than the report's “遵义市统计局”" in results["03 department line"][5]
    assert all(r[0] for s, r in results.items() if s != "03 department line") and len(results) == 9


def test_06_items_above_the_three_public_actuals_are_an_error(altered):
    warehouse, _ = altered
    results = _result(warehouse, GENERATED, "three_public_vs_economic")
    passed, severity, page, printed, expected_text, message, observed, expected = results["06 30217"]
    assert (passed, severity, printed) == (False, "error", "2.50 万元")
    assert (observed, expected) == (Decimal("25000.00"), Decimal("0.00"))  # in 元
    assert "is more than the whole 三公 公务接待费 actually spent in 09" in message
    assert all(r[0] for s, r in results.items() if s != "06 30217")


def test_findings_are_ranked_by_severity(altered):
    warehouse, _ = altered
    for (source_file,) in _rows(warehouse, "select source_file from marts.report_audit"):
        ranks = _rows(warehouse, "select rank, outcome, severity from quality.findings where source_file = ? "
                                 "order by rank", [source_file])
        assert [r[0] for r in ranks] == list(range(1, len(ranks) + 1))
        order = [0 if o == "failed" and s == "error" else 1 if o == "failed" else 2 for _, o, s in ranks]
        assert order == sorted(order), source_file
        counts = _rows(warehouse, "select errors, warnings, checks_not_run from marts.report_audit "
                                  "where source_file = ?", [source_file])[0]
        assert counts == (order.count(0), order.count(1), order.count(2))


# ------------------------------------------------------------------- the unaltered reports: no error


def test_real_and_sample_reports_have_no_error_level_document_finding(putuo_warehouse):
    findings = _rows(putuo_warehouse, """
        select source_file, outcome, severity, check_name, subject, message from quality.findings
        where family = 'document' order by source_file, rank""")
    assert [f for f in findings if f[2] == "error"] == []
    # what they do show: the social-work report left the template's instruction under its 07 and 08
    assert {(f[0], f[3], f[4]) for f in findings} == {
        ("putuo-social-work-2024.pdf", "placeholder_text", "07 table text p15.17"),
        ("putuo-social-work-2024.pdf", "placeholder_text", "08 table text p16.17"),
    }
    assert all("作下述说明" in f[5] for f in findings)
    verdicts = dict(_rows(putuo_warehouse, "select source_file, verdict from marts.report_audit"))
    # the two Putuo reports fail on the real mistakes of their narratives (tests/test_narrative_checks.py),
    # not on a document check
    assert verdicts == {"jiaozuo-2024.pdf": "passed", "sanmenxia-2024.pdf": "passed",
                        "putuo-finance-2024.pdf": "failed", "putuo-social-work-2024.pdf": "failed"}
    failing_families = set(_rows(putuo_warehouse, """
        select distinct family from quality.findings where severity = 'error' and outcome = 'failed'"""))
    assert failing_families == {("narrative",)}


def test_the_contents_of_every_unaltered_report_list_its_nine_tables(putuo_warehouse):
    """raw.contents: the 目录 read row by row (a wrapped entry joined), each table entry with its table."""
    rows = _rows(putuo_warehouse, """
        select f.source_file, list(c.table_no order by c.entry_no) filter (where c.table_no is not null),
               count(*) filter (where c.part_no is null), max(c.text) filter (where c.entry_no = 14)
        from raw.contents c join raw.reports f using (report_id) group by f.source_file""")
    tables = {r[0]: r[1] for r in rows}
    assert tables["putuo-finance-2024.pdf"] == [1, 2, 3, 4, 5, 6, 9, 7, 8]  # 三公 is seventh in Putuo
    assert tables["jiaozuo-2024.pdf"] == tables["sanmenxia-2024.pdf"] == list(range(1, 10))
    assert sorted(tables["putuo-social-work-2024.pdf"]) == list(range(1, 10))
    assert all(r[2] == 0 for r in rows)  # every entry is under a part
    wrapped = [r[3] for r in rows if r[0] == "putuo-social-work-2024.pdf"]
    assert wrapped == ["第三部分 中共上海市普陀区委社会工作部2024年度部门决算情况说明"]


# ----------------------------------------------------------------------------------- juesuan audit


def test_audit_prints_every_finding_as_text(altered):
    warehouse, _ = altered
    result = CliRunner().invoke(cli, ["audit", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    findings = _rows(warehouse, "select source_file, section, check_name, subject, message from quality.findings")
    for source_file, section, check_name, subject, message in findings:
        assert f"  {check_name}  {subject}" in result.output and message in result.output
        assert f"  {section}\n" in result.output
    one = CliRunner().invoke(cli, ["audit", "-w", str(warehouse), "--report", GENERATED])
    assert one.exit_code == 0 and GENERATED in one.output and ALTERED not in one.output


def test_audit_usage_errors(altered, tmp_path):
    warehouse, _ = altered
    missing = CliRunner().invoke(cli, ["audit", "-w", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "no warehouse at" in missing.output
    html_without_dir = CliRunner().invoke(cli, ["audit", "-w", str(warehouse), "--format", "html"])
    assert html_without_dir.exit_code == 2 and "--html DIR" in html_without_dir.output
    unknown = CliRunner().invoke(cli, ["audit", "-w", str(warehouse), "--report", "nothing.pdf"])
    assert unknown.exit_code == 2 and "no report matches nothing.pdf" in unknown.output


@pytest.fixture(scope="module")
def audit_site(altered, putuo_warehouse, tmp_path_factory):
    """`juesuan audit --html` of the altered build and of the unaltered one, in one folder each."""
    sites = {}
    for name, warehouse in (("altered", altered[0]), ("putuo", putuo_warehouse)):
        out = tmp_path_factory.mktemp(f"audit_{name}")
        result = CliRunner().invoke(cli, ["audit", "--warehouse", str(warehouse), "--html", str(out)])
        assert result.exit_code == 0, result.output
        sites[name] = (warehouse, out)
    return sites


def test_the_pages_load_nothing_from_elsewhere(audit_site):
    for _, out in audit_site.values():
        for page in out.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", text), page
            assert "<link" not in text and "@import" not in text and "url(" not in text, page


# the Data Docs tests' headless Chromium, network off (a module-scoped fixture: one browser here too)
from test_data_docs import browser  # noqa: E402,F401


def _open(browser, path: Path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return context, page, requests, errors


@pytest.mark.parametrize("site", ["altered", "putuo"])
def test_the_index_lists_every_report_and_sorts_by_errors(browser, audit_site, site):
    warehouse, out = audit_site[site]
    audits = _rows(warehouse, "select source_file, errors from marts.report_audit")
    context, page, requests, errors = _open(browser, out / "index.html")
    try:
        rows = page.locator("#reports tbody tr")
        assert rows.count() == len(audits)
        listed = [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
        assert sorted(listed) == sorted(a[0] for a in audits)

        def errors_column():
            return [int(rows.nth(i).locator("td.errors").inner_text()) for i in range(rows.count())]

        assert errors_column() == sorted(errors_column(), reverse=True)  # most errors first
        page.click("#sort-errors")
        assert errors_column() == sorted(a[1] for a in audits)
        page.click("#sort-errors")
        assert errors_column() == sorted((a[1] for a in audits), reverse=True)
        assert [r for r in requests if not r.startswith("file://")] == [] and errors == []
    finally:
        context.close()


@pytest.mark.parametrize("site", ["altered", "putuo"])
def test_a_report_page_shows_each_finding(browser, audit_site, site):
    warehouse, out = audit_site[site]
    for report_id, source_file in _rows(warehouse, "select report_id, source_file from marts.report_audit"):
        findings = _rows(warehouse, "select rank, page, subject, printed_value, expected_value, section "
                                    "from quality.findings where report_id = ? order by rank", [report_id])
        index_context, index, *_ = _open(browser, out / "index.html")
        try:
            href = index.locator("#reports tbody tr", has_text=source_file).locator("a").get_attribute("href")
        finally:
            index_context.close()
        context, page, requests, errors = _open(browser, out / href)
        try:
            rows = page.locator("tr.finding")
            assert rows.count() == len(findings), source_file
            sections = [h.inner_text() for h in page.locator("section h2").all()]
            assert sorted(sections) == sorted({f[5] for f in findings})
            for rank, page_no, subject, printed, expected, _ in findings:
                row = page.locator(f"tr.finding[data-rank='{rank}']")
                assert row.locator("td.subject").inner_text() == subject
                assert row.locator("td.page").inner_text() == ("" if page_no is None else str(page_no))
                assert row.locator("td.printed").inner_text() == (printed or "")
                assert row.locator("td.expected").inner_text() == (expected or "")
            if not findings:
                assert "Every check ran and passed." in page.inner_text("body")
            else:  # the filters hide and show one level of findings
                warnings = page.locator("tr.finding.warning")
                n = warnings.count()
                if n:
                    page.uncheck(".filters input[value='warning']")
                    assert all(warnings.nth(i).is_hidden() for i in range(n))
                    page.check(".filters input[value='warning']")
                    assert all(warnings.nth(i).is_visible() for i in range(n))
            assert [r for r in requests if not r.startswith("file://")] == [] and errors == []
        finally:
            context.close()
