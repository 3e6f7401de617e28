"""Reconciliation checks: dbt check models + GX validation in ingest/build/checks.py.

* both sample reports pass every check — on a warehouse built by `dbt build` from the golden raw data
  (the published .txt tables written as raw.* by tests/golden.py), and on the lead's `sample_warehouse`
  (a real `juesuan build` of both sample PDFs) when conftest.py provides it;
* one altered amount (a 项 in 03, a line in 06, a cell in 09) in a copy of the golden raw data, rebuilt,
  is reported at exactly the subjects whose invariant contains that cell, and nowhere else;
* the tolerance edges: n addends each off by 0.005 pass, one more cent fails (the macro itself through
  DuckDB, and the whole path dbt → GX on a hand-built mart).
"""

from __future__ import annotations

import shutil
from decimal import Decimal, ROUND_CEILING
from pathlib import Path

import duckdb
import jinja2
import pytest

from ingest.build.checks import ChecksInvalid, CheckFailure, COLUMNS, run_checks, validate
from ingest.cli.render import format_checks, format_dbt
from ingest.build.dbt import DEFAULT_PROJECT_DIR, run_dbt
from ingest.warehouse import schema
from golden import write_raw  # tests/ is on sys.path (conftest.py)

# Every check the dbt models implement; each must produce rows on the samples (a check that silently
# evaluates nothing would pass forever).
ALL_CHECKS = {
    "functional": {"rollup_total", "rollup_class", "rollup_kuan", "row_total", "fund_balance"},
    "economic": {"rollup_class", "personnel_total", "public_total", "basic_vs_06"},
    "summary": {"line_sum", "grand_total", "totals_equal", "opening_detail", "row_total", "class_vs_03",
                "income_total_vs_02", "expenditure_total_vs_03", "class_vs_05", "appropriation_vs_01"},
    "three_public": {"three_public_total", "three_public_vehicles"},
    "codes": {"func_code_known", "func_name_matches", "econ_code_known", "econ_name_matches"},
    "narrative": {"narrative_amount", "narrative_share", "narrative_yoy", "narrative_budget_final",
                  "narrative_consistency", "narrative_rounding"},
}
# The document checks read the printed text (raw.text_lines, raw.contents), which a golden-raw warehouse
# does not have: only the warehouses built from the PDFs evaluate all of them.
DOCUMENT_CHECKS = {"table_present", "empty_table_note", "placeholder_text", "department_consistent",
                   "fiscal_year_consistent", "toc_consistent", "three_public_vs_economic"}


def _build(raw: Path, dest: Path, tmp: Path, select: list[str] | None = None) -> Path:
    """Copy a raw-only warehouse to dest and `dbt build` it (own target/log dirs: builds may overlap)."""
    shutil.copyfile(raw, dest)
    outcome = run_dbt(dest, target_path=tmp / f"{dest.stem}-target", log_path=tmp / f"{dest.stem}-logs",
                      select=select)
    assert outcome.models_failed == 0 and outcome.error is None, format_dbt(outcome)
    return dest


def _results(path: Path) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(
            "select report_id, check_name, severity, subject, expected, observed, difference, tolerance, passed "
            "from quality.check_results where passed is not null order by all"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="session")
def golden_raw(golden, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("golden") / "golden_raw.duckdb"
    write_raw(golden, path)
    return path


@pytest.fixture(scope="session")
def golden_checked(golden_raw, tmp_path_factory):
    """The golden warehouse after dbt build and run_checks: (path, CheckSummary)."""
    tmp = tmp_path_factory.mktemp("golden_checked")
    path = _build(golden_raw, tmp / "warehouse.duckdb", tmp)
    return path, run_checks(path, docs_dir=tmp / "docs")


# ------------------------------------------------------------------------------- (a) samples pass


def _assert_all_pass(path: Path, summary, n_reports: int, *, from_pdfs: bool = False) -> None:
    assert summary.failures == [] and summary.warnings == [], format_checks(summary)
    assert summary.checks_failed == 0 and summary.ok
    con = duckdb.connect(str(path), read_only=True)
    try:
        per_family = con.execute(
            "select c.suite, c.check_name, count(distinct c.report_id) from quality.check_comparisons c "
            "group by all"
        ).fetchall()
        n_results, n_passed = con.execute(
            "select count(*) filter (where passed is not null), count(*) filter (where passed) "
            "from quality.check_results"
        ).fetchone()
        statuses = con.execute("select distinct status from marts.dim_report").fetchall()
    finally:
        con.close()
    found = {}
    for family, check, reports in per_family:
        found.setdefault(family, set()).add(check)
    document = found.pop("document", set())
    assert found == ALL_CHECKS
    assert document == DOCUMENT_CHECKS if from_pdfs else document <= DOCUMENT_CHECKS
    # every check except fund_balance (07 is blank in one sample) ran on both reports
    assert all(r == n_reports for f, c, r in per_family if c != "fund_balance" and f != "document"), per_family
    assert n_results == n_passed == summary.checks_run > 1000
    assert ("failed_checks",) not in statuses


def test_golden_samples_pass_every_check(golden_checked, golden):
    path, summary = golden_checked
    _assert_all_pass(path, summary, n_reports=len(golden))
    assert summary.docs_index is not None and summary.docs_index.exists()
    # golden raw data has no printed text: the three document checks that read it did not run, per report
    assert summary.checks_not_run == 3 * len(golden)
    assert format_checks(summary).splitlines()[0] == \
        f"checks: {summary.checks_run} run, 0 failed, {summary.checks_not_run} not run"


def test_sample_warehouse_passes_every_check(request, tmp_path):
    """On the warehouse of a real `juesuan build` of both sample PDFs (fixture from conftest.py)."""
    try:
        built = Path(request.getfixturevalue("sample_warehouse"))
    except pytest.FixtureLookupError:
        pytest.skip("tests/conftest.py does not provide the sample_warehouse fixture yet")
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built, path)
    _assert_all_pass(path, run_checks(path), n_reports=2, from_pdfs=True)


def test_golden_differences_are_the_published_rounding(golden_checked):
    """The samples do not add up exactly everywhere (尾差); these are the non-zero differences of the tables'
    checks, each within its tolerance. Pins the comparisons to the published numbers. (The narrative's
    figures compare in 元 and hundredths of a percent: tests/test_narrative_checks.py.)"""
    path, _ = golden_checked
    rows = {(r[1], r[3]): (r[6], r[7]) for r in _results(path) if r[6] != 0 and not r[1].startswith("narrative_")}
    by_subject = {(c, s) for c, s in rows}
    assert ("row_total", "03 合计") in by_subject  # 三门峡: 630.50 + 1,851.44 printed as 2,481.93
    assert ("personnel_total", "06 人员经费合计") in by_subject  # 焦作: 1,036.16 + 85.93 printed as 1,122.08
    assert all(abs(d) <= t for d, t in rows.values())
    assert all(abs(d) == Decimal("0.01") for d, _ in rows.values())


# ------------------------------------------------------------------ (b) one altered amount, one place


def _alter_cell(path: Path, report_id: str, table_no: int, code: str | None, header: str, delta: Decimal) -> str:
    """Add delta to one amount cell of raw.cells: the row whose code cell is `code` (the only body row
    when None), the amount column headed `header` in the code's block. Returns the new text."""
    con = duckdb.connect(str(path))
    try:
        columns = con.execute(
            "select col_no, block_no, role, header_zh from raw.table_columns where report_id = ? and table_no = ?",
            [report_id, table_no],
        ).fetchall()
        cells = con.execute(
            "select row_no, col_no, text from raw.cells where report_id = ? and table_no = ? and row_kind = 'body'",
            [report_id, table_no],
        ).fetchall()
        role = {c: r for c, _, r, _ in columns}
        block = {c: b for c, b, _, _ in columns}
        if code is None:
            (row_no,) = {r for r, _, _ in cells}
            code_block = 0
        else:
            [(row_no, code_col)] = [(r, c) for r, c, t in cells if t == code and role[c] == "code"]
            code_block = block[code_col]
        [col_no] = [c for c, b, r, h in columns if r == "amount" and (h == header or h.endswith("/" + header)) and b == code_block]
        [old] = [t for r, c, t in cells if r == row_no and c == col_no]
        new = f"{Decimal(old.replace(',', '')) + delta:,.2f}"
        con.execute(
            "update raw.cells set text = ? where report_id = ? and table_no = ? and row_no = ? and col_no = ?",
            [new, report_id, table_no, row_no, col_no],
        )
        return new
    finally:
        con.close()


ALTERATIONS = [
    # (report, table, code, column header, the failures expected: (check_name, subject))
    # and the line a narrative figure quoting the altered cell names (its narrative findings say nothing else)
    pytest.param("jiaozuo-2024", 3, "2010302", "项目支出",
                 {("row_total", "03 2010302"), ("rollup_kuan", "03 20103 project")}, None, id="03-xiang"),
    pytest.param("sanmenxia-2024", 6, "30102", "决算数",
                 {("rollup_class", "06 301")}, None, id="06-line"),
    pytest.param("jiaozuo-2024", 9, None, "决算数/公务接待费",
                 {("three_public_total", "09 actual total")}, "09 reception", id="09-cell"),
]


@pytest.mark.parametrize("report_key, table_no, code, header, expected_failures, narrative_line", ALTERATIONS)
def test_altered_amount_is_reported_at_that_subject_only(
    report_key, table_no, code, header, expected_failures, narrative_line, golden, golden_raw, golden_checked,
    tmp_path
):
    report_id = golden[report_key].report_id
    raw = tmp_path / "altered_raw.duckdb"
    shutil.copyfile(golden_raw, raw)
    _alter_cell(raw, report_id, table_no, code, header, Decimal("1.00"))
    path = _build(raw, tmp_path / "warehouse.duckdb", tmp_path)

    summary = run_checks(path)

    narrative = [f for f in summary.failures + summary.warnings if f.check_name.startswith("narrative_")]
    assert all(f.report_id == report_id and f.subject.startswith(f"{narrative_line} ") for f in narrative), narrative
    assert bool(narrative) == (narrative_line is not None)
    tables = [f for f in summary.failures if not f.check_name.startswith("narrative_")]
    assert {(f.report_id, f.check_name, f.subject) for f in tables} == {
        (report_id, c, s) for c, s in expected_failures
    }, format_checks(summary)
    assert len(tables) == len(expected_failures) and not summary.ok
    assert [f for f in summary.warnings if not f.check_name.startswith("narrative_")] == []
    assert summary.failed_reports == [report_id]

    # the difference moved by exactly the alteration; every other comparison of the tables is unchanged
    before = {(r[0], r[1], r[3]): r for r in _results(golden_checked[0]) if not r[1].startswith("narrative_")}
    after = {(r[0], r[1], r[3]): r for r in _results(path) if not r[1].startswith("narrative_")}
    assert before.keys() == after.keys()
    changed = {k for k in after if after[k][6] != before[k][6]}
    assert changed == {(report_id, c, s) for c, s in expected_failures}
    for k in changed:
        assert after[k][6] - before[k][6] in (Decimal("1.00"), Decimal("-1.00"))
        assert after[k][8] is False

    con = duckdb.connect(str(path), read_only=True)
    try:
        status = dict(con.execute("select report_id, status from marts.dim_report").fetchall())
    finally:
        con.close()
    assert status[report_id] == "failed_checks"
    assert all(s != "failed_checks" for r, s in status.items() if r != report_id)
    text = format_checks(summary)
    assert all(s in text for _, s in expected_failures)


# --------------------------------------------------------------------------- (c) tolerance edges


def _tolerance_sql(n_expr: str) -> str:
    """The check_tolerance macro from dbt_project/macros, rendered by Jinja as dbt would."""
    source = (DEFAULT_PROJECT_DIR / "macros" / "check_tolerance.sql").read_text(encoding="utf-8")
    return jinja2.Environment().from_string(source + "{{ check_tolerance(n) }}").render(n=n_expr).strip()


def _rule(n: int) -> Decimal:
    """The rounding tolerance: 0.005 × n rounded up to the cent, never less than 0.01."""
    return max(Decimal("0.01"), (Decimal("0.005") * n).quantize(Decimal("0.01"), rounding=ROUND_CEILING))


def test_tolerance_macro_matches_the_rule():
    con = duckdb.connect()
    sql = _tolerance_sql("n")
    rows = con.execute(f"select n, {sql}, typeof({sql}) from range(0, 41) t(n) order by n").fetchall()
    assert [(n, t) for n, t, _ in rows] == [(n, _rule(n)) for n in range(41)]
    assert {ty for *_, ty in rows} == {"DECIMAL(18,2)"}
    assert con.execute(f"select {_tolerance_sql('null')}").fetchone()[0] == Decimal("0.01")


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 10, 13])
def test_tolerance_edge_in_sql(n):
    """n printed addends each 0.005 above the true value: Σ printed − printed total = t(n) passes,
    t(n) + 0.01 fails (the comparison check_comparisons makes: abs(difference) <= tolerance)."""
    con = duckdb.connect()
    sql = _tolerance_sql("count(x)")
    part = Decimal("10.01")  # true 10.005
    for total, passes in ((part * n - _rule(n), True), (part * n - _rule(n) - Decimal("0.01"), False)):
        got = con.execute(
            f"select abs(cast(? as decimal(18,2)) - sum(x)) <= {sql} "
            f"from (select cast(? as decimal(18,2)) as x from range(?))",
            [str(total), str(part), n],
        ).fetchone()[0]
        assert got is passes, (n, total)


@pytest.fixture(scope="session")
def tolerance_warehouse(golden_raw, tmp_path_factory):
    """Hand-built marts with, per n, two reports: 06 类 301 printed Σ(n 款 of 10.01) − t(n) (edge, passes)
    and one cent less (fails); then dbt builds the seeds, the check models and the seed year of each
    report (int_report_seed_years, from raw.reports through staging) only."""
    tmp = tmp_path_factory.mktemp("tolerance")
    path = tmp / "warehouse.duckdb"
    seed = DEFAULT_PROJECT_DIR / "seeds" / "economic_classification.csv"
    con = duckdb.connect(str(path))
    try:
        kuan = con.execute(
            f"select econ_code, econ_name from read_csv('{seed}', all_varchar = true) "
            "where parent_code = '301' order by econ_code"
        ).fetchall()
        class_name = con.execute(
            f"select econ_name from read_csv('{seed}', all_varchar = true) where econ_code = '301'"
        ).fetchone()[0]
        con.execute(schema.ddl())
        con.execute("create schema marts")
        con.execute("create table marts.dim_report (report_id varchar, fiscal_year integer, status varchar)")
        con.execute(
            "create table marts.fct_functional (report_id varchar, table_no integer, func_code varchar, "
            "func_level varchar, func_name varchar, measure varchar, measure_zh varchar, "
            "amount decimal(18,2), amount_yuan decimal(20,2), page integer, unit varchar)"
        )
        con.execute(
            "create table marts.fct_economic (report_id varchar, econ_code varchar, econ_level varchar, "
            "econ_name varchar, expense_group varchar, amount decimal(18,2), amount_yuan decimal(20,2), page integer, "
            "unit varchar)"
        )
        con.execute(
            "create table marts.fct_summary (report_id varchar, table_no integer, side varchar, line_no integer, "
            "item_zh varchar, line_code varchar, func_class_code varchar, measure varchar, measure_zh varchar, "
            "amount decimal(18,2), amount_yuan decimal(20,2), page integer, unit varchar)"
        )
        con.execute(
            "create table marts.fct_three_public (report_id varchar, stage varchar, item varchar, "
            "item_zh varchar, amount decimal(18,2), amount_yuan decimal(20,2), page integer, unit varchar)"
        )
        cases = {}
        for n in (1, 2, 3, 4, 5, 7, 10, 13):
            assert n <= len(kuan)
            for passes, total in ((True, Decimal("10.01") * n - _rule(n)),
                                  (False, Decimal("10.01") * n - _rule(n) - Decimal("0.01"))):
                rid = f"tol-n{n:02d}-{'pass' if passes else 'fail'}"
                cases[rid] = (n, passes)
                con.execute("insert into marts.dim_report values (?, 2024, 'loaded')", [rid])
                con.execute("insert into raw.reports (report_id, source_file, sha256, fiscal_year) "
                            "values (?, ?, ?, 2024)", [rid, f"{rid}.pdf", rid])
                con.execute("insert into marts.fct_economic values (?, '301', '类', ?, '人员经费', ?, null, null, '万元')",
                            [rid, class_name, str(total)])
                con.executemany(
                    "insert into marts.fct_economic values (?, ?, '款', ?, '人员经费', 10.01, null, null, '万元')",
                    [[rid, code, name] for code, name in kuan[:n]],
                )
    finally:
        con.close()
    outcome = run_dbt(path, target_path=tmp / "target", log_path=tmp / "logs",
                      select=["resource_type:seed", "+int_report_seed_years", "stg_juesuan__report_tables",
                              "stg_juesuan__narrative_sentences", "stg_juesuan__narrative_claims",
                              "int_narrative_table_lines", "int_narrative_figures",
                              "+int_table_notes", "+int_document_lines", "path:models/checks"],
                      indirect_selection="cautious")
    assert outcome.models_failed == 0 and outcome.error is None, format_dbt(outcome)
    return path, cases


def test_tolerance_edges_through_dbt_and_gx(tolerance_warehouse):
    path, cases = tolerance_warehouse
    summary = run_checks(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "select report_id, difference, tolerance, passed from quality.check_results "
            "where check_name = 'rollup_class' and subject = '06 301'"
        ).fetchall()
    finally:
        con.close()
    assert {r[0] for r in rows} == set(cases)
    for rid, difference, tolerance, passed in rows:
        n, passes = cases[rid]
        assert tolerance == _rule(n)
        assert difference == -(tolerance if passes else tolerance + Decimal("0.01"))
        assert passed is passes, rid
    # these hand-made reports print no table at all: the document checks fail them too (table_present)
    failures = [f for f in summary.failures if f.family == "tables"]
    assert {f.report_id for f in failures} == {r for r, (_, p) in cases.items() if not p}
    assert all(f.check_name == "rollup_class" and f.subject == "06 301" for f in failures)
    assert [w for w in summary.warnings if w.family == "tables"] == []


# ------------------------------------------------------------------------------ GX validation itself


def _row(report_id, check_name, subject, difference, tolerance, severity="error", family="functional"):
    d, t = Decimal(difference), Decimal(tolerance)
    return (report_id, family, check_name, severity, 3, subject, Decimal("100.00"), Decimal("100.00") + d,
            d, t, abs(d), True, abs(d) <= t)


def test_validate_names_the_failing_rows():
    rows = [
        _row("r1", "rollup_total", "03 合计 basic", "0.01", "0.01"),
        _row("r1", "rollup_class", "03 201 basic", "-0.02", "0.01"),
        _row("r2", "rollup_class", "03 201 basic", "0.00", "0.01"),
        _row("r2", "func_name_matches", "03 201 x | seed: y", "-1", "0", severity="warning", family="codes"),
    ]
    passed, docs = validate(rows)
    assert docs is None
    assert passed == {
        ("r1", "rollup_total", "03 合计 basic"): True,
        ("r1", "rollup_class", "03 201 basic"): False,
        ("r2", "rollup_class", "03 201 basic"): True,
        ("r2", "func_name_matches", "03 201 x | seed: y"): False,
    }


def test_validate_rejects_duplicate_subjects():
    rows = [_row("r1", "rollup_total", "03 合计 basic", "0", "0.01")] * 2
    with pytest.raises(ChecksInvalid, match="expect_compound_columns_to_be_unique"):
        validate(rows)


def test_validate_rejects_a_check_outside_its_family():
    rows = [_row("r1", "three_public_total", "09 actual total", "0", "0.01", family="functional")]
    with pytest.raises(ChecksInvalid, match="expect_column_values_to_be_in_set"):
        validate(rows)


def test_failure_tuple_shape():
    f = CheckFailure("r1", "rollup_class", "06 301", Decimal("1.00"), Decimal("2.00"), 12, "06 301: printed 2.00")
    assert tuple(f) == ("r1", "rollup_class", "06 301", Decimal("1.00"), Decimal("2.00"), 12, "06 301: printed 2.00",
                        None)
    assert len(COLUMNS) == 13


def test_a_check_that_could_not_run_is_not_passed():
    rows = [_row("r1", "rollup_total", "03 合计 basic", "0.00", "0.01"),
            ("r1", "functional", "rollup_class", "error", 3, "03 201 basic", None, None, None, None, None, False, None)]
    passed, _ = validate(rows)
    assert passed == {("r1", "rollup_total", "03 合计 basic"): True, ("r1", "rollup_class", "03 201 basic"): None}
