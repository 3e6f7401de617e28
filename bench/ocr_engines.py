"""Compare OCR engines on the table cells of scanned sample pages: RapidOCR (PP-OCRv6, onnxruntime) and
Tesseract (Debian's tesseract-ocr + tesseract-ocr-chi-sim).

    python bench/ocr_engines.py [--dpi 300,200] [--engines rapidocr,tesseract] [--pages N] [--out FILE]

The scans are made by ``tests.synth.scan`` from the two sample PDFs: all pages that hold a table, with
paper tone, blur, speckles, a red seal and JPEG compression, but no rotation, so that the grid camelot's
vector engine finds on the original PDF also holds on the scan. Each engine reads the same preprocessed
image (``ingest.read.parts.ocr``: render, seal lightened away, rulings painted out); its characters and
the text layer's are placed in the same grid cells by the reader's own ``printed_rows``, and every
non-empty cell is compared, white space ignored, by kind: amounts, classification codes, Chinese labels.
"Unsure" counts the cells holding a character below the engine's confidence threshold, and amounts or
codes that do not read as one (they would be NULL with a warning); "silent" the cells that are wrong yet
not unsure (wrong values that would be loaded).

A benchmark, not a test: it asserts nothing; seconds depend on the machine (2 cores here).
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.read.cells import CODE  # noqa: E402
from ingest.read.document import Document  # noqa: E402
from ingest.read.parts import ocr  # noqa: E402
from ingest.read.parts.lattice import printed_rows, vector_tables  # noqa: E402
from ingest.read.text import Char, squeeze  # noqa: E402

#: printed like an amount: digits with thousands separators, a point, a minus or brackets
AMOUNT = re.compile(r"^[-−–]?\(?[\d,，]*\d(?:\.\d+)?\)?$")
from tests.synth.scan import ScanStyle, scan_pdf  # noqa: E402

SAMPLES = ROOT.parent / "shared" / "samples"
TABLE_PAGES = {"jiaozuo-2024": list(range(3, 15)), "sanmenxia-2024": list(range(5, 16))}
TESSERACT_MIN_CONFIDENCE = 0.80
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract runs as a child)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def kind(text: str) -> str | None:
    t = squeeze(text)
    if not t:
        return None
    if AMOUNT.match(t) and any(ch.isdigit() for ch in t):
        return "amount" if "." in t or "," in t else ("code" if CODE.match(t) else "number")
    if CODE.match(t):
        return "code"
    if _CJK.search(t):
        return "label"
    return "other"


def tesseract_chars(grey: np.ndarray, width: float, height: float) -> list[ocr.OcrChar]:
    """Tesseract's words (TSV, level 5) split evenly into characters, confidence 0..1."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, format="PNG")
    out = subprocess.run(["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
                         input=buffer.getvalue(), capture_output=True, check=True).stdout.decode("utf-8")
    img_h, img_w = grey.shape
    sx, sy = width / img_w, height / img_h
    chars = []
    for line in out.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        left, top, w, h, conf = int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), float(cols[10])
        text = [c for c in cols[11] if not c.isspace()]
        step = w / len(text)
        size = h * sy
        middle = height - (top + h / 2) * sy
        for i, ch in enumerate(text):
            chars.append(ocr.OcrChar(ch, (left + i * step) * sx, (left + (i + 1) * step) * sx,
                                     middle - 0.35 * size, size, conf / 100))
    return chars


def compare(grid_tables, truth: list[Char], found: list[ocr.OcrChar], threshold: float, counts) -> None:
    for table in grid_tables:
        want = printed_rows(table, truth)
        got = printed_rows(table, found)
        row_edges = table.rows
        for r, (wrow, grow) in enumerate(zip(want, got)):
            top, bottom = row_edges[r]
            for wc, gc in zip(wrow, grow):
                k = kind(wc.text)
                if k is None:
                    continue
                c = counts[k]
                c["cells"] += 1
                exact = squeeze(wc.text) == squeeze(gc.text)
                low = ocr.cell_confidence(found, gc.x0, gc.x1, bottom, top)
                # an amount or code that does not read as one is not loaded (NULL with a warning) either
                malformed = (k in ("amount", "number") and not AMOUNT.match(squeeze(gc.text))) or (
                    k == "code" and not CODE.match(squeeze(gc.text)))
                is_unsure = (low is not None and low < threshold) or malformed
                c["exact"] += exact
                c["unsure"] += is_unsure
                c["silent"] += (not exact) and not is_unsure
                if not exact and not is_unsure and len(c["examples"]) < 6:
                    c["examples"].append((wc.text, gc.text))
                if is_unsure and len(c["unsure_examples"]) < 6:
                    c["unsure_examples"].append((wc.text, gc.text, None if low is None else round(low, 2)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dpi", default="300,200")
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--pages", type=int, default=0, help="at most N table pages per sample (0: all)")
    args = ap.parse_args()
    engines = args.engines.split(",")
    rapid = ocr.Recognizer(threads=1) if "rapidocr" in engines else None
    with tempfile.TemporaryDirectory() as tmp:
        for dpi in [int(d) for d in args.dpi.split(",")]:
            counts = {e: defaultdict(lambda: {"cells": 0, "exact": 0, "unsure": 0, "silent": 0, "examples": [],
                                                  "unsure_examples": []})
                      for e in engines}
            seconds: dict[str, list[float]] = {e: [] for e in engines}
            cpu: dict[str, list[float]] = {e: [] for e in engines}
            for key, pages in TABLE_PAGES.items():
                pages = pages[: args.pages] if args.pages else pages
                src = SAMPLES / f"{key}.pdf"
                scan = Path(tmp) / f"{key}-{dpi}.pdf"
                scan_pdf(src, scan, style=ScanStyle(dpi=dpi, max_angle=0.0), seed=dpi, pages=pages)
                doc = Document(src)
                grids = vector_tables(doc, pages)
                for page_no in pages:
                    truth = doc.chars(page_no)
                    grey, width, height = ocr.render_page(scan, page_no, dpi)
                    erased = ocr.despeckle(ocr.erase(grey, ocr.find_rulings(grey, width, height, page_no).mask), dpi)
                    for engine in engines:
                        t, c0 = time.perf_counter(), _cpu()
                        if engine == "rapidocr":
                            found = ocr.ocr_image(grey, width, height, page_no, deskew=False, engine=rapid,
                                                  dpi=dpi).chars
                            threshold = ocr.MIN_CONFIDENCE
                        else:
                            found = tesseract_chars(erased, width, height)
                            threshold = TESSERACT_MIN_CONFIDENCE
                        seconds[engine].append(time.perf_counter() - t)
                        cpu[engine].append(_cpu() - c0)
                        compare(grids.get(page_no, []), truth, found, threshold, counts[engine])
                doc.close()
            for engine in engines:
                s = seconds[engine]
                print(f"\n{engine} at {dpi} dpi: {len(s)} pages, seconds per page median {statistics.median(s):.2f} "
                      f"(min {min(s):.2f}, max {max(s):.2f}); CPU seconds per page median {statistics.median(cpu[engine]):.2f}")
                for k in ("amount", "code", "label", "number", "other"):
                    c = counts[engine].get(k)
                    if not c:
                        continue
                    n = c["cells"]
                    print(f"  {k:<7} {n:>5} cells  exact {c['exact'] / n:7.2%}  unsure {c['unsure'] / n:6.2%}  "
                          f"silent wrong {c['silent']:>4} ({c['silent'] / n:.2%})")
                    if c["examples"]:
                        print(f"      silent wrong e.g. {c['examples'][:4]}")
                    if c["unsure_examples"]:
                        print(f"      unsure e.g. {c['unsure_examples'][:4]}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
