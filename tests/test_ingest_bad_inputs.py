"""Bad input never stops the run and never goes unreported: each gets status `failed` with a specific message."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from click.testing import CliRunner

import badfiles
from ingest.cli import cli
from ingest.contract import EXIT_FILES_FAILED

# builder → (error_code, words the message must hold)
FAILING = {
    "empty_file": ("empty_file", "is empty (0 bytes)"),
    "text_file": ("not_pdf", "looks like a plain text file"),
    "html_page": ("not_pdf", "HTML"),
    "truncated_pdf": ("truncated", "cut off"),
    "user_password_pdf": ("encrypted", "needs a password"),
    "blank_scan_pdf": ("scanned", "OCR recognised no text in them: blank pages"),
    "not_final_accounts_pdf": ("not_final_accounts", "no final-accounts table found"),
}


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory, samples_dir):
    folder = tmp_path_factory.mktemp("inbox")
    for builder in FAILING:
        getattr(badfiles, builder)(folder)
    badfiles.owner_restricted_pdf(folder)
    badfiles.no_permissions_pdf(folder)
    shutil.copy(samples_dir / "sanmenxia-2024.pdf", folder / "sanmenxia-2024.pdf")
    warehouse = folder.parent / "w.duckdb"
    result = CliRunner().invoke(cli, ["ingest", "--warehouse", str(warehouse), "--jobs", "2", str(folder)])
    return folder, warehouse, result


def _files(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {r[0]: r[1:] for r in con.execute(
            "select source_file, status, error_code, error, report_id from raw.files").fetchall()}
    finally:
        con.close()


def test_the_run_reports_failures_and_exits_1(mixed_folder):
    _, _, result = mixed_folder
    assert result.exit_code == EXIT_FILES_FAILED, result.output
    assert "3 loaded" in result.output and f"{len(FAILING)} failed" in result.output


@pytest.mark.parametrize("builder", sorted(FAILING))
def test_each_bad_input_is_recorded_with_a_specific_message(mixed_folder, builder):
    folder, warehouse, _ = mixed_folder
    name = next(p.name for p in folder.iterdir() if p.name == getattr(badfiles, builder).__defaults__[0])
    status, code, message, report_id = _files(warehouse)[name]
    expected_code, words = FAILING[builder]
    assert (status, code) == ("failed", expected_code)
    assert words in message and name in message
    assert report_id is None


def test_good_files_load_beside_the_bad_ones(mixed_folder):
    _, warehouse, _ = mixed_folder
    files = _files(warehouse)
    assert files["sanmenxia-2024.pdf"][0] == "loaded"
    # owner-password restricted (opens without a password, copying disallowed): must load, even when the
    # restriction allows nothing at all (permissions 0)
    assert files["restricted.pdf"][0] == "loaded"
    assert files["no-permissions.pdf"][0] == "loaded"
    con = duckdb.connect(str(warehouse), read_only=True)
    tables = con.execute("select count(distinct (report_id, table_no)) from raw.report_tables").fetchone()[0]
    pages = dict(con.execute("select source_file, page_count from raw.files").fetchall())
    con.close()
    assert tables == 27
    # the page count of every PDF that opened, failed ones included
    assert pages["blank-scan.pdf"] == 2 and pages["meeting.pdf"] == 1 and pages["no-permissions.pdf"] == 26


def test_a_missing_input_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["ingest", "--warehouse", str(tmp_path / "w.duckdb"), str(tmp_path / "nope.pdf")])
    assert result.exit_code == 2 and "no such file or folder" in result.output
