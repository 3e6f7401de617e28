"""Files that are not final accounts although they look like them: the real 部门预算 of 上海市普陀区商务委员会
(the same family of tables, 预算数 instead of 决算数), blank templates whose cover or department lines keep
a placeholder, and a draft that keeps the placeholder but prints real amounts (it loads, with a warning).
All go through `juesuan ingest`; final-accounts reports that merely mention 预算 must not be taken for either."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from ingest.contract import EXIT_FILES_FAILED
from ingest.read import read_report
from synth.model import random_report, with_department
from synth.render import LAYOUTS, render

BUDGET = "putuo-commerce-2025-budget.pdf"
# name -> (layout, department printed, blank template?)
GENERATED = {
    "template-xx.pdf": ("shanghai", ("上海市XX局", "上海市", "XX局"), True),
    "template-times.pdf": ("typeset", ("××市××局", None, "××市××局"), True),
    "draft-mou.pdf": ("typeset", ("某某县财政局", None, "某某县财政局"), False),
}


@pytest.fixture(scope="module")
def inbox(tmp_path_factory, real_dir):
    folder = tmp_path_factory.mktemp("kinds")
    shutil.copy(real_dir / BUDGET, folder / BUDGET)
    for name, (layout, department, blank) in GENERATED.items():
        report = with_department(random_report(4242, unit="万元", year=2024), *department)
        render(report, folder / name, layout, blank=blank)
    warehouse = folder.parent / "kinds.duckdb"
    result = CliRunner().invoke(cli, ["ingest", "--warehouse", str(warehouse), str(folder)])
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        files = {r[0]: r[1:] for r in con.execute(
            "select source_file, status, error_code, error, warnings from raw.files").fetchall()}
    finally:
        con.close()
    return result, files


def test_the_run_reports_the_budget_and_the_templates_as_failed(inbox):
    result, files = inbox
    assert result.exit_code == EXIT_FILES_FAILED, result.output
    assert {n for n, (status, *_) in files.items() if status == "failed"} == {BUDGET, "template-xx.pdf",
                                                                             "template-times.pdf"}


def test_a_budget_report_is_recognised_as_such(inbox):
    _, files = inbox
    status, code, error, _ = files[BUDGET]
    assert (status, code) == ("failed", "budget_report")
    assert error.startswith(f"{BUDGET}: a 部门预算 report; juesuan reads final accounts")
    # what was recognised: the cover and the budget titles
    assert "上海市普陀区2025年区级部门预算" in error and "收支预算总表" in error


@pytest.mark.parametrize("name,placeholder,where", [
    ("template-xx.pdf", "'XX'", "cover '上海市XX局'"),
    ("template-times.pdf", "'××'", "cover '2024年度××市××局部门决算'"),
])
def test_a_blank_template_names_its_placeholder_and_where_it_is(inbox, name, placeholder, where):
    _, files = inbox
    status, code, error, _ = files[name]
    assert (status, code) == ("failed", "template")
    assert error.startswith(f"{name}: a blank template or draft")
    assert f"placeholder {placeholder} in the {where} (page 1)" in error and "no amounts" in error


def test_a_draft_with_amounts_loads_with_a_warning(inbox):
    _, files = inbox
    status, code, _, warnings = files["draft-mou.pdf"]
    assert (status, code) == ("loaded", None)
    assert "placeholder '某某' in the cover '2024年度某某县财政局部门决算' (page 1)" in warnings
    assert "department lines" in warnings


def test_the_draft_reads_like_the_report_it_is(tmp_path):
    report = with_department(random_report(4242, unit="万元", year=2024), "某某县财政局", None, "某某县财政局")
    render(report, tmp_path / "draft.pdf", "typeset")
    read = read_report(tmp_path / "draft.pdf")
    assert read.meta.department == "某某县财政局" and sorted(read.tables) == list(range(1, 10))
    assert not any(t.table.is_empty for n, t in read.tables.items() if n not in (7, 8))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_generated_final_accounts_are_neither_budgets_nor_drafts(tmp_path, layout):
    """Every layout prints 预算 in titles and headers (一般公共预算财政拨款, 预算数 of 三公): none is a budget
    report, and no line of a cover, title or department line is taken for a placeholder."""
    path = tmp_path / f"{layout}.pdf"
    render(random_report(4243, unit="元"), path, layout)
    read = read_report(path)
    assert sorted(read.tables) == list(range(1, 10))
    assert not [w for w in read.warnings if "placeholder" in w]


def test_real_final_accounts_are_neither_budgets_nor_drafts(real_dir, samples_dir):
    for path in [*sorted(samples_dir.glob("*.pdf")), real_dir / "putuo-finance-2024.pdf",
                 real_dir / "putuo-social-work-2024.pdf"]:
        read = read_report(path)
        assert sorted(read.tables) == list(range(1, 10)), path.name
        assert not [w for w in read.warnings if "placeholder" in w], path.name
