"""Pages without a text layer (scans) read by OCR into characters with positions, and their ruled grid found
in the page image, so that the rest of the reader places text in cells as it does for text pages.

One page goes through:

1. **render** with pdfium at ``dpi`` (300 by default) and keep, per pixel, the brightest of its three
   colour channels: black print stays black, grey paper stays grey, and a red seal stamped over the table
   turns nearly white (its red channel is high);
2. **deskew**: the angle that makes the rows of the page sharpest (the dark pixels counted along lines of
   each slope, coarse then fine, within ``MAX_SKEW`` degrees) and the image turned back by it;
3. **rulings**: camelot's own raster lattice steps (adaptive threshold, morphological line masks, contours,
   joints) on the deskewed image give camelot ``Table`` grids in PDF points, the same objects its lattice
   flavour returns for text pages (camelot itself returns nothing for a page without text: it warns that the
   page is image-based and stops before looking for lines);
4. **recognition** with RapidOCR (PP-OCR detection and recognition models shipped inside the ``rapidocr``
   wheel, run by onnxruntime) on the deskewed image with the rulings and specks of dust painted out, each
   text line split into characters by the recogniser's own alignment; every character keeps its
   confidence.

``read_cells`` then reads the cells of a grid: a cell the recogniser is unsure of, or that holds print
where nothing was recognised, is read again line by line at full resolution, and left empty (NULL) with a
warning unless that reading is sure and agrees. ``looks_like_amount`` is the stricter spelling an amount
read by OCR must have.

Coordinates are PDF points, origin at the bottom left of the page as displayed, as ``Char`` has them. The
models are never downloaded: their files are looked up inside the installed package and checked against
the sha256 the package lists, and a missing or altered file raises ``OcrUnavailable`` saying how to
reinstall. RapidOCR itself would try to download a missing default model, so it is always given explicit
model paths.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..cells import is_data_row
from ..text import MIDDLE, Char, PageText, TextLine, _lines, squeeze
from . import PrintedCell
from .lattice import printed_rows

DEFAULT_DPI = 300
MAX_SKEW = 2.0  # degrees; scanners feed sheets a little askew, never more than a degree or two
# below this a recognised character is not trusted: the cell holding it is NULL with a warning
MIN_CONFIDENCE = 0.80
# RapidOCR 3.x, PP-OCRv6 small models: (task, file in rapidocr/models, model key in default_models.yaml)
RAPIDOCR_MODELS = {
    "det": ("PP-OCRv6_det_small.onnx", "multi_PP-OCRv6_det_small"),
    "rec": ("PP-OCRv6_rec_small.onnx", "multi_PP-OCRv6_rec_small"),
}
# the longest side of the image the detector sees, in pixels (RapidOCR's default is 2000: a 300 dpi A4 page
# would be shrunk to 171 dpi)
MAX_SIDE = 2000
# text lines recognised at once: one. A batch is padded to its widest line, and the recogniser's output for a
# long line (the leaders of a table of contents) takes tens of MB: six at a time raised a page's peak memory
# by 250 MB (to 1.25 GB) for no measurable gain in time
REC_BATCH = 1
# the shortest ruling looked for, in points: under a narrow header cell a rule may be this short, and the
# strokes of table text (10-12 pt type) are shorter (camelot's default line_scale of 15 asks for a fifteenth
# of the page, 56 pt down an A4 page, and misses the rules between header cells)
MIN_RULE = 18.0
# joints closer than this (points) are one ruling: a ruling found in the image wavers by a pixel or two, and
# two rulings of a table drawn 2 pt apart (the columns of two parts of one table) are two
LINE_TOL = 1.0
# size of a character from the height of its detected text line (the detector's boxes are expanded around
# the ink by about this factor of the font size)
_BOX_PER_SIZE = 1.45


class OcrUnavailable(RuntimeError):
    """The OCR engine or its model files are not installed as this module expects."""


@dataclass(frozen=True)
class OcrChar(Char):
    """A recognised character: position as ``Char`` (PDF points), and the recogniser's confidence, 0..1."""

    confidence: float = 1.0


@dataclass
class OcrPage:
    page: int  # 1-based
    width: float  # points, as displayed
    height: float
    dpi: int
    angle: float  # degrees the scan was turned back by (counter-clockwise positive, as on the page)
    chars: list[OcrChar]
    tables: list  # camelot.core.Table, in PDF points, top to bottom
    seconds: dict[str, float] = field(default_factory=dict)
    # the deskewed page as the recogniser read it (rulings and dust painted out), for reading a cell again
    image: np.ndarray | None = field(default=None, repr=False)
    _known: np.ndarray | None = field(default=None, repr=False)
    # degrees (counter-clockwise) the page image was turned to set its text upright: 0, 90, 180 or 270
    turn: int = 0
    grids: list[OcrGrid] = field(default_factory=list)  # its ruled grids, cells read (``read_page``)

    def lines(self) -> list[TextLine]:
        return _lines(list(self.chars), self.width, self.height)

    def page_text(self) -> PageText:
        """The page as the text pass sees a text page (no images counted: OCR has read them)."""
        return PageText(self.page, self.width, self.height, self.lines())


@dataclass
class OcrGrid:
    """One ruled grid of an OCR page with its cells read: the printed rows (``read_cells``) and how each
    non-blank cell was read."""

    table: object  # camelot.core.Table, in PDF points
    rows: list[list[PrintedCell]]
    readings: list[CellReading]


# ------------------------------------------------------------------------------------------- the engine


def _rapidocr_dir() -> Path:
    try:
        import rapidocr
    except ImportError as e:
        raise OcrUnavailable("OCR needs the packages rapidocr and onnxruntime, dependencies of juesuan: "
                             "reinstall it (pip install -e .)") from e
    return Path(rapidocr.__file__).resolve().parent


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def model_files() -> dict[str, Path]:
    """The detection and recognition model files inside the installed rapidocr package, each checked
    against the sha256 that the package's ``default_models.yaml`` lists for it. Raises ``OcrUnavailable``
    when one is missing or differs; nothing is downloaded."""
    import yaml

    root = _rapidocr_dir()
    listed = yaml.safe_load((root / "default_models.yaml").read_text(encoding="utf-8"))
    known = {key: entry for version in listed.get("onnxruntime", {}).values()
             for task in version.values() if isinstance(task, dict)
             for key, entry in task.items() if isinstance(entry, dict) and "SHA256" in entry}
    out = {}
    for task, (name, key) in RAPIDOCR_MODELS.items():
        path = root / "models" / name
        if not path.is_file():
            raise OcrUnavailable(f"the OCR model {name} is missing from {path.parent}: it ships inside the rapidocr "
                                 "wheel; reinstall it (pip install --force-reinstall --no-deps 'rapidocr==3.10.0'). "
                                 "juesuan never downloads models.")
        expected = known.get(key, {}).get("SHA256")
        if expected is None:
            raise OcrUnavailable(f"rapidocr's default_models.yaml lists no sha256 for {key}: this rapidocr "
                                 "version is not the one juesuan was made for (rapidocr 3.10)")
        if _sha256(path) != expected:
            raise OcrUnavailable(f"the OCR model {path} does not match its sha256 {expected[:12]}…: the file is "
                                 "damaged or altered; reinstall rapidocr (pip install --force-reinstall --no-deps "
                                 "'rapidocr==3.10.0')")
        out[task] = path
    return out


@dataclass
class OcrLine:
    """A text line found by the detector: its text, confidence, box (x0, top, x1, bottom in pixels from the
    top left) and characters as ``Recognizer.read`` gives them."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    chars: list[tuple]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


class Recognizer:
    """RapidOCR with the shipped models, detection and recognition only (pages are deskewed first, so the
    text-direction classifier is not needed). One per process; not to be shared between threads."""

    def __init__(self, threads: int | None = None, max_side: int = MAX_SIDE, rec_batch: int = REC_BATCH):
        files = model_files()
        from rapidocr import RapidOCR

        self.threads = threads
        threads = threads or -1
        self._engine = RapidOCR(params={
            "Global.log_level": "error",
            "Global.use_cls": False,
            # every line is kept, however unsure: an unsure cell is reported, not silently blank
            "Global.text_score": 0.0,
            "Global.max_side_len": max_side,
            "Det.model_path": str(files["det"]),
            "Rec.model_path": str(files["rec"]),
            "Rec.rec_batch_num": rec_batch,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[tuple[str, float, tuple[float, float, float, float], tuple[float, float]]]:
        """Characters of a grey image: (text, confidence, (x0, y0, x1, y1) of the character, (top, bottom)
        of its text line), in pixels from the top left."""
        return [c for line in self.read_lines(image) for c in line.chars]

    def read_lines(self, image: np.ndarray) -> list[OcrLine]:
        """The text lines of a grey image as the detector boxed them, each with its characters."""
        with self._lock:
            # every call says every step: RapidOCR keeps the steps of the previous call as its settings
            result = self._engine(image, use_det=True, use_cls=False, use_rec=True, return_word_box=True,
                                  return_single_char_box=True)
        if result.boxes is None or result.txts is None:
            return []
        out = []
        for box, text, line_score, words in zip(result.boxes, result.txts, result.scores, result.word_results):
            line_top, line_bottom = float(np.min(box[:, 1])), float(np.max(box[:, 1]))
            line = []
            for word, score, quad in words:
                quad = np.asarray(quad, dtype=float)
                x0, x1 = float(quad[:, 0].min()), float(quad[:, 0].max())
                # a word box of several characters (a Latin word) is shared out evenly
                chars = [c for c in word if not c.isspace()]
                step = (x1 - x0) / max(len(chars), 1)
                for i, ch in enumerate(chars):
                    line.append([ch, float(min(score, line_score)), (x0 + i * step, line_top, x0 + (i + 1) * step, line_bottom),
                                 (line_top, line_bottom)])
            _simplified(line)
            _full_width_punctuation(line)
            box_xy = (float(np.min(box[:, 0])), line_top, float(np.max(box[:, 0])), line_bottom)
            out.append(OcrLine(text, float(line_score), box_xy, [tuple(c) for c in line]))
        return out

    def read_line(self, image: np.ndarray) -> tuple[str, list[float]]:
        """The text of an image holding one line of text (no detection), with each character's confidence."""
        with self._lock:
            result = self._engine(image, use_det=False, use_cls=False, use_rec=True, return_word_box=True,
                                  return_single_char_box=False)
        if not result.txts or not result.word_results:
            return "", []
        info = result.word_results[0]  # the line's words (lists of characters), one confidence per character
        line = [[ch, float(conf), None, None] for ch, conf in zip((c for w in info.words for c in w), info.confs)
                if not ch.isspace()]
        _simplified(line)
        _full_width_punctuation(line)
        return "".join(c[0] for c in line), [c[1] for c in line]


_HALF_TO_FULL = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"}


def _simplified(line: list[list]) -> None:
    """Characters in their simplified forms, one for one: the reports print simplified Chinese, but the
    recogniser, trained on both, now and then returns the traditional form of a character printed simply
    (決算数 for 决算数, at 200 dpi), and a header or label misspelled so matches no measure or name. None
    of the characters the samples, the Putuo reports or the seeds print is changed (tests/test_ocr.py)."""
    import zhconv  # its dictionary loads on first use: only for files read by OCR

    for item in line:
        if _is_cjk(item[0]):
            simple = zhconv.convert(item[0], "zh-hans")
            if len(simple) == 1:
                item[0] = simple


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _full_width_punctuation(line: list[list]) -> None:
    """Brackets, colons and commas next to a Chinese character printed full width, as Chinese text prints
    them: the recogniser reads the two widths alike and returns either. Between digits (1,376.91, (5.00))
    they stay as they are."""
    for i, item in enumerate(line):
        full = _HALF_TO_FULL.get(item[0])
        if full is None:
            continue
        before = line[i - 1][0] if i > 0 else ""
        after = line[i + 1][0] if i + 1 < len(line) else ""
        if _is_cjk(before) or _is_cjk(after):
            item[0] = full


_recognizer: Recognizer | None = None


def recognizer(threads: int | None = None) -> Recognizer:
    """The process's recognizer, made on first use (loading the models takes a second), with ``threads``
    recognition threads (default: ``JUESUAN_OCR_THREADS``, else 1: files are read in parallel processes,
    one per core). Asked for another number of threads, it is made again."""
    global _recognizer
    threads = max(1, threads or int(os.environ.get("JUESUAN_OCR_THREADS", "1")))
    if _recognizer is None or _recognizer.threads != threads:
        _recognizer = Recognizer(threads=threads)
    return _recognizer


# ------------------------------------------------------------------------------------------- the image


def render_page(path: Path | str, page_no: int, dpi: int = DEFAULT_DPI) -> tuple[np.ndarray, float, float]:
    """The page (1-based) as a grey image, red and other colour ink lightened away, with the page's width
    and height in points as displayed."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_no - 1]
        width, height = page.get_size()
        if page.get_rotation() % 180 == 90:
            width, height = height, width
        bitmap = page.render(scale=dpi / 72, draw_annots=False)
        rgb = bitmap.to_numpy()
        page.close()
    finally:
        pdf.close()
    return ink(rgb), width, height


def ink(image: np.ndarray) -> np.ndarray:
    """Grey image of the black ink only, the paper at 255.

    Per pixel the brightest of its channels (pdfium gives BGR or BGRA): black print is dark in all three, a
    red seal or blue pen only in one or two. The seal's red still reads a little darker than the paper, so
    strongly coloured pixels are brightened until the seal alone is white; black print under the seal is
    dark in its brightest channel too and stays dark."""
    if image.ndim == 2:
        grey = image.astype(np.float32)
    else:
        rgb = image[:, :, :3]
        brightest = rgb.max(axis=2)
        grey = brightest.astype(np.float32)
        coloured = (brightest.astype(np.int16) - rgb.min(axis=2)) > 60
        if coloured.any():
            # the seal alone reads as the brightest of its pixels; black print under it stays as dark
            seal = max(float(np.percentile(grey[coloured], 75)), 1.0)
            grey[coloured] = np.minimum(255, grey[coloured] * (255 / seal))
    paper = max(float(np.percentile(grey, 90)), 1.0)
    return np.clip(grey * (255 / paper), 0, 255).astype(np.uint8)


def despeckle(grey: np.ndarray, dpi: int = DEFAULT_DPI) -> np.ndarray:
    """The image without specks of dust: dark blobs smaller than a full stop of small print (at 300 dpi a
    full stop of 8 pt type covers about 16 pixels) painted white."""
    import cv2

    scale = dpi / 300
    dark = (grey < 160).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=8)
    small = (stats[:, cv2.CC_STAT_AREA] < 20 * scale * scale) & (stats[:, cv2.CC_STAT_WIDTH] <= 5 * scale + 1) \
        & (stats[:, cv2.CC_STAT_HEIGHT] <= 5 * scale + 1)
    small[0] = False  # the background
    out = grey.copy()
    out[small[labels]] = 255
    return out


def estimate_skew(grey: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The angle in degrees (counter-clockwise as seen on the page) by which the page's text and rulings
    are turned: the one whose rows of dark pixels, counted along lines of that slope, are sharpest (the
    sum of squared differences of neighbouring row counts). Searched in steps of 0.1° on the page shrunk to
    1200 pixels, then of 0.01° around the best on the page at 2400 pixels. Every pixel falls whole into
    one row at every angle, so no angle is favoured by interpolation."""
    import cv2

    def dark_pixels(longest: int) -> tuple[np.ndarray, np.ndarray]:
        scale = min(1.0, longest / max(grey.shape))
        small = grey if scale == 1.0 else cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        ys, xs = np.nonzero(small < 160)
        return ys.astype(np.float32), (xs - small.shape[1] / 2).astype(np.float32)

    def best_of(ys: np.ndarray, xs: np.ndarray, angles: np.ndarray) -> float:
        def sharpness(angle: float) -> float:
            # turning the page back by `angle` moves a pixel at x (from the middle) by x * tan(angle) rows
            rows = np.rint(ys + xs * math.tan(math.radians(angle))).astype(np.int64)
            profile = np.bincount(rows - rows.min()).astype(np.float64)
            return float(np.square(np.diff(profile)).sum())

        return float(max(angles, key=sharpness))

    ys, xs = dark_pixels(1200)
    if ys.size < 50:
        return 0.0
    best = best_of(ys, xs, np.arange(-max_angle, max_angle + 1e-9, 0.1))
    ys, xs = dark_pixels(2400)
    best = best_of(ys, xs, np.arange(best - 0.1, best + 0.1 + 1e-9, 0.01))
    return round(best, 2) + 0.0  # no -0.0


def rotate(grey: np.ndarray, angle: float) -> np.ndarray:
    """Turn the image back by ``angle`` degrees about its centre, the corners filled white (the paper)."""
    import cv2

    if abs(angle) < 0.005:
        return grey
    h, w = grey.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(grey, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255)


# ------------------------------------------------------------------------------------------- rulings


@dataclass
class Rulings:
    tables: list  # camelot.core.Table in PDF points
    mask: np.ndarray  # the pixels of the rulings (uint8, 255 on a ruling)


def find_rulings(grey: np.ndarray, width: float, height: float, page_no: int = 1,
                 min_rule: float = MIN_RULE) -> Rulings:
    """The ruled grids of a page image, as camelot's lattice flavour finds them on a rendered page: camelot
    ``Table`` objects (rows, cols, cells with their edges, ``_bbox``) in PDF points of a page ``width`` x
    ``height``, top to bottom."""
    import cv2
    from camelot.core import Table
    from camelot.image_processing import adaptive_threshold, find_contours, find_joints, find_lines
    from camelot.utils import merge_close_lines, scale_image, segments_in_bbox

    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    _, threshold = adaptive_threshold(bgr, process_background=False, blocksize=15, c=-2)
    img_h, img_w = grey.shape
    # camelot sizes its structuring element as the image's side divided by line_scale
    vertical_mask, vertical = find_lines(threshold, direction="vertical",
                                         line_scale=max(1, int(height / min_rule)))
    horizontal_mask, horizontal = find_lines(threshold, direction="horizontal",
                                             line_scale=max(1, int(width / min_rule)))
    contours = find_contours(vertical_mask, horizontal_mask)
    joints = find_joints(contours, vertical_mask, horizontal_mask)
    pdf_scalers = (width / img_w, height / img_h, img_h)
    boxes, v_segments, h_segments = scale_image(joints, vertical, horizontal, pdf_scalers)
    tables = []
    for bbox, parse in boxes.items():
        found = parse["joints"]
        cols = merge_close_lines(sorted([x for x, _ in found] + [bbox[0], bbox[2]]), line_tol=LINE_TOL)
        rows = merge_close_lines(sorted([y for _, y in found] + [bbox[1], bbox[3]], reverse=True), line_tol=LINE_TOL)
        if len(cols) < 2 or len(rows) < 2:
            continue
        table = Table(list(zip(cols, cols[1:])), list(zip(rows, rows[1:])))
        table.page = page_no
        table._bbox = bbox
        v_s, h_s = segments_in_bbox(bbox, v_segments, h_segments)
        table = table.set_edges(v_s, h_s, joint_tol=2).set_border()
        table.flavor = "lattice"
        table.pdf_size = (width, height)
        tables.append(table)
    tables.sort(key=lambda t: -t._bbox[3])
    for order, table in enumerate(tables, 1):
        table.order = order
    mask = cv2.dilate(cv2.bitwise_or(vertical_mask, horizontal_mask), np.ones((5, 5), np.uint8))
    return Rulings(tables, mask)


def erase(grey: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The image with the masked pixels (rulings) painted white (the paper), so that the text detector
    does not run a label and the amount across the rule beside it into one line."""
    out = grey.copy()
    out[mask > 0] = 255
    return out


# ------------------------------------------------------------------------------------------- the page


def ocr_image(grey: np.ndarray, width: float, height: float, page_no: int = 1, *, deskew: bool = True,
              engine: Recognizer | None = None, dpi: int = DEFAULT_DPI, upright: bool = True) -> OcrPage:
    """Read one page image (grey, as ``render_page`` gives it) of a page ``width`` x ``height`` points.

    With ``upright``, a page whose text runs down or up the page (scanned a quarter turn round) or stands
    on its head is turned upright first (``upright_turn``): its characters then come in the coordinates of
    the page turned upright, ``width`` and ``height`` swapped for a quarter turn."""
    engine = engine or recognizer()
    seconds = {"deskew": 0.0, "rulings": 0.0, "recognition": 0.0}
    turn = 0
    while True:
        t = time.perf_counter()
        angle = estimate_skew(grey) if deskew else 0.0
        straight = rotate(grey, angle)
        seconds["deskew"] += time.perf_counter() - t
        t = time.perf_counter()
        rulings = find_rulings(straight, width, height, page_no)
        seconds["rulings"] += time.perf_counter() - t
        t = time.perf_counter()
        cleaned = despeckle(erase(straight, rulings.mask), dpi)
        lines = engine.read_lines(cleaned)
        seconds["recognition"] += time.perf_counter() - t
        if upright and turn == 0:
            t = time.perf_counter()
            turn = upright_turn(cleaned, lines, engine)
            seconds["recognition"] += time.perf_counter() - t
            if turn:
                grey = np.ascontiguousarray(np.rot90(grey, turn // 90))
                if turn % 180:
                    width, height = height, width
                continue
        break
    img_h, img_w = straight.shape
    sx, sy = width / img_w, height / img_h
    chars = []
    for text, confidence, (x0, _, x1, _), (top, bottom) in (c for line in lines for c in line.chars):
        size = (bottom - top) * sy / _BOX_PER_SIZE
        middle = height - (top + bottom) / 2 * sy
        # the baseline under the line's middle, so that Char.cy gives that middle back
        chars.append(OcrChar(text, x0 * sx, x1 * sx, middle - MIDDLE * size, size, round(confidence, 4)))
    return OcrPage(page_no, width, height, dpi, angle, chars, rulings.tables, seconds, cleaned, turn=turn)


def ocr_page(path: Path | str, page_no: int, *, dpi: int = DEFAULT_DPI, deskew: bool = True,
             engine: Recognizer | None = None) -> OcrPage:
    """Render, deskew, find the rulings of and read one page (1-based) of a PDF."""
    t = time.perf_counter()
    grey, width, height = render_page(path, page_no, dpi)
    render_seconds = time.perf_counter() - t
    page = ocr_image(grey, width, height, page_no, deskew=deskew, engine=engine, dpi=dpi)
    page.seconds = {"render": render_seconds, **page.seconds}
    return page


def read_page(document, page_no: int, *, dpi: int = DEFAULT_DPI, engine: Recognizer | None = None) -> OcrPage:
    """One page of an opened ``read.document.Document`` read by OCR, the cells of its grids read too
    (``OcrPage.grids``). The page image is let go afterwards: a report's pages are read one after the
    other, and only the characters, grids and cells are kept."""
    engine = engine or recognizer()
    t = time.perf_counter()
    width, height = document.size(page_no)
    grey = ink(document.render(page_no, dpi))
    render_seconds = time.perf_counter() - t
    page = ocr_image(grey, width, height, page_no, engine=engine, dpi=dpi)
    del grey
    t = time.perf_counter()
    for table in page.tables:
        rows, readings = read_cells(page, table, engine=engine)
        page.grids.append(OcrGrid(table, rows, readings))
    page.seconds = {"render": render_seconds, **page.seconds, "cells": time.perf_counter() - t}
    page.image = page._known = None
    return page


def read_by_ocr(document, pages: list[int], *, dpi: int = DEFAULT_DPI, threads: int | None = None,
                on_page: Callable[[int, int, int], None] | None = None) -> None:
    """Read `pages` of an opened ``read.document.Document`` by OCR, one after the other (`read_page`), and
    give the document what was read (``Document.add_ocr_page``): its characters, size and grids are the
    recognised ones from then on. ``on_page(done, total, page_no)`` is called before the first page and
    after each. Raises `OcrUnavailable` when the engine or its models are missing."""
    engine = recognizer(threads)
    total = len(pages)
    if on_page is not None and pages:
        on_page(0, total, pages[0])
    for done, page_no in enumerate(pages, 1):
        document.add_ocr_page(read_page(document, page_no, dpi=dpi, engine=engine))
        if on_page is not None:
            on_page(done, total, page_no)


#: A page is turned a quarter round when this many of its text lines stand taller than wide, and more
#: than twice as many as lie wider than tall (Chinese characters are square: a line of two or more lies
#: wide when upright) ...
MIN_TALL_LINES = 3
#: ... and stands on its head when its lines of four characters or more are read with a mean confidence
#: below this (text upside down reads as unsure strings of other characters).
UPSIDE_DOWN_CONFIDENCE = 0.6
#: How many of its lines are read again each way round to choose the turn.
TURN_SAMPLE = 8


def upright_turn(image: np.ndarray, lines: list[OcrLine], engine: Recognizer) -> int:
    """The turn (degrees counter-clockwise: 0, 90, 180 or 270) that sets the page's text upright, from the
    text lines first found in the page ``image``: tall lines mean a quarter turn, read again turned either
    way to tell which; lines read unsurely are read again upside down."""
    tall = [ln for ln in lines if ln.height > 1.5 * ln.width]
    wide = [ln for ln in lines if ln.width > 1.5 * ln.height]
    if len(tall) >= MIN_TALL_LINES and len(tall) > 2 * len(wide):
        sample = sorted(tall, key=lambda ln: -ln.height)[:TURN_SAMPLE]
        return max((90, 270), key=lambda turn: _sample_score(image, sample, turn, engine))
    long = [ln for ln in lines if len(ln.chars) >= 4]
    if long and sum(ln.confidence for ln in long) / len(long) < UPSIDE_DOWN_CONFIDENCE:
        sample = sorted(long, key=lambda ln: -ln.width)[:TURN_SAMPLE]
        if _sample_score(image, sample, 180, engine) > _sample_score(image, sample, 0, engine):
            return 180
    return 0


def _sample_score(image: np.ndarray, lines: list[OcrLine], turn: int, engine: Recognizer) -> float:
    """The summed confidence of the characters read in the boxes of ``lines``, each turned by ``turn``."""
    img_h, img_w = image.shape
    total = 0.0
    for ln in lines:
        x0, y0, x1, y1 = (int(v) for v in ln.box)
        crop = image[max(0, y0 - 4):min(img_h, y1 + 4), max(0, x0 - 4):min(img_w, x1 + 4)]
        if crop.size == 0:
            continue
        _, confidences = engine.read_line(np.ascontiguousarray(np.rot90(crop, turn // 90)))
        total += sum(confidences)
    return total


# punctuation that the recogniser reads in both widths, and so with a split, lower confidence: the width is
# not what is uncertain (it is normalised), the character is
WIDTH_VARIANTS = frozenset("()（）:：;；")
MIN_WIDTH_VARIANT_CONFIDENCE = 0.30


def char_confidence(char: Char, threshold: float = MIN_CONFIDENCE) -> float:
    """How sure a character is, for deciding whether to keep it: its confidence, but at least ``threshold``
    for a bracket or colon recognised with ``MIN_WIDTH_VARIANT_CONFIDENCE`` or more. Characters from a
    text layer count as certain."""
    return _kept_confidence(char.text, getattr(char, "confidence", 1.0), threshold)


def _kept_confidence(text: str, confidence: float, threshold: float = MIN_CONFIDENCE) -> float:
    """``char_confidence`` of a character given as its text and confidence (a cell read again)."""
    if text in WIDTH_VARIANTS and confidence >= MIN_WIDTH_VARIANT_CONFIDENCE:
        return max(confidence, threshold)
    return confidence


def cell_confidence(chars: list[Char], x0: float, x1: float, bottom: float, top: float,
                    threshold: float = MIN_CONFIDENCE) -> float | None:
    """The lowest ``char_confidence`` of the characters whose centre lies in the box, or within a point of
    it as ``printed_rows`` places them (None when there are none)."""
    inside = [char_confidence(c, threshold) for c in chars
              if x0 - 1 <= c.cx <= x1 + 1 and bottom - 1 <= c.cy <= top + 1]
    return min(inside) if inside else None


# an amount as these tables print it: thousands grouped by three, decimals, a minus or brackets
_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$|^\((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?\)$")


def amount_decimals(text: str) -> int | None:
    """The number of decimals of recognised text spelled as an amount is printed, or None when it is not
    spelled so. Stricter than reading a text layer: a comma read for a full stop (36,91) or a speck read as
    a full stop (1,070.00.) makes text that a looser grammar takes for another number."""
    m = _AMOUNT.match(squeeze(text))
    if m is None:
        return None
    digits = m.group(1) if m.group(1) is not None else m.group(2)
    return len(digits) if digits else 0


def looks_like_amount(text: str, decimals: int | None = None) -> bool:
    """Whether recognised text is an amount, with exactly ``decimals`` decimals when given: a table prints
    all its amounts with the same number of decimals, so a full stop lost to the scan (1,010.09 read as
    101009, 0.00 as 000) shows as an amount without them."""
    found = amount_decimals(text)
    return found is not None and (decimals is None or found == decimals)


def usual_decimals(texts) -> int | None:
    """The number of decimals most of the amounts among ``texts`` are printed with (None: no amount)."""
    counts: dict[int, int] = {}
    for text in texts:
        d = amount_decimals(text) if text else None
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return max(counts, key=lambda d: (counts[d], d)) if counts else None


# ------------------------------------------------------------------------------------------- cells

#: A label (no digit) read alike twice is kept when both readings are at least this sure; an amount or a
#: code must be read surely (``MIN_CONFIDENCE``).
MIN_AGREED_CONFIDENCE = 0.5


def _has_digit(text: str) -> bool:
    return any(ch.isdigit() for ch in text)


INK = 160  # grey level below which a pixel is ink
MIN_INK = 30  # pixels of ink (at 300 dpi) that make a cell not blank: a "1" of 8 pt type has about 60


@dataclass
class CellReading:
    """How one printed cell of an OCR grid was read."""

    row: int  # index in the rows of ``read_cells``
    col: int  # index of the printed cell in its row
    text: str  # as recognised (also when it is not kept)
    confidence: float | None  # the lowest of its characters' (None: nothing recognised)
    # 'sure', 'confirmed' (unsure at first, the same text read again surely), 'agreed' (a label without
    # digits read alike twice, unsurely), 'header' (a header label kept as read most surely), 'unsure', 'unread'
    status: str

    @property
    def kept(self) -> bool:
        return self.status in ("sure", "confirmed", "agreed", "header")

    def warning(self, page: int) -> str | None:
        if self.status == "header":
            return (f"page {page}: a header label read by OCR unsurely as {self.text!r} (confidence "
                    f"{self.confidence:.2f}) is kept: the warehouse knows the labels a header may hold")
        if self.status == "agreed":
            return (f"page {page}: a label read by OCR as {self.text!r} with confidence {self.confidence:.2f}, "
                    "alike both times it was read, is kept")
        if self.status == "unsure":
            return (f"page {page}: a cell read by OCR as {self.text!r} with confidence {self.confidence:.2f} "
                    "(twice unsure) is left empty")
        if self.status == "unread":
            return (f"page {page}: a cell holds print that OCR could not read"
                    + (f" (read {self.text!r} with confidence {self.confidence:.2f})" if self.text else "")
                    + "; it is left empty")
        return None


def _box_pixels(page: OcrPage, x0: float, x1: float, bottom: float, top: float, inset: int) -> tuple[int, int, int, int]:
    img_h, img_w = page.image.shape
    sx, sy = img_w / page.width, img_h / page.height
    left, right = int(x0 * sx) + inset, int(x1 * sx) - inset
    upper, lower = int((page.height - top) * sy) + inset, int((page.height - bottom) * sy) - inset
    return max(0, left), max(0, upper), min(img_w, right), min(img_h, lower)


def ink_lines(crop: np.ndarray, dpi: int) -> list[np.ndarray]:
    """The lines of print in a cell's image, each cut out with a margin of paper, top to bottom."""
    dark = crop < INK
    rows = np.flatnonzero(dark.sum(axis=1) > 0)
    if rows.size == 0:
        return []
    gap = max(2, int(4 * dpi / 300))  # rows of paper between two lines of a wrapped label
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > gap) + 1)
    margin = max(4, int(8 * dpi / 300))
    out = []
    for band in bands:
        y0, y1 = int(band[0]), int(band[-1]) + 1
        if y1 - y0 < 3 * dpi / 300:  # a speck or a remnant of a ruling, not a line of print
            continue
        cols = np.flatnonzero(dark[y0:y1].sum(axis=0) > 0)
        x0, x1 = int(cols[0]), int(cols[-1]) + 1
        line = np.full((y1 - y0 + 2 * margin, x1 - x0 + 2 * margin), 255, dtype=np.uint8)
        line[margin:margin + y1 - y0, margin:margin + x1 - x0] = crop[y0:y1, x0:x1]
        out.append(line)
    return out


def reread(page: OcrPage, x0: float, x1: float, bottom: float, top: float,
           engine: Recognizer | None = None) -> tuple[str, float | None]:
    """Read the print inside a box of the page again, line by line, on the page image at full resolution
    (the first reading saw the page shrunk to ``MAX_SIDE``): the text (lines joined by newlines) and the
    lowest confidence of its characters (as ``char_confidence`` counts them)."""
    left, upper, right, lower = _box_pixels(page, x0, x1, bottom, top, inset=2)
    if right <= left or lower <= upper:
        return "", None
    engine = engine or recognizer()
    texts, confidences = [], []
    for line in ink_lines(page.image[upper:lower, left:right], page.dpi):
        text, confs = engine.read_line(line)
        if text:
            texts.append(text)
            confidences.extend(_kept_confidence(ch, conf) for ch, conf in zip(text, confs))
    return "\n".join(texts), (min(confidences) if confidences else None)


def _known_text_mask(page: OcrPage) -> np.ndarray:
    """The pixels covered by recognised characters (each character's box, widened by half its size either
    side, over its line's height)."""
    if page._known is None:
        img_h, img_w = page.image.shape
        sx, sy = img_w / page.width, img_h / page.height
        mask = np.zeros(page.image.shape, dtype=bool)
        for c in page.chars:
            half = c.size * _BOX_PER_SIZE / 2  # the detected line's box, around the middle of the characters
            top, bottom = c.cy + half, c.cy - half
            # the recogniser's character boxes are narrower than the glyphs: widen them to their neighbours
            left, right = c.x0 - 0.5 * c.size, c.x1 + 0.5 * c.size
            mask[max(0, int((page.height - top) * sy)):int((page.height - bottom) * sy) + 1,
                 max(0, int(left * sx)):int(right * sx) + 1] = True
        page._known = mask
    return page._known


def has_ink(page: OcrPage, x0: float, x1: float, bottom: float, top: float) -> bool:
    """Whether the box holds print (more than a few specks) in the image the recogniser read that is not
    part of a recognised character (the text of a merged cell reaches into the rows beside it)."""
    left, upper, right, lower = _box_pixels(page, x0, x1, bottom, top, inset=3)
    if right <= left or lower <= upper:
        return False
    ink = (page.image[upper:lower, left:right] < INK) & ~_known_text_mask(page)[upper:lower, left:right]
    return int(ink.sum()) >= MIN_INK * (page.dpi / 300) ** 2


def read_cells(page: OcrPage, table, *, threshold: float = MIN_CONFIDENCE,
               engine: Recognizer | None = None) -> tuple[list[list[PrintedCell]], list[CellReading]]:
    """The printed cells of one grid of an OCR page, as ``printed_rows`` gives them for a text page, and how
    each non-blank cell was read. A cell whose characters are all recognised with at least ``threshold``
    is kept. Otherwise its box is read again at full resolution: it is kept when that reading gives the
    same text with every character at ``threshold`` or more ('confirmed'), and emptied otherwise
    ('unsure'), unless it holds no digit and both readings agree with at least ``MIN_AGREED_CONFIDENCE``
    ('agreed', a label). A cell where nothing was recognised but that holds print is read again the same way, and
    kept when sure, or emptied ('unread'). Emptied cells are blank in the rows (NULL for the reader); their
    readings say what was seen, for the warning. A sure cell that also holds print outside its recognised
    characters (the last line of a wrapped label left out) is read again too: kept as first read when the
    second reading agrees, completed when it is sure and holds the first, emptied ('unsure') otherwise.

    A label without digits in the grid's header rows (the rows above its first row of data) that is not
    read surely either way is kept as read most surely ('header'): a header names what its column holds,
    and the warehouse knows every label a header may hold (a column whose header no measure knows sets
    the report aside), so a misread header cannot make a wrong amount, while an empty one loses the column."""
    rows = printed_rows(table, page.chars)
    first_data = next((r for r, row in enumerate(rows) if is_data_row([cell.text for cell in row])), len(rows))
    readings: list[CellReading] = []
    for r, row in enumerate(rows):
        top, bottom = table.rows[r]
        for c, cell in enumerate(row):
            confidence = cell_confidence(page.chars, cell.x0, cell.x1, bottom, top, threshold)
            unread_ink = page.image is not None and has_ink(page, cell.x0, cell.x1, bottom, top)
            if cell.text and confidence is not None and confidence >= threshold and not unread_ink:
                readings.append(CellReading(r, c, cell.text, confidence, "sure"))
                continue
            if not cell.text and not unread_ink:
                continue  # blank
            again, again_confidence = (reread(page, cell.x0, cell.x1, bottom, top, engine)
                                       if page.image is not None else ("", None))
            sure_again = again_confidence is not None and again_confidence >= threshold
            sure_first = confidence is not None and confidence >= threshold
            if cell.text and sure_again and squeeze(again) == squeeze(cell.text):
                # the reading that confirms the cell says how sure it is
                readings.append(CellReading(r, c, cell.text, min(again_confidence, confidence) if sure_first
                                            else again_confidence, "confirmed"))
            elif cell.text and sure_first and sure_again and squeeze(cell.text) in squeeze(again):
                # the print the first reading left out (a wrapped label's last line), read surely the second time
                cell.text = again
                readings.append(CellReading(r, c, again, min(again_confidence, confidence), "confirmed"))
            elif not cell.text and sure_again and again:
                cell.text = again
                readings.append(CellReading(r, c, again, again_confidence, "confirmed"))
            elif (cell.text and again and squeeze(again) == squeeze(cell.text) and not _has_digit(cell.text)
                  and min(confidence or 0.0, again_confidence or 0.0) >= MIN_AGREED_CONFIDENCE):
                # a label (a header's, a row's) read alike twice: the words a header may hold are known to
                # the warehouse, and a row is keyed by its code, so an unsure label cannot pass for another
                readings.append(CellReading(r, c, cell.text, min(confidence, again_confidence), "agreed"))
            else:
                seen = [(conf, text) for text, conf in ((cell.text, confidence), (again, again_confidence))
                        if text and conf is not None]
                best = max(seen, default=None)
                if r < first_data and best is not None and not _has_digit(best[1]):
                    cell.text = best[1]
                    readings.append(CellReading(r, c, best[1], best[0], "header"))
                    continue
                readings.append(CellReading(r, c, cell.text or again, confidence if cell.text else again_confidence,
                                            "unsure" if cell.text else "unread"))
                cell.text = ""
    for row in rows:
        for cell in row:
            cell.confidence = None
    for reading in readings:
        rows[reading.row][reading.col].confidence = reading.confidence if reading.kept else None
    return rows, readings
