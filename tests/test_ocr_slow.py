"""Long OCR runs (marker ``slow``, left out of `make test`; `make accuracy` runs them): the two sample reports
scanned whole at 300 and at 200 dpi, and with only their table pages scanned, built with `juesuan build`
(default limits: the per-file memory ceiling and time limit hold for OCR'd files), the marts compared with
the published text (tests/golden.py), and every fact that OCR got wrong looked up among the failing
reconciliation checks. What the issue asks of a 300 dpi scan is asserted: at least 99.5 % of the facts of
the two reports exact (at least 99 % of each), and no wrong fact that passes every check. The figures are printed (``-s``): facts exact, left NULL,
wrong (and caught by a check), checks passed per report, seconds per OCR page.

Also: every table page of a sample scanned at 300 dpi read cell by cell and compared with the same cells
filled from the original text layer (the engine alone, before the reader assembles anything).

About 7 minutes on 2 cores.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from golden import SAMPLE_KEYS, expected_facts, load_golden
from ingest.cli import cli
from ingest.cli.audit_pages import format_text, render_report
from ingest.warehouse.audit import load_audit
from ingest.read.document import Document
from ingest.read.parts import ocr
from ingest.read.parts.lattice import printed_rows, vector_tables
from ingest.read.text import squeeze
from synth.scan import ScanStyle, scan_pdf
from test_marts import _actual_facts, _report_id

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
#: the pages that hold the nine tables (the rest is cover, contents, narrative)
TABLE_PAGES = {"jiaozuo-2024": list(range(2, 15)), "sanmenxia-2024": list(range(4, 16))}
_CODE = re.compile(r"\b(\d{3}(?:\d{2}){0,2})\b")


def build_scans(folder: Path, dpi: int, *, table_pages_only: bool = False) -> dict:
    """Scan both samples into `folder`/inbox and `juesuan build` them (2 workers, default limits)."""
    inbox = folder / "inbox"
    inbox.mkdir(parents=True)
    for key in SAMPLE_KEYS:
        scan_pdf(SAMPLES / f"{key}.pdf", inbox / f"{key}.pdf", style=ScanStyle(dpi=dpi), seed=dpi,
                 pages=TABLE_PAGES[key] if table_pages_only else None)
    warehouse = folder / "w.duckdb"
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["build", "--jobs", "2", "--warehouse", str(warehouse), str(inbox)])
    seconds = time.monotonic() - started
    assert result.exit_code in (0, 4), result.output  # loaded (4: a check fails, which is for score to judge)
    return {"dpi": dpi, "warehouse": warehouse, "output": result.output, "seconds": seconds}


def score(warehouse: Path) -> dict:
    """Per report: golden facts, exact, missing (NULL or keyed otherwise), the wrong facts with whether a
    failing check catches each, checks passed / evaluated, pages read by OCR."""
    golden = load_golden()
    con = duckdb.connect(str(warehouse), read_only=True)
    out = {}
    try:
        for key, rep in golden.items():
            rid = _report_id(con, rep)
            failed = con.execute("select table_no, subject from quality.check_results where report_id = ? "
                                 "and passed = false", [rid]).fetchall()
            passed, evaluated = con.execute("select count(*) filter (where passed), count(passed) from "
                                            "quality.check_results where report_id = ?", [rid]).fetchone()
            warnings = con.execute("select warnings from raw.files where report_id = ?", [rid]).fetchone()[0] or ""
            total = exact = 0
            wrong = []
            for table_no in sorted(rep.tables):
                expected = Counter(expected_facts(rep, table_no))
                actual = Counter(_actual_facts(con, rid, table_no))
                total += sum(expected.values())
                exact += sum((expected & actual).values())
                wrong += [(table_no, fact, _caught(table_no, fact, failed)) for fact in (actual - expected).elements()]
            out[key] = {"facts": total, "exact": exact, "missing": total - exact, "wrong": wrong,
                        "checks_passed": passed, "checks_evaluated": evaluated, "failed_checks": failed,
                        "ocr_warnings": warnings.count("read by OCR")}
    finally:
        con.close()
    return out


def _caught(table_no: int, fact: tuple, failed: list[tuple[int, str]]) -> bool:
    """A failing check of the fact's table about its code, a code above it or one under it (a rollup), or
    for a fact without a code (a total, a summary line, a 三公 item) any failing check of its table."""
    codes = [v for v in fact if isinstance(v, str) and re.fullmatch(r"\d{3}(?:\d{2}){0,2}", v)]
    for check_table, subject in failed:
        if check_table != table_no:
            continue
        if not codes:
            return True
        named = _CODE.findall(subject)
        if any(c.startswith(n) or n.startswith(c) for c in codes for n in named):
            return True
    return False


def report(run: dict, scores: dict) -> str:
    lines = [f"{run['dpi']} dpi: built in {run['seconds']:.0f} s"]
    for key, s in scores.items():
        caught = sum(1 for *_, ok in s["wrong"] if ok)
        lines.append(f"  {key}: {s['facts']} facts, {s['exact']} exact ({s['exact'] / s['facts']:.2%}), "
                     f"{s['missing']} missing (NULL or keyed otherwise), {len(s['wrong'])} wrong of which {caught} "
                     f"fail a check; checks passed {s['checks_passed']} of {s['checks_evaluated']}")
        lines += [f"    wrong: table {t:02d} {fact} {'caught' if ok else 'NOT CAUGHT'}" for t, fact, ok in s["wrong"]]
    return "\n".join(lines)


def _ocr_seconds_per_page(warehouse: Path) -> float:
    """Wall seconds of the ingest stage per OCR'd page and worker (2 workers read at once)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        seconds, pages, jobs = con.execute("select ingest_seconds, pages_extracted, jobs from raw.runs "
                                           "order by started_at desc limit 1").fetchone()
    finally:
        con.close()
    return seconds * jobs / pages


@pytest.fixture(scope="module")
def built_300(tmp_path_factory):
    return build_scans(tmp_path_factory.mktemp("scan300"), 300)


def test_300_dpi_scans_are_read_exactly_and_every_wrong_fact_fails_a_check(built_300):
    scores = score(built_300["warehouse"])
    print("\n" + report(built_300, scores))
    print(f"  {_ocr_seconds_per_page(built_300['warehouse']):.1f} s per page and worker (ingest stage)")
    _assert_exact(scores)
    for key, s in scores.items():
        assert all(ok for *_, ok in s["wrong"]), (key, s["wrong"])
        assert s["ocr_warnings"] >= 1  # the file says its pages were read by OCR


def test_200_dpi_scans_say_what_they_got_wrong(tmp_path):
    run = build_scans(tmp_path, 200)
    scores = score(run["warehouse"])
    print("\n" + report(run, scores))
    for key, s in scores.items():
        assert all(ok for *_, ok in s["wrong"]), (key, s["wrong"])  # reported figures; no wrong fact unseen


def test_a_mixed_pdf_reads_its_text_pages_as_text_and_its_scanned_table_pages_by_ocr(tmp_path):
    run = build_scans(tmp_path, 300, table_pages_only=True)
    scores = score(run["warehouse"])
    print("\n" + report(run, scores).replace("300 dpi", "300 dpi, table pages only"))
    con = duckdb.connect(str(run["warehouse"]), read_only=True)
    try:
        tables = con.execute("select replace(f.source_file, '.pdf', ''), t.first_page, t.last_page, t.flavor "
                             "from raw.report_tables t join raw.files f using (report_id)").fetchall()
        sentences = con.execute("select count(*) from raw.narrative_sentences").fetchone()[0]
        # the analyst's side: the marts say which tables, and so which amounts, OCR read
        marked = con.execute("select count(*) filter (where read_by_ocr <> (flavor like '%ocr%')), "
                             "count(*) filter (where read_by_ocr and min_confidence >= 0.8) "
                             "from marts.report_tables").fetchone()
        provenance = con.execute("select count(*) filter (where read_by_ocr), count(*) "
                                 "from marts.v_fact_provenance").fetchone()
    finally:
        con.close()
    # a table on scanned pages only was read by OCR, one on text pages only from the text layer (sanmenxia
    # prints 01 again on page 27, a text page)
    for key, first, last, flavor in tables:
        scanned = set(TABLE_PAGES[key])
        assert flavor == ("ocr" if {first, last} <= scanned else "lattice/vector"), (key, first, last, flavor)
    assert sentences > 100  # the narrative pages kept their text layer
    assert marked[0] == 0 and marked[1] > 10, marked
    assert provenance[0] == provenance[1] > 1000, provenance  # every table of the two is on a scanned page
    # the auditor is told, in the text and on the page
    audits = load_audit(run["warehouse"])
    assert all(a.tables_read_by_ocr >= 9 for a in audits), [(a.source_file, a.tables_read_by_ocr) for a in audits]
    assert format_text(audits).count("read by OCR from page images") == 2
    assert "read by OCR from page images" in render_report(audits[0])
    _assert_exact(scores)
    for key, s in scores.items():
        assert all(ok for *_, ok in s["wrong"]), (key, s["wrong"])


def _assert_exact(scores: dict) -> None:
    facts = sum(s["facts"] for s in scores.values())
    exact = sum(s["exact"] for s in scores.values())
    assert exact >= 0.995 * facts, (exact, facts)
    for key, s in scores.items():
        assert s["exact"] >= 0.99 * s["facts"], (key, s["exact"], s["facts"])


def test_every_table_page_of_a_scanned_sample_reads_like_its_text_layer(tmp_path):
    """The engine alone: each amount printed on a table page of the second sample, scanned at 300 dpi,
    against the OCR cell holding its middle in the grid found in the image (a ruling pair 1-2 pt apart may
    split a column there)."""
    sample = SAMPLES / "sanmenxia-2024.pdf"
    pages = list(range(5, 16))
    scan = scan_pdf(sample, tmp_path / "scan.pdf", style=ScanStyle(dpi=300), seed=300, pages=pages)
    engine = ocr.recognizer()
    amounts = exact = emptied = 0
    wrong, seconds = [], []
    with Document(sample) as original:
        grids = vector_tables(original, pages)
        truth = {p: original.chars(p) for p in pages}
    for page_no in pages:
        t = time.perf_counter()
        page = ocr.ocr_page(scan.path, page_no, engine=engine)
        found = [ocr.read_cells(page, table, engine=engine)[0] for table in page.tables]
        seconds.append(time.perf_counter() - t)
        want = [printed_rows(table, truth[page_no]) for table in grids[page_no]]
        assert [len(rows) for rows in found] == [len(rows) for rows in want], f"page {page_no}: rows"
        pairs = [(wcell, next((g for g in grow if g.x0 - 1 <= wcell.center <= g.x1 + 1), None))
                 for wrows, grows in zip(want, found) for wrow, grow in zip(wrows, grows)
                 for wcell in wrow if ocr.looks_like_amount(wcell.text, 2)]
        assert all(g is not None for _, g in pairs), f"page {page_no}: columns"
        decimals = ocr.usual_decimals(g.text for _, g in pairs)
        for wcell, gcell in pairs:
            amounts += 1
            if not gcell.text or not ocr.looks_like_amount(gcell.text, decimals):
                emptied += 1  # NULL with a warning
            elif squeeze(gcell.text) == squeeze(wcell.text):
                exact += 1
            else:
                wrong.append((page_no, wcell.text, gcell.text))
    print(f"\nengine, 300 dpi: {amounts} amounts, {exact / amounts:.2%} exact, {emptied} left NULL, {len(wrong)} "
          f"wrong; seconds per page median {statistics.median(seconds):.1f}, max {max(seconds):.1f}")
    assert amounts > 600
    assert not wrong, wrong
    assert exact >= 0.995 * amounts
