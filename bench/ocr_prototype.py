"""Prototype of reading scanned reports, measured on scans of the two samples against their published text.

    python bench/ocr_prototype.py [--dpi 300] [--seed 0] [--keep DIR] [--mixed]

Each sample is scanned whole (``tests.synth.scan``: a rotation of up to 1°, a red seal over part of every
table, grey paper, blur, dust, JPEG) into an image-only PDF, or with --mixed only its table pages. Then:

* pages without a text layer are read by ``ingest.read.parts.ocr.ocr_page`` (render, deskew, rulings,
  recognition) and become ``PageText`` lines for the text pass; text pages are read as today;
* the reader's own title detection, candidate pages and grouping of parts into tables
  (``ingest.read_report._read_tables``) run unchanged, except that its camelot step is handed the grids
  found in the page images, with the recognised characters placed in cells by the reader's own
  ``printed_rows`` (through ``ingest.extract._to_part``), for the OCR pages: the reader is not yet
  restructured to take a page's characters from elsewhere, so that one call is swapped here;
* cells are read by ``ocr.read_cells``: a cell holding a character recognised with a confidence below
  ``ocr.MIN_CONFIDENCE`` is read again at full resolution and emptied (NULL) with a warning unless that
  reading agrees surely; a cell with print but no text is read again the same way; a cell of an amount
  column that does not read as an amount (with the decimals of the table's other amounts) is emptied
  with a warning too.

Printed: per report and table, the golden amount cells (the published text's tab-separated tables) read
exactly, NULL (unsure or malformed, with a warning), and wrong; the seconds of OCR per page.

A measurement, not a test: it asserts nothing; seconds depend on the machine (2 cores here).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from golden import is_amount as golden_is_amount  # noqa: E402
from golden import load_golden, squash  # noqa: E402

from ingest import extract, read_report  # noqa: E402
from ingest.page_text import read_pages  # noqa: E402
from ingest.pdf_source import image_only_pages, open_pdf  # noqa: E402
from ingest.read.parts import ocr  # noqa: E402
from tests.synth.scan import ScanStyle, scan_pdf  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TABLE_PAGES = {"jiaozuo-2024": list(range(3, 15)), "sanmenxia-2024": list(range(5, 16))}


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def ocr_parts(page: ocr.OcrPage, warnings: list[str], statuses: dict[str, int]) -> list[extract.CamelotPart]:
    """The grids of one OCR page as the reader's table parts, unsure cells emptied with a warning."""
    parts = []
    for table in page.tables:
        part = extract._to_part(table, "ocr", [])
        part.rows, readings = ocr.read_cells(page, table)
        for reading in readings:
            statuses[reading.status] = statuses.get(reading.status, 0) + 1
            if (w := reading.warning(page.page)) is not None:
                warnings.append(w)
        if any(c.text for row in part.rows for c in row):
            parts.append(part)
    return parts


def read_with_ocr(path: Path, *, dpi: int, engine: ocr.Recognizer, statuses: dict[str, int] | None = None):
    """The report of a PDF whose image-only pages are read by OCR; with the OCR pages and warnings."""
    warnings: list[str] = []
    statuses = {} if statuses is None else statuses
    with open_pdf(path) as source:
        pages = read_pages(source.path)
        scanned = image_only_pages(source, [p.text for p in pages])
        read = {n: ocr.ocr_page(source.path, n, dpi=dpi, engine=engine) for n in scanned}
        pages = [read[p.page].page_text() if p.page in read else p for p in pages]

        def find_tables(pdf: str, candidates: list[int], titles: dict[int, list[float]]):
            text_pages = [n for n in candidates if n not in read]
            parts = extract.find_tables(pdf, text_pages, {n: t for n, t in titles.items() if n in text_pages}) \
                if text_pages else []
            for n in candidates:
                if n in read:
                    parts += ocr_parts(read[n], warnings, statuses)
            parts.sort(key=lambda p: (p.page, -p.top))
            return parts

        with mock.patch.object(read_report, "find_tables", find_tables):
            report = read_report._read_tables(path, source, pages)
    for found in report.tables.values():
        table = found.table
        amount_cols = [c for c, column in enumerate(table.columns) if column.role == "amount"]
        decimals = ocr.usual_decimals(row.cells[c] for row in table.body if row.page in read for c in amount_cols)
        for row in table.body:
            if row.page not in read:
                continue
            for c in amount_cols:
                text = row.cells[c]
                if text and not ocr.looks_like_amount(text, decimals):
                    warnings.append(f"table {found.table_no:02d} page {row.page}: {text!r} in an amount column "
                                    f"is not an amount with {decimals} decimals: left NULL")
                    row.cells[c] = None
    report.warnings.extend(warnings)
    return report, read


def score(report, golden) -> dict[int, list[int]]:
    """Per table: [golden amounts, exact, NULL, wrong, extra (an amount where the published cell is blank)]."""
    out = {}
    for table_no, gt in golden.tables.items():
        roles = gt.roles()
        found = report.tables.get(table_no)
        body = [r.cells for r in found.table.body] if found else []
        want = [[squash(c) for c in row] for row in gt.body_rows if any(squash(c) for c in row)]
        counts = [0, 0, 0, 0, 0]
        for r, row in enumerate(want):
            got = body[r] if r < len(body) else []
            for c, role in enumerate(roles):
                if role != "amount":
                    continue
                value = squash(got[c]) if c < len(got) and got[c] else ""
                if golden_is_amount(row[c]):
                    counts[0] += 1
                    if value == row[c]:
                        counts[1] += 1
                    elif not value:
                        counts[2] += 1
                    else:
                        counts[3] += 1
                elif value:
                    counts[4] += 1
        out[table_no] = counts
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", type=int, default=300, help="of the scans; OCR renders at the same dpi")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mixed", action="store_true", help="scan only the table pages")
    ap.add_argument("--keep", type=Path, help="write the scans into this folder and keep them")
    args = ap.parse_args()
    golden = load_golden()
    engine = ocr.Recognizer()
    page_seconds, page_cpu, totals = [], [], [0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for key, table_pages in TABLE_PAGES.items():
            scan = folder / f"{key}-scan{args.dpi}{'-mixed' if args.mixed else ''}.pdf"
            scan_pdf(SAMPLES / f"{key}.pdf", scan, style=ScanStyle(dpi=args.dpi), seed=args.seed,
                     pages=table_pages if args.mixed else None)
            t, c = time.perf_counter(), _cpu()
            statuses: dict[str, int] = {}
            report, pages = read_with_ocr(scan, dpi=args.dpi, engine=engine, statuses=statuses)
            wall, cpu = time.perf_counter() - t, _cpu() - c
            for page in pages.values():
                page_seconds.append(sum(page.seconds.values()))
            page_cpu.append(cpu / max(len(pages), 1))
            print(f"\n{scan.name}: {len(pages)} pages read by OCR, {wall:.0f} s in all ({cpu:.0f} CPU s); "
                  f"deskewed by {sorted({p.angle for p in pages.values()})[:3]}… ; tables found "
                  f"{sorted(report.tables)}; {len(report.warnings)} warnings")
            print(f"  meta: {report.meta}")
            print(f"  cells read: {statuses}")
            for table_no, counts in score(report, golden[key]).items():
                n, exact, null, wrong, extra = counts
                totals = [a + b for a, b in zip(totals, counts)]
                print(f"  table {table_no:02d}: {n:>4} amounts, exact {exact:>4} ({exact / max(n, 1):.1%}), "
                      f"NULL {null:>3}, wrong {wrong:>3}, extra {extra}")
            for w in report.warnings[:12]:
                print(f"    warning: {w}")
    n, exact, null, wrong, extra = totals
    print(f"\nall: {n} amounts, exact {exact} ({exact / n:.2%}), NULL {null} ({null / n:.2%}), wrong {wrong} "
          f"({wrong / n:.2%}), extra {extra}")
    print(f"OCR seconds per page (render, deskew, rulings, recognition): median {statistics.median(page_seconds):.2f}, "
          f"max {max(page_seconds):.2f}; whole read per OCR page {statistics.mean(page_cpu):.2f} CPU s")


if __name__ == "__main__":
    main()
