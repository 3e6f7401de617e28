"""OCR of scanned pages (ingest/read/parts/ocr.py) and the scans it is tested on (tests/synth/scan.py).

Real rendering and real recognition: pages of the sample reports are scanned (rotation, seal, grey paper,
dust, JPEG) into image-only PDFs, then rendered, deskewed, their rulings found and their text recognised
with the models shipped in the rapidocr wheel. The text layer of the original page is the truth. The long
runs over every table page are in test_ocr_slow.py (marker ``slow``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from ingest.read.document import Document
from ingest.read.parts import ocr
from ingest.read.parts.lattice import printed_rows, vector_tables
from ingest.read.source import image_only_pages, open_pdf
from ingest.read.text import read_pages, squeeze
from synth.scan import ScanStyle, scan_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "jiaozuo-2024.pdf"
TABLE_PAGE = 5  # 02 收入决算表 continued: codes, labels (some wrapped) and seven amount columns, 22 rows


def _vector_grids(pages: list[int]) -> dict[int, list]:
    with Document(SAMPLE) as document:
        return vector_tables(document, pages)


def _text_layer(page_no: int):
    with Document(SAMPLE) as document:
        return document.chars(page_no)


def page_texts(source) -> list[str]:
    return [page.text for page in read_pages(source.document)]


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    """Pages 3-5 (01's end, 02's start and its continuation) scanned at 300 dpi with everything a scanner
    adds, in a mixed PDF: the other pages keep their text."""
    path = tmp_path_factory.mktemp("scan") / "jiaozuo-mixed.pdf"
    return scan_pdf(SAMPLE, path, style=ScanStyle(dpi=300), seed=11, pages=[3, 4, 5])


@pytest.fixture(scope="module")
def table_page(scan):
    return ocr.ocr_page(scan.path, TABLE_PAGE)


# ------------------------------------------------------------------------------------------- scans


def test_scanned_pages_are_images_without_text_and_the_rest_keep_theirs(scan):
    with open_pdf(scan.path) as source:
        texts = page_texts(source)
        assert image_only_pages(source, texts) == [3, 4, 5]
    assert all(not t.strip() for t in texts[2:5])
    assert "行政审批" in texts[0] and len(texts[5]) > 100
    pdf = pdfium.PdfDocument(str(scan.path))
    try:
        objects = list(pdf[TABLE_PAGE - 1].get_objects())
        assert [o.type for o in objects] == [pdfium_c.FPDF_PAGEOBJ_IMAGE]
        assert "DCTDecode" in objects[0].get_filters()  # stored as JPEG
        width, height = objects[0].get_px_size()
        assert abs(width - 595.3 * 300 / 72) <= 1 and abs(height - 841.89 * 300 / 72) <= 1
    finally:
        pdf.close()
    info = {p.page: p for p in scan.pages}
    assert all(0 < abs(info[n].angle) <= 1.0 for n in (3, 4, 5))
    assert all(info[n].seal_center is not None for n in (3, 4, 5))  # every one holds a table
    assert not info[1].scanned and info[1].seal_center is None


def test_the_same_seed_makes_the_same_scan_and_another_seed_another(tmp_path):
    a, b, c = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    style = ScanStyle(dpi=150)
    first = scan_pdf(SAMPLE, a, style=style, seed=3, pages=[3])
    again = scan_pdf(SAMPLE, b, style=style, seed=3, pages=[3])
    other = scan_pdf(SAMPLE, c, style=style, seed=4, pages=[3])
    assert _image_digest(a) == _image_digest(b) != _image_digest(c)  # the file's date and /ID differ
    assert first.pages[2].angle == again.pages[2].angle != other.pages[2].angle


def _image_digest(path: Path) -> str:
    """The sha256 of the page images' JPEG streams, as stored."""
    digest = hashlib.sha256()
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                digest.update(bytes(obj.get_data(decode_simple=False)))
    finally:
        pdf.close()
    return digest.hexdigest()


def test_a_whole_scan_read_with_ocr_off_fails_as_scanned(tmp_path):
    from ingest.read.errors import ScannedPdf
    from ingest.read.report import read_report

    path = tmp_path / "all.pdf"
    scan_pdf(SAMPLE, path, style=ScanStyle(dpi=72, speckles_per_page=0), seed=1, pages=None)
    with pytest.raises(ScannedPdf, match=r"no text layer on any page \(26 pages of images\): it is a scan, and "
                                         r"OCR is off \(--ocr off\)"):
        read_report(path, ocr="off")


# ------------------------------------------------------------------------------------------- image


def test_the_skew_of_a_scan_is_found_to_a_twentieth_of_a_degree(tmp_path):
    pdf = pdfium.PdfDocument(str(SAMPLE))
    try:
        import random

        from synth.scan import scan_page

        for page_no, seed in ((3, 1), (5, 2), (9, 3), (12, 4), (15, 5)):
            image, info = scan_page(pdf[page_no - 1], ScanStyle(dpi=200), random.Random(seed))
            found = ocr.estimate_skew(ocr.ink(np.asarray(image)))
            assert abs(found - info.angle) <= 0.05, (page_no, info.angle, found)
    finally:
        pdf.close()


def test_the_red_seal_is_lightened_away_and_black_print_under_it_stays(scan):
    seal = next(p for p in scan.pages if p.page == TABLE_PAGE).seal_center
    pdf = pdfium.PdfDocument(str(scan.path))
    try:
        page = pdf[TABLE_PAGE - 1]
        rgb = page.render(scale=300 / 72).to_numpy()
        _, height = page.get_size()
    finally:
        pdf.close()
    grey = ocr.ink(rgb)
    plain = rgb[:, :, :3].mean(axis=2)
    x, y = int(seal[0] * 300 / 72), int((height - seal[1]) * 300 / 72)
    r = int(21 * 300 / 25.4)
    box = (slice(y - r, y + r), slice(x - r, x + r))
    red = (rgb[box][:, :, 2].astype(int) - rgb[box][:, :, 1]) > 80  # pdfium gives BGR
    assert red.sum() > 5000  # the seal is there, red
    assert (plain[box][red] < 160).mean() > 0.3  # a plain grey conversion keeps it as dark ink
    assert (grey[box][red] < 160).mean() < 0.1  # ink() drops it, except where it covers print
    assert (grey < 100).sum() > 0.8 * (plain < 100).sum()  # the black print is kept


# ------------------------------------------------------------------------------------------- rulings


def test_the_grid_of_a_scanned_page_is_the_grid_of_its_vector_rulings(scan):
    """Deskewed, the rulings found in the image give the same printed cells (text-layer characters placed
    in them) as camelot's vector engine on the original page, merged header cells included."""
    grids = _vector_grids([3, 4, 5])
    for page_no in (3, 4, 5):
        grey, width, height = ocr.render_page(scan.path, page_no)
        grey = ocr.rotate(grey, ocr.estimate_skew(grey))
        found = ocr.find_rulings(grey, width, height, page_no).tables
        chars = _text_layer(page_no)
        want = [[[squeeze(c.text) for c in row] for row in printed_rows(t, chars)] for t in grids[page_no]]
        got = [[[squeeze(c.text) for c in row] for row in printed_rows(t, chars)] for t in found]
        assert got == want, page_no
        for a, b in zip(grids[page_no], found):
            assert np.allclose(a._bbox, b._bbox, atol=2.0)


def test_camelot_alone_finds_no_table_on_an_image_only_page(scan):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tables = _read_camelot(scan.path, TABLE_PAGE)
    assert tables == []
    assert any("image-based" in str(w.message) for w in caught)


def _read_camelot(path, page_no):
    import camelot

    return list(camelot.read_pdf(str(path), pages=str(page_no), flavor="lattice", engine="combined"))


# ------------------------------------------------------------------------------------------- recognition


def test_characters_come_in_pdf_points_where_the_text_layer_has_them(table_page):
    truth = _text_layer(TABLE_PAGE)
    assert abs(table_page.angle) > 0.2  # the scan was turned, and turned back
    assert len(table_page.chars) >= 0.97 * len(truth)
    offsets = []
    for char in table_page.chars:
        near = [t for t in truth if t.text == char.text and abs(t.cx - char.cx) < 4 and abs(t.cy - char.cy) < 8]
        if near:
            offsets.append(min(abs(t.cx - char.cx) for t in near))
    assert len(offsets) >= 0.97 * len(table_page.chars)
    assert float(np.median(offsets)) < 1.0 and float(np.percentile(offsets, 95)) < 2.5
    assert all(0 <= c.confidence <= 1 for c in table_page.chars)
    assert all(isinstance(c, ocr.OcrChar) for c in table_page.chars)


def test_a_scanned_table_page_reads_like_its_text_layer(table_page):
    """Cells of the grid found in the image, read by OCR, against the same cells filled from the original
    text layer: every kept amount is exact, and no more than one in a hundred is left empty (unsure)."""
    truth = _text_layer(TABLE_PAGE)
    amounts = kept = 0
    for table in table_page.tables:
        want = printed_rows(table, truth)
        got, readings = ocr.read_cells(table_page, table)
        for wrow, grow in zip(want, got):
            for wcell, gcell in zip(wrow, grow):
                if ocr.looks_like_amount(wcell.text, 2):
                    amounts += 1
                    # what the reader keeps: a sure cell spelled as an amount with the table's decimals
                    if gcell.text and ocr.looks_like_amount(gcell.text, 2):
                        kept += 1
                        assert squeeze(gcell.text) == squeeze(wcell.text)
                elif wcell.text and gcell.text:
                    assert squeeze(gcell.text) == squeeze(wcell.text)  # codes and labels too
        assert all(r.warning(TABLE_PAGE) for r in readings if not r.kept)
    assert amounts >= 100 and kept >= 0.99 * amounts
    lines = [line.compact for line in table_page.page_text().lines]
    assert any("纪检监察事务" in line for line in lines)


def test_a_smudged_cell_is_left_empty_with_a_warning_and_a_blotted_one_is_no_amount(table_page, scan):
    """Dirt over three amounts: where the recogniser cannot read them they are empty, with a warning that
    says so. A blot over the right half of the print leaves readable digits: what is read there is not an
    amount with the table's two decimals, so it is refused as well (no wrong amount passes)."""
    grey, width, height = ocr.render_page(scan.path, TABLE_PAGE)
    grey = ocr.rotate(grey, table_page.angle)
    table = table_page.tables[0]
    rows = printed_rows(table, table_page.chars)
    sx, sy = grey.shape[1] / width, grey.shape[0] / height
    targets = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row)
               if ocr.looks_like_amount(cell.text, 2) and len(cell.text) >= 5][:3]
    assert len(targets) == 3
    noisy, blotted = grey.copy(), grey.copy()
    for r, c in targets:
        top, bottom = table.rows[r]
        cell = rows[r][c]
        y0, y1 = int((height - top) * sy) + 6, int((height - bottom) * sy) - 6
        x0, x1 = int(cell.x0 * sx) + 6, int(cell.x1 * sx) - 6
        rng = np.random.default_rng(r * 10 + c)
        band = noisy[y0:y1, x0:x1]
        band[rng.random(band.shape) < 0.35] = 40
        band = blotted[y0:y1, x0:x1]
        ink = np.flatnonzero((band < 160).any(axis=0))
        band[:, (ink[0] + ink[-1]) // 2:ink[-1] + 1] = 70
    page = ocr.ocr_image(noisy, width, height, TABLE_PAGE, deskew=False)
    got, readings = ocr.read_cells(page, page.tables[0])
    by_cell = {(x.row, x.col): x for x in readings}
    for r, c in targets:
        assert got[r][c].text == ""
        assert by_cell[(r, c)].status in ("unsure", "unread")
        assert "left empty" in by_cell[(r, c)].warning(TABLE_PAGE)
    page = ocr.ocr_image(blotted, width, height, TABLE_PAGE, deskew=False)
    got, _ = ocr.read_cells(page, page.tables[0])
    decimals = ocr.usual_decimals(cell.text for row in got for cell in row)
    assert decimals == 2
    for r, c in targets:
        assert not ocr.looks_like_amount(got[r][c].text, decimals), got[r][c].text


def test_amount_spelling_of_recognised_text():
    assert ocr.looks_like_amount("1,070.00", 2) and ocr.looks_like_amount("(5.00)", 2)
    assert ocr.looks_like_amount("-3.20", 2) and ocr.looks_like_amount("12345.67")
    for text in ("36,91", "1,070.00.", "0..00", "1,2345.00", "1;642.14", "6.4.51", "I0.00"):
        assert not ocr.looks_like_amount(text), text
    assert not ocr.looks_like_amount("000", 2) and ocr.looks_like_amount("000")
    assert ocr.usual_decimals(["0.00", "1.00", "3", "x", None, ""]) == 2


def test_a_header_printed_in_traditional_characters_is_read_in_simplified_ones():
    # the recogniser returns 決 for 决 now and then; drawn here on purpose, so that it surely does
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 48)
    image = Image.new("L", (420, 80), 255)
    ImageDraw.Draw(image).text((10, 10), "決算數公務費", font=font, fill=0)
    text, confidences = ocr.recognizer().read_line(np.asarray(image))
    assert text == "决算数公务费", text
    assert len(confidences) == len(text)


def test_no_character_the_reports_or_the_seeds_print_is_changed_by_the_simplification():
    import zhconv

    from golden import SAMPLES_DIR

    texts = [p.read_text(encoding="utf-8") for p in SAMPLES_DIR.glob("*.txt")]
    texts += [p.read_text(encoding="utf-8") for p in (ROOT / "dbt_project" / "seeds").glob("*.csv")]
    printed = {ch for text in texts for ch in text if "\u4e00" <= ch <= "\u9fff"}
    assert len(printed) > 800
    assert {ch: zhconv.convert(ch, "zh-hans") for ch in printed if zhconv.convert(ch, "zh-hans") != ch} == {}


# ------------------------------------------------------------------------------------------- models


def test_the_models_ship_inside_the_rapidocr_wheel_and_match_its_sha256():
    import rapidocr

    files = ocr.model_files()
    package = Path(rapidocr.__file__).resolve().parent
    assert set(files) == {"det", "rec"}
    for path in files.values():
        assert path.parent == package / "models" and path.stat().st_size > 5_000_000


_GUARDED = """
import socket, sys
attempts = []
def refuse(self, address, *a, **k):
    attempts.append(address)
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
import numpy as np
from ingest.read.parts import ocr
try:
    engine = ocr.Recognizer()
    image = np.full((120, 400), 255, np.uint8)
    import cv2
    cv2.putText(image, "1,234.56", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    chars = engine.read(image)
    print("READ", "".join(c[0] for c in chars))
except ocr.OcrUnavailable as e:
    print("UNAVAILABLE", e)
print("ATTEMPTS", len(attempts))
"""


def _run_guarded(pythonpath: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in ([pythonpath] if pythonpath else []) + [ROOT])
    out = subprocess.run([sys.executable, "-c", _GUARDED], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_recognition_runs_with_the_network_refused_and_tries_no_connection():
    out = _run_guarded()
    assert "READ 1,234.56" in out and "ATTEMPTS 0" in out


def _rapidocr_copy(tmp_path: Path, change) -> Path:
    """A copy of the installed rapidocr package (its models linked, not copied), altered by ``change``."""
    import rapidocr

    source = Path(rapidocr.__file__).resolve().parent
    target = tmp_path / "site" / "rapidocr"

    def link_models(src, dst, *, follow_symlinks=True):
        return os.symlink(src, dst) if src.endswith(".onnx") else shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link_models, ignore=shutil.ignore_patterns("__pycache__"))
    change(target / "models")
    return target.parent


def test_a_missing_model_fails_with_a_clear_message_and_is_not_downloaded(tmp_path):
    site = _rapidocr_copy(tmp_path, lambda models: (models / ocr.RAPIDOCR_MODELS["rec"][0]).unlink())
    out = _run_guarded(site)
    assert "UNAVAILABLE the OCR model PP-OCRv6_rec_small.onnx is missing" in out
    assert "never downloads" in out and "ATTEMPTS 0" in out


def test_an_altered_model_fails_its_sha256_check(tmp_path):
    def alter(models: Path):
        det = models / ocr.RAPIDOCR_MODELS["det"][0]
        data = det.read_bytes()
        det.unlink()
        det.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))

    out = _run_guarded(_rapidocr_copy(tmp_path, alter))
    assert "does not match its sha256" in out and "ATTEMPTS 0" in out
