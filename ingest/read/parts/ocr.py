"""Pages without a text layer (scans) read by OCR into characters with positions, and their ruled grid found
in the page image, so that the rest of the reader places text in cells as it does for text pages.

One page goes through:

1. **render** with pdfium at ``dpi`` (300 by default) and keep, per pixel, the brightest of its three
   colour channels: black print stays black, grey paper stays grey, and a red seal stamped over the table
   turns nearly white (its red channel is high);
2. **deskew**: the angle that makes the rows of the page sharpest (projection profile of the dark pixels,
   coarse then fine, within ``MAX_SKEW`` degrees) and the image turned back by it;
3. **rulings**: camelot's own raster lattice steps (adaptive threshold, morphological line masks, contours,
   joints) on the deskewed image give camelot ``Table`` grids in PDF points, the same objects its lattice
   flavour returns for text pages (camelot itself returns nothing for a page without text: it warns that the
   page is image-based and stops before looking for lines);
4. **recognition** with RapidOCR (PP-OCR detection and recognition models shipped inside the ``rapidocr``
   wheel, run by onnxruntime) on the deskewed image with the rulings painted out, each text line split
   into characters by the recogniser's own alignment; every character keeps its confidence.

Coordinates are PDF points, origin at the bottom left of the page as displayed, as ``Char`` has them. The
models are never downloaded: their files are looked up inside the installed package and checked against
the sha256 the package lists, and a missing or altered file raises ``OcrUnavailable`` saying how to
reinstall. RapidOCR itself would try to download a missing default model, so it is always given explicit
model paths.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...page_text import Char, PageText, TextLine, _lines

log = logging.getLogger(__name__)

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
LINE_SCALE = 15  # camelot lattice's default: a ruling is at least 1/15 of the page across
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

    def lines(self) -> list[TextLine]:
        return _lines(list(self.chars), self.width, self.height)

    def page_text(self) -> PageText:
        """The page as the text pass sees a text page (no images counted: OCR has read them)."""
        return PageText(self.page, self.width, self.height, self.lines(), 0)


# ------------------------------------------------------------------------------------------- the engine


def _rapidocr_dir() -> Path:
    try:
        import rapidocr
    except ImportError as e:
        raise OcrUnavailable("OCR needs the packages rapidocr and onnxruntime: pip install 'juesuan[ocr]'") from e
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
                                 "wheel; reinstall it (pip install --force-reinstall --no-deps 'rapidocr==3.10.*'). "
                                 "juesuan never downloads models.")
        expected = known.get(key, {}).get("SHA256")
        if expected is None:
            raise OcrUnavailable(f"rapidocr's default_models.yaml lists no sha256 for {key}: this rapidocr "
                                 "version is not the one juesuan was made for (rapidocr 3.10)")
        if _sha256(path) != expected:
            raise OcrUnavailable(f"the OCR model {path} does not match its sha256 {expected[:12]}…: the file is "
                                 "damaged or altered; reinstall rapidocr (pip install --force-reinstall --no-deps "
                                 "'rapidocr==3.10.*')")
        out[task] = path
    return out


class Recognizer:
    """RapidOCR with the shipped models, detection and recognition only (pages are deskewed first, so the
    text-direction classifier is not needed). One per process; not to be shared between threads."""

    def __init__(self, threads: int | None = None, max_side: int = MAX_SIDE):
        files = model_files()
        from rapidocr import RapidOCR

        threads = threads or -1
        self._engine = RapidOCR(params={
            "Global.log_level": "error",
            "Global.use_cls": False,
            # every line is kept, however unsure: an unsure cell is reported, not silently blank
            "Global.text_score": 0.0,
            "Global.max_side_len": max_side,
            "Det.model_path": str(files["det"]),
            "Rec.model_path": str(files["rec"]),
            "Rec.rec_batch_num": 16,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        })
        self._lock = threading.Lock()

    def read(self, image: np.ndarray) -> list[tuple[str, float, tuple[float, float, float, float], tuple[float, float]]]:
        """Characters of a grey image: (text, confidence, (x0, y0, x1, y1) of the character, (top, bottom)
        of its text line), in pixels from the top left."""
        with self._lock:
            result = self._engine(image, return_word_box=True, return_single_char_box=True)
        if result.boxes is None or result.txts is None:
            return []
        out = []
        for box, line_score, words in zip(result.boxes, result.scores, result.word_results):
            line_top, line_bottom = float(np.min(box[:, 1])), float(np.max(box[:, 1]))
            line = []
            for text, score, quad in words:
                quad = np.asarray(quad, dtype=float)
                x0, x1 = float(quad[:, 0].min()), float(quad[:, 0].max())
                # a word box of several characters (a Latin word) is shared out evenly
                chars = [c for c in text if not c.isspace()]
                step = (x1 - x0) / max(len(chars), 1)
                for i, ch in enumerate(chars):
                    line.append([ch, float(min(score, line_score)), (x0 + i * step, line_top, x0 + (i + 1) * step, line_bottom),
                                 (line_top, line_bottom)])
            _full_width_punctuation(line)
            out.extend(tuple(c) for c in line)
        return out


_HALF_TO_FULL = {"(": "（", ")": "）", ":": "：", ";": "；", ",": "，"}


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


def recognizer() -> Recognizer:
    """The process's recognizer, made on first use (loading the models takes a second)."""
    global _recognizer
    if _recognizer is None:
        _recognizer = Recognizer(threads=int(os.environ.get("JUESUAN_OCR_THREADS", "0")) or None)
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
    small = (stats[:, cv2.CC_STAT_AREA] < 14 * scale * scale) & (stats[:, cv2.CC_STAT_WIDTH] <= 5 * scale + 1) \
        & (stats[:, cv2.CC_STAT_HEIGHT] <= 5 * scale + 1)
    small[0] = False  # the background
    out = grey.copy()
    out[small[labels]] = 255
    return out


def estimate_skew(grey: np.ndarray, max_angle: float = MAX_SKEW) -> float:
    """The angle in degrees (counter-clockwise as seen on the page) by which the page's text and rulings
    are turned: the rotation back that makes the profile of dark pixels per row sharpest."""
    import cv2

    small_scale = 800 / max(grey.shape)
    small = cv2.resize(grey, None, fx=small_scale, fy=small_scale, interpolation=cv2.INTER_AREA)
    dark = (small < 160).astype(np.float32)
    if dark.sum() < 50:
        return 0.0
    h, w = dark.shape
    center = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(center, -angle, 1.0)
        turned = cv2.warpAffine(dark, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
        profile = turned.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-max_angle, max_angle + 1e-9, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    # the last step at full resolution of the rows: the small image cannot tell 0.05° apart
    big_scale = 2000 / max(grey.shape)
    if big_scale < 1:
        dark = (cv2.resize(grey, None, fx=big_scale, fy=big_scale, interpolation=cv2.INTER_AREA) < 160)
    else:
        dark = grey < 160
    dark = dark.astype(np.float32)
    h, w = dark.shape
    center = (w / 2, h / 2)
    best = max(np.arange(best - 0.05, best + 0.05 + 1e-9, 0.01), key=sharpness)
    return round(float(best), 2)


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
                 line_scale: int = LINE_SCALE) -> Rulings:
    """The ruled grids of a page image, as camelot's lattice flavour finds them on a rendered page: camelot
    ``Table`` objects (rows, cols, cells with their edges, ``_bbox``) in PDF points of a page ``width`` x
    ``height``, top to bottom."""
    import cv2
    from camelot.core import Table
    from camelot.image_processing import adaptive_threshold, find_contours, find_joints, find_lines
    from camelot.utils import merge_close_lines, scale_image, segments_in_bbox

    bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    _, threshold = adaptive_threshold(bgr, process_background=False, blocksize=15, c=-2)
    vertical_mask, vertical = find_lines(threshold, direction="vertical", line_scale=line_scale)
    horizontal_mask, horizontal = find_lines(threshold, direction="horizontal", line_scale=line_scale)
    contours = find_contours(vertical_mask, horizontal_mask)
    joints = find_joints(contours, vertical_mask, horizontal_mask)
    img_h, img_w = grey.shape
    pdf_scalers = (width / img_w, height / img_h, img_h)
    boxes, v_segments, h_segments = scale_image(joints, vertical, horizontal, pdf_scalers)
    tables = []
    for bbox, parse in boxes.items():
        found = parse["joints"]
        cols = merge_close_lines(sorted([x for x, _ in found] + [bbox[0], bbox[2]]), line_tol=2)
        rows = merge_close_lines(sorted([y for _, y in found] + [bbox[1], bbox[3]], reverse=True), line_tol=2)
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
              engine: Recognizer | None = None, dpi: int = DEFAULT_DPI) -> OcrPage:
    """Read one page image (grey, as ``render_page`` gives it) of a page ``width`` x ``height`` points."""
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    angle = estimate_skew(grey) if deskew else 0.0
    grey = rotate(grey, angle)
    seconds["deskew"] = time.perf_counter() - t
    t = time.perf_counter()
    rulings = find_rulings(grey, width, height, page_no)
    seconds["rulings"] = time.perf_counter() - t
    t = time.perf_counter()
    found = (engine or recognizer()).read(despeckle(erase(grey, rulings.mask), dpi))
    seconds["recognition"] = time.perf_counter() - t
    img_h, img_w = grey.shape
    sx, sy = width / img_w, height / img_h
    chars = []
    for text, confidence, (x0, _, x1, _), (top, bottom) in found:
        size = (bottom - top) * sy / _BOX_PER_SIZE
        middle = height - (top + bottom) / 2 * sy
        chars.append(OcrChar(text, x0 * sx, x1 * sx, middle - 0.35 * size, size, round(confidence, 4)))
    return OcrPage(page_no, width, height, dpi, angle, chars, rulings.tables, seconds)


def ocr_page(path: Path | str, page_no: int, *, dpi: int = DEFAULT_DPI, deskew: bool = True,
             engine: Recognizer | None = None) -> OcrPage:
    """Render, deskew, find the rulings of and read one page (1-based) of a PDF."""
    t = time.perf_counter()
    grey, width, height = render_page(path, page_no, dpi)
    render_seconds = time.perf_counter() - t
    page = ocr_image(grey, width, height, page_no, deskew=deskew, engine=engine, dpi=dpi)
    page.seconds = {"render": render_seconds, **page.seconds}
    return page


def cell_confidence(chars: list[Char], x0: float, x1: float, bottom: float, top: float) -> float | None:
    """The lowest confidence of the recognised characters whose centre lies in the box (None when there
    are none); characters from a text layer count as certain."""
    inside = [getattr(c, "confidence", 1.0) for c in chars if x0 <= c.cx <= x1 and bottom <= c.cy <= top]
    return min(inside) if inside else None


def unsure(chars: list[Char], threshold: float = MIN_CONFIDENCE) -> list[Char]:
    """The characters recognised with a confidence below ``threshold``."""
    return [c for c in chars if getattr(c, "confidence", 1.0) < threshold]

