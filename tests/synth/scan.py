"""Make scanned reports out of text PDFs: every page, or only some, turned into a page image with what a
scanner adds, wrapped in an image-only PDF page (no text layer).

    python -m tests.synth.scan SRC.pdf DST.pdf [--dpi 300] [--seed 0] [--pages 3,4,5] [--grey] [--clean]

``scan_pdf(src, dst, ...)`` writes the PDF and returns what it did per page (the rotation applied, whether
a seal was stamped), so tests know what to expect. Deterministic: the same source, seed and style give the
same bytes. What a scanner adds, in the order it happens to paper:

* a red round seal (a ring, a star and the department's name around it) stamped over part of a table on
  the pages that hold one (a page with at least ``SEAL_MIN_RULES`` long horizontal rules);
* paper that is not white: a grey tone with a slow gradient across the page;
* the optics: a slight blur;
* the sheet laid a little askew: a rotation of up to ``max_angle`` degrees either way (and, with
  ``turn``, fed a quarter or half turn round: the page image and its PDF page turned);
* dust: dark speckles, a few pixels each;
* JPEG compression (the image is stored as DCT, as scanners store it).

No real scan is available offline; these are the test material for reading scans (OCR).
"""
from __future__ import annotations

import argparse
import io
import math
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

SEAL_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # Debian fonts-wqy-zenhei (make fonts)
SEAL_MIN_RULES = 4
SEAL_RED = (205, 35, 45)


@dataclass(frozen=True)
class ScanStyle:
    dpi: int = 300
    max_angle: float = 1.0  # degrees; each page gets a random angle in [-max_angle, max_angle]
    jpeg_quality: int = 75
    paper: tuple[int, int] = (222, 240)  # grey level range of the paper, darkest to lightest
    blur: float = 0.6  # Gaussian radius in pixels at 300 dpi (scaled with the dpi)
    speckles_per_page: int = 1500
    seal: bool = True
    seal_text: str = "行政审批和政务信息管理局"
    grey: bool = False  # a greyscale scan (the seal then prints grey)
    turn: int = 0  # degrees counter-clockwise the sheet was turned in the scanner: 0, 90, 180 or 270

    def clean(self) -> ScanStyle:
        """Only rendered and compressed: no seal, paper tone, blur, rotation or dust."""
        return replace(self, max_angle=0.0, paper=(255, 255), blur=0.0, speckles_per_page=0, seal=False)


@dataclass
class ScannedPage:
    page: int  # 1-based, in the source and in the output
    scanned: bool
    angle: float = 0.0  # degrees, counter-clockwise as seen on the page
    seal_center: tuple[float, float] | None = None  # PDF points from the bottom left
    jpeg_bytes: int = 0


@dataclass
class ScanResult:
    path: Path
    dpi: int
    pages: list[ScannedPage] = field(default_factory=list)

    @property
    def scanned_pages(self) -> list[int]:
        return [p.page for p in self.pages if p.scanned]


def scan_pdf(src: Path | str, dst: Path | str, *, style: ScanStyle = ScanStyle(), seed: int = 0,
             pages: list[int] | None = None, seal_text: str | None = None) -> ScanResult:
    """Write ``dst``: ``src`` with ``pages`` (1-based; all when None) replaced by scanned images of them.

    The other pages are copied as they are (text and all), so ``pages`` makes a mixed PDF."""
    if seal_text is not None:
        style = replace(style, seal_text=seal_text)
    source = pdfium.PdfDocument(str(src))
    out = pdfium.PdfDocument.new()
    result = ScanResult(Path(dst), style.dpi)
    try:
        n = len(source)
        wanted = set(range(1, n + 1)) if pages is None else set(pages)
        # the text pages are imported in one go, so that they share their fonts and resources
        out.import_pages(source)
        for page_no in range(1, n + 1):
            if page_no not in wanted:
                result.pages.append(ScannedPage(page_no, False))
                continue
            # one generator per page, so a page's scan does not depend on which other pages are scanned
            rng = random.Random(f"{seed}:{page_no}")
            page = source[page_no - 1]
            width, height = page.get_size()
            if style.turn % 180:
                width, height = height, width
            image, info = scan_page(page, style, rng)
            data = _jpeg(image, style.jpeg_quality)
            out.del_page(page_no - 1)
            _image_page(out, data, width, height, page_no - 1)
            info.page, info.jpeg_bytes = page_no, len(data)
            result.pages.append(info)
        out.save(str(dst))
    finally:
        out.close()
        source.close()
    return result


def scan_page(page: pdfium.PdfPage, style: ScanStyle, rng: random.Random) -> tuple[Image.Image, ScannedPage]:
    """The scanned image of one page (RGB, or L for a grey scan) and what was done to it."""
    scale = style.dpi / 72
    height = page.get_size()[1]
    image = page.render(scale=scale, draw_annots=False).to_pil().convert("RGB")
    info = ScannedPage(0, True)
    if style.seal:
        center = _seal_place(np.asarray(image.convert("L")), rng)
        if center is not None:
            _stamp_seal(image, center, style, rng)
            info.seal_center = (center[0] / scale, height - center[1] / scale)
    if style.grey:
        image = image.convert("L")
    if style.paper != (255, 255):
        image = _paper(image, style.paper, rng)
    if style.blur:
        image = image.filter(ImageFilter.GaussianBlur(style.blur * style.dpi / 300))
    if style.max_angle:
        info.angle = round(rng.uniform(-style.max_angle, style.max_angle), 3)
        fill = style.paper[1] if style.grey else (style.paper[1],) * 3
        image = image.rotate(info.angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    if style.speckles_per_page:
        _speckle(image, style.speckles_per_page, style.dpi, rng)
    if style.turn:
        image = image.rotate(style.turn, expand=True)
    return image, info


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _image_page(pdf: pdfium.PdfDocument, jpeg: bytes, width: float, height: float, index: int) -> None:
    """A page of the given size in points holding only the JPEG image, stretched over the whole page."""
    page = pdf.new_page(width, height, index)
    image = pdfium.PdfImage.new(pdf)
    image.load_jpeg(io.BytesIO(jpeg), inline=False)
    image.set_matrix(pdfium.PdfMatrix().scale(width, height))
    page.insert_obj(image)
    page.gen_content()
    page.close()


def _seal_place(grey: np.ndarray, rng: random.Random) -> tuple[int, int] | None:
    """Centre of the seal in pixels: over the lower half of the page's largest ruled area, or None when the
    page holds no table (fewer than SEAL_MIN_RULES long horizontal rules)."""
    dark = grey < 160
    h, w = dark.shape
    rows = np.flatnonzero(dark.sum(axis=1) > 0.4 * w)
    # rules are a few pixels thick: count runs of rows
    starts = rows[np.r_[True, np.diff(rows) > 2]] if rows.size else rows
    if len(starts) < SEAL_MIN_RULES:
        return None
    top, bottom = int(starts[0]), int(starts[-1])
    cols = np.flatnonzero(dark[top:bottom + 1].sum(axis=0) > 0.3 * (bottom - top))
    left, right = (int(cols[0]), int(cols[-1])) if cols.size else (w // 10, 9 * w // 10)
    x = rng.uniform(left + 0.45 * (right - left), right - 0.1 * (right - left))
    y = rng.uniform(top + 0.45 * (bottom - top), bottom - 0.05 * (bottom - top))
    return int(x), int(y)


def _stamp_seal(image: Image.Image, center: tuple[int, int], style: ScanStyle, rng: random.Random) -> None:
    """A round red seal 42 mm across, inked unevenly, multiplied onto the page (ink darkens, never lightens)."""
    px_per_mm = style.dpi / 25.4
    radius = int(21 * px_per_mm)
    size = 2 * radius + 8
    ink = Image.new("L", (size, size), 0)  # ink coverage, 0..255
    draw = ImageDraw.Draw(ink)
    c = size // 2
    ring = max(2, int(1.2 * px_per_mm))
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=255, width=ring)
    star_r = 0.28 * radius
    points = []
    for k in range(10):
        r = star_r if k % 2 == 0 else star_r * 0.38
        a = -math.pi / 2 + k * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=255)
    text = style.seal_text
    font_size = int(5.2 * px_per_mm)
    font = ImageFont.truetype(SEAL_FONT, font_size)
    span = math.radians(250)  # the name runs over the top 250° of the ring, left to right
    text_r = radius - ring - 0.62 * font_size
    for i, ch in enumerate(text):
        a = -math.pi / 2 - span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("L", (font_size * 2, font_size * 2), 0)
        ImageDraw.Draw(glyph).text((font_size // 2, font_size // 2), ch, fill=255, font=font)
        glyph = glyph.rotate(-math.degrees(a) - 90, resample=Image.BICUBIC)
        gx = int(c + text_r * math.cos(a) - font_size)
        gy = int(c + text_r * math.sin(a) - font_size)
        ink.paste(255, (gx, gy), glyph)
    # uneven inking: coverage between 55 % and 95 %, blotchy at a few millimetres
    cells = max(1, size // 24)
    blotches = np.random.default_rng(rng.getrandbits(32)).normal(128, 60, (cells, cells)).clip(0, 255)
    noise = np.asarray(Image.fromarray(blotches.astype(np.uint8)).resize((size, size), Image.BICUBIC),
                       dtype=np.float32)
    coverage = np.asarray(ink, dtype=np.float32) / 255 * np.clip(0.75 + (noise - 128) / 320, 0.55, 0.95)
    # stamped roughly upright: the name reads over the top, give or take a quarter turn
    coverage = np.asarray(Image.fromarray((coverage * 255).astype(np.uint8)).rotate(rng.uniform(-25, 25),
                                                                                     resample=Image.BICUBIC),
                          dtype=np.float32) / 255
    x0, y0 = center[0] - c, center[1] - c
    w, h = image.size
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if sx1 <= sx0 or sy1 <= sy0:
        return
    cov = coverage[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0, None]
    red = np.array(SEAL_RED, dtype=np.float32) / 255
    region = np.asarray(image.crop((sx0, sy0, sx1, sy1)), dtype=np.float32)
    image.paste(Image.fromarray((region * (1 - cov + cov * red)).astype(np.uint8)), (sx0, sy0))


def _paper(image: Image.Image, levels: tuple[int, int], rng: random.Random) -> Image.Image:
    """Multiply the page by a paper tone that drifts from one grey level to another across the page."""
    darkest, lightest = levels
    angle = rng.uniform(0, 2 * math.pi)
    n = 64  # the tone is a plane: drawn small, stretched over the page
    yy, xx = np.mgrid[0:n, 0:n].astype(np.float32) / (n - 1)
    t = np.cos(angle) * xx + np.sin(angle) * yy
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    tone = Image.fromarray((darkest + (lightest - darkest) * t).astype(np.uint8), mode="L")
    tone = tone.resize(image.size, Image.BILINEAR)
    return ImageChops.multiply(image, tone if image.mode == "L" else tone.convert(image.mode))


def _speckle(image: Image.Image, count: int, dpi: int, rng: random.Random) -> None:
    """Dark dots of dust, one to three pixels (at 300 dpi) across, anywhere on the page."""
    draw = ImageDraw.Draw(image)
    w, h = image.size
    for _ in range(count):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.4, 1.5) * dpi / 300
        level = rng.randint(20, 120)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=level if image.mode == "L" else (level,) * 3)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.synth.scan", description=__doc__.split("\n\n")[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pages", help="1-based pages to scan, comma-separated (default: all)")
    ap.add_argument("--grey", action="store_true", help="a greyscale scan")
    ap.add_argument("--clean", action="store_true", help="render and compress only")
    a = ap.parse_args(argv)
    style = ScanStyle(dpi=a.dpi, grey=a.grey)
    if a.clean:
        style = style.clean()
    pages = [int(p) for p in a.pages.split(",")] if a.pages else None
    result = scan_pdf(a.src, a.dst, style=style, seed=a.seed, pages=pages)
    for p in result.pages:
        if p.scanned:
            print(f"page {p.page}: angle {p.angle:+.3f}°, seal {'yes' if p.seal_center else 'no'}, "
                  f"{p.jpeg_bytes / 1024:.0f} KiB")
    print(f"wrote {a.dst}")


if __name__ == "__main__":
    main()
