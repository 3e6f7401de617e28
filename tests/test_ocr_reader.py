"""Scanned pages through the whole reader: `juesuan ingest` of a mixed PDF (text pages read as text, the
scanned page by OCR), `--ocr off`, pages scanned turned round, the per-file time limit that OCR pages
extend, and OCR'd cells that do not read as amounts or codes left empty.

Small on purpose (one scanned table page, sparse cover pages): the long runs over whole scanned reports,
checked against the published text and the reconciliation checks, are in test_ocr_slow.py (marker
``slow``, run by `make accuracy`).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from golden import load_golden, squash
from ingest.build import executors
from ingest.build.ingest import ingest
from ingest.cli import cli
from ingest.read.assemble import Column, LogicalRow, LogicalTable
from ingest.read.document import Document
from ingest.read.parts import ocr
from ingest.read.report import FoundTable, _vet_ocr_cells
from synth.scan import ScanStyle, scan_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "jiaozuo-2024.pdf"
#: the grid of 08 国有资本经营预算财政拨款支出决算表 is on page 14 (its title on the text page 13), and 09 三公 all
SCANNED_PAGE = 14


def query(path: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The first sample with its page 14 scanned at 300 dpi (turned a little, a red seal over 09, grey
    paper, dust, JPEG), ingested by `ingest` with one worker; the OCR progress it reported."""
    folder = tmp_path_factory.mktemp("mixed")
    inbox = folder / "inbox"
    inbox.mkdir()
    scan = scan_pdf(SAMPLE, inbox / "mixed.pdf", style=ScanStyle(dpi=300), seed=14, pages=[SCANNED_PAGE])
    assert scan.pages[SCANNED_PAGE - 1].seal_center is not None
    warehouse = folder / "w.duckdb"
    calls: list[tuple[str, int, int]] = []
    summary = ingest([inbox], warehouse, jobs=1, on_ocr=lambda name, done, total: calls.append((name, done, total)))
    assert summary.loaded == ["mixed.pdf"], summary.failed
    return inbox, warehouse, calls


def test_a_mixed_pdf_loads_its_text_pages_as_text_and_its_scanned_page_by_ocr(mixed):
    _, warehouse, calls = mixed
    flavors = dict(query(warehouse, "select table_no, flavor from raw.report_tables"))
    assert sorted(flavors) == list(range(1, 10))
    assert flavors[8] == flavors[9] == "ocr"
    assert all(flavors[n] == "lattice/vector" for n in range(1, 8))
    # 08's title from the text layer of page 13, its grid from the image of page 14
    assert query(warehouse, "select first_page, last_page from raw.report_tables where table_no = 8") == [(13, 14)]
    (warnings,) = query(warehouse, "select warnings from raw.files")[0]
    assert "page 14 has no text layer (scanned): read by OCR" in warnings
    assert calls == [("mixed.pdf", 0, 1), ("mixed.pdf", 1, 1)]  # the progress display's OCR pages
    # the text pass read the scanned page too: its title and unit lines
    lines = [t for (t,) in query(warehouse, "select text from raw.text_lines where page = ?", [SCANNED_PAGE])]
    assert any("三公" in squash(t) and "决算表" in squash(t) for t in lines)


def test_the_scanned_tables_hold_the_published_amounts_with_the_recognisers_confidence(mixed):
    _, warehouse, _ = mixed
    golden = load_golden()["jiaozuo-2024"]
    for table_no in (8, 9):
        rows = query(warehouse, "select row_no, col_no, text, confidence, page from raw.cells where table_no = ? "
                                "and row_kind = 'body' order by row_no, col_no", [table_no])
        got: dict[int, list] = {}
        for row_no, col_no, text, confidence, page in rows:
            got.setdefault(row_no, []).append(squash(text))
            assert (confidence is not None) == (page == SCANNED_PAGE and text is not None), (table_no, row_no, text)
            assert confidence is None or ocr.MIN_AGREED_CONFIDENCE <= confidence <= 1
        want = [[squash(c) for c in row] for row in golden.tables[table_no].body_rows]
        assert [cells for _, cells in sorted(got.items())] == want, table_no
    # cells of the text pages carry no confidence
    assert query(warehouse, "select count(*) from raw.cells where page <> ? and confidence is not null",
                 [SCANNED_PAGE]) == [(0,)]


def test_ocr_off_reads_the_same_file_again_and_leaves_the_scanned_page_out(mixed, tmp_path):
    inbox, warehouse, _ = mixed
    copy = tmp_path / "w.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    result = CliRunner().invoke(cli, ["ingest", "--jobs", "1", "--ocr", "off", "--warehouse", str(copy), str(inbox)])
    assert result.exit_code == 0, result.output
    assert "1 loaded" in result.output  # read again: the extraction version names the mode
    (version, warnings), = query(copy, "select parser_version, warnings from raw.files")
    assert version.endswith("+ocr-off")
    assert "page 14 is an image without text (scanned); it was not read (--ocr off)" in warnings
    assert 9 not in {n for (n,) in query(copy, "select table_no from raw.report_tables")}


def test_the_ocr_options_are_in_the_help():
    for command in ("build", "ingest"):
        result = CliRunner().invoke(cli, [command, "--help"])
        assert "--ocr [auto|off|force]" in result.output and "--ocr-timeout" in result.output


# ------------------------------------------------------------------------------------------ turned pages

@pytest.mark.parametrize("turn", [90, 180])
def test_a_page_scanned_turned_round_is_read_upright(tmp_path, turn):
    """The cover (few lines: quick to read twice) fed into the scanner a quarter or a half turn round."""
    path = tmp_path / "turned.pdf"
    scan_pdf(SAMPLE, path, style=ScanStyle(dpi=200, turn=turn, seal=False), seed=turn, pages=[1])
    with Document(path) as document:
        size = document.size(1)
        page = ocr.read_page(document, 1)
    assert page.turn == (360 - turn) % 360
    assert (page.width, page.height) == ((size[1], size[0]) if turn % 180 else size)
    assert page.height > page.width  # the portrait page, upright again
    text = "".join(c.text for c in sorted(page.chars, key=lambda c: (-round(c.cy), c.x0)))
    assert "焦作市行政审批和政务信息管理局" in text and "2024" in text


# ------------------------------------------------------------------------------------------ time limit

def test_pages_read_by_ocr_extend_the_time_limit_of_their_file():
    """A file may take --timeout seconds, and --ocr-timeout more for each page it says it reads by OCR."""
    limits = executors.Limits(memory_mib=None, seconds=1.0, ocr_page_seconds=2.0)
    notices: list = []
    results = list(executors.run_local(_slow_read, [0, 1], 1, limits=limits,
                                       on_limit=lambda item, kind, detail: (item, kind, detail),
                                       on_notice=lambda item, notice: notices.append((item, notice))))
    assert (1, "read") in results  # 1.5 s: allowed 1 + 2 s for its OCR page
    (stopped,) = [r for r in results if r[0] == 0]
    assert stopped[1] == "timeout" and "took over 1 s" in stopped[2]  # no OCR page: 1 s
    assert notices == [(1, executors.Notice(0, 1))]


def _slow_read(ocr_pages: int):
    if ocr_pages:
        executors.notify(executors.Notice(0, ocr_pages))
    time.sleep(1.5)
    return (ocr_pages, "read")


# ------------------------------------------------------------------------------------------ honesty

def test_ocr_amounts_and_codes_that_are_not_spelled_as_one_are_left_empty():
    columns = [Column(0, 10, ["科目编码"], "code"), Column(10, 20, ["科目名称"], "name"),
               Column(20, 30, ["合计"], "amount"), Column(30, 40, ["基本支出"], "amount")]
    ocr_rows = [LogicalRow("body", 5, ["2010301", "行政运行", "1,010.09", "0..00"], [0.99, 0.98, 0.97, 0.95]),
                LogicalRow("body", 5, ["20.103", "一般行政管理事务", "101009", "3.20"], [0.99, 0.9, 0.99, 0.99]),
                LogicalRow("body", 5, ["合计", None, "1,113.29", "—"], [0.99, None, 0.99, 0.9])]
    text_row = LogicalRow("body", 4, ["201", "一般公共服务支出", "12", None])  # a text page: not vetted
    table = LogicalTable(3, columns, [text_row] + ocr_rows, [4, 5], 100.0, "lattice/vector,ocr")
    warnings = _vet_ocr_cells(FoundTable(3, "支出决算表", None, "万元", 4, table), {5})
    assert [r.cells for r in table.rows] == [
        ["201", "一般公共服务支出", "12", None],
        ["2010301", "行政运行", "1,010.09", None],  # a full stop read twice
        [None, "一般行政管理事务", None, "3.20"],  # a code read with a point; an amount without its decimals
        ["合计", None, "1,113.29", "—"],  # a label in the code column, a dash that prints nothing
    ]
    assert table.rows[2].confidence == [None, 0.9, None, 0.99]
    assert warnings == [
        "table 03 page 5: '0..00' read by OCR in the 基本支出 column is not an amount with 2 decimals; left empty",
        "table 03 page 5: '20.103' read by OCR in the 科目编码 column is not a classification code; left empty",
        "table 03 page 5: '101009' read by OCR in the 合计 column is not an amount with 2 decimals; left empty",
    ]
