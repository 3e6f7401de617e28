"""Scanned reports through the reader, measured: accuracy against the published text, seconds per page,
memory.

    python bench/ocr_reports.py [--dpi 300] [--seed 0] [--mixed] [--threads 1] [--keep DIR]

Each sample is scanned whole (``tests.synth.scan``: a rotation of up to 1°, a red seal over part of every
table, grey paper, blur, dust, JPEG) into an image-only PDF, or with --mixed only its table pages, and
read by ``ingest.read.read_report`` as `juesuan build` reads it (``--ocr auto``: the pages without a text
layer by OCR), in this process, one file after the other, with ``--threads`` recognition threads.

Printed: per report and table, the golden amount cells (the published text's tab-separated tables)
read exactly, left NULL (unsure, or not spelled as an amount: with a warning) and wrong; wall and CPU
seconds per OCR page (from the reader's own progress calls), and the peak resident memory of the process.
`tests/test_ocr_slow.py` checks the same scans through `juesuan build`, the marts and the reconciliation
checks.

A measurement, not a test: it asserts nothing; seconds depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from golden import is_amount as golden_is_amount  # noqa: E402
from golden import load_golden, squash  # noqa: E402

from ingest.read import read_report  # noqa: E402
from tests.synth.scan import ScanStyle, scan_pdf  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
TABLE_PAGES = {"jiaozuo-2024": list(range(2, 15)), "sanmenxia-2024": list(range(4, 16))}


def _cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


class PeakMemory:
    """The peak resident memory of this process, sampled every 5 ms (ru_maxrss also counts the scans made
    before reading)."""

    def __init__(self):
        self.peak = 0
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        with open("/proc/self/statm") as statm:
            while True:
                statm.seek(0)
                self.peak = max(self.peak, int(statm.read().split()[1]) * resource.getpagesize())
                time.sleep(0.005)


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
    ap.add_argument("--dpi", type=int, default=300, help="of the scans (the reader renders at 300 dpi)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--mixed", action="store_true", help="scan only the table pages")
    ap.add_argument("--threads", type=int, default=1, help="recognition threads")
    ap.add_argument("--keep", type=Path, help="write the scans into this folder and keep them")
    args = ap.parse_args()
    golden = load_golden()
    memory = PeakMemory()
    page_seconds, page_cpu, totals = [], [], [0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for key, table_pages in TABLE_PAGES.items():
            scan = folder / f"{key}-scan{args.dpi}{'-mixed' if args.mixed else ''}.pdf"
            if not scan.exists():
                scan_pdf(SAMPLES / f"{key}.pdf", scan, style=ScanStyle(dpi=args.dpi), seed=args.seed,
                         pages=table_pages if args.mixed else None)
            marks: list[tuple[float, float]] = []

            def on_ocr(done: int, total: int, page: int) -> None:
                marks.append((time.perf_counter(), _cpu()))

            t, c = time.perf_counter(), _cpu()
            report = read_report(scan, ocr_threads=args.threads, on_ocr=on_ocr)
            wall, cpu = time.perf_counter() - t, _cpu() - c
            page_seconds += [b[0] - a[0] for a, b in zip(marks, marks[1:])]
            page_cpu += [b[1] - a[1] for a, b in zip(marks, marks[1:])]
            print(f"\n{scan.name}: {len(report.ocr_pages)} pages read by OCR, {wall:.0f} s in all ({cpu:.0f} CPU s); "
                  f"tables found {sorted(report.tables)}; {len(report.warnings)} warnings")
            print(f"  meta: {report.meta}")
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
    print(f"seconds per OCR page ({args.threads} thread(s)): wall median {statistics.median(page_seconds):.2f}, "
          f"max {max(page_seconds):.2f}; CPU median {statistics.median(page_cpu):.2f}; "
          f"peak memory {memory.peak / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
