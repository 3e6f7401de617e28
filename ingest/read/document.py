"""One PDF, opened once for the whole reading.

Everything that reads a report goes through one :class:`Document`: playa (the PDF reader under camelot 2.x)
for characters, paths and camelot's own layout pass, and pdfium for rendering. The characters of a page
are extracted once and reused by the text pass, the table reader and the text-alignment reader;
camelot renders pages through :meth:`Document.renderer`, on the same pdfium document.

Pages without a text layer can be read by OCR (`parts.ocr.read_by_ocr`): from then on
:meth:`Document.chars` gives the characters recognised in the page image and :meth:`Document.size` the size
of the page as its text stands upright, so the text pass and the text-alignment reader need not know how a
page was read; :meth:`Document.ocr_page` holds its grids with their cells read.
"""

from __future__ import annotations

from pathlib import Path

import playa
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .text import Char, page_chars

#: camelot renders pages at this resolution for its raster line detection (its pdfium backend's default).
RENDER_DPI = 300


class Document:
    """An opened PDF. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str, *, pdf: pdfium.PdfDocument | None = None):
        self.path = Path(path)
        self.pdfium = pdf if pdf is not None else pdfium.PdfDocument(str(self.path))
        self._playa = None
        self._chars: dict[int, list[Char]] = {}
        self._ocr: dict[int, object] = {}  # page -> parts.ocr.OcrPage

    # -- opening -------------------------------------------------------------------------------------
    @property
    def playa(self):
        """The playa document (opened on first use: vetting a file needs only pdfium)."""
        if self._playa is None:
            self._playa = playa.open(str(self.path), space="page")
        return self._playa

    def close(self) -> None:
        if self._playa is not None:
            self._playa.close()
            self._playa = None
        if self.pdfium is not None:
            self.pdfium.close()
            self.pdfium = None

    def __enter__(self) -> "Document":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- pages ---------------------------------------------------------------------------------------
    @property
    def page_count(self) -> int:
        return len(self.pdfium)

    def page(self, page_no: int):
        """The playa page (1-based)."""
        return self.playa.pages[page_no - 1]

    def size(self, page_no: int) -> tuple[float, float]:
        """Width and height of a page as displayed: playa gives the text of a page turned by /Rotate as
        displayed, so its box is turned too. A page read by OCR: as its text stands upright (a page scanned
        a quarter turn round is turned back)."""
        if page_no in self._ocr:
            return self._ocr[page_no].width, self._ocr[page_no].height
        page = self.page(page_no)
        x0, y0, x1, y1 = page.mediabox
        width, height = x1 - x0, y1 - y0
        return (height, width) if page.rotate % 180 == 90 else (width, height)

    def chars(self, page_no: int) -> list[Char]:
        """Every visible character of a page, extracted once (recognised in the page image, for a page read
        by OCR)."""
        if page_no in self._ocr:
            return self._ocr[page_no].chars
        if page_no not in self._chars:
            self._chars[page_no] = page_chars(self.page(page_no))
        return self._chars[page_no]

    def content_bytes(self, page_no: int) -> int:
        """How many bytes a page's drawing instructions take once decompressed."""
        return sum(len(stream.buffer) for stream in self.page(page_no).streams)

    def has_graphics(self, page_no: int) -> bool:
        """Whether the page draws anything besides text (a path or an image): only then can rendering it
        show rulings that the vector reading did not see."""
        page = self.page(page_no)
        return next(iter(page.paths), None) is not None or next(iter(page.images), None) is not None

    def has_image(self, page_no: int) -> bool:
        page = self.pdfium[page_no - 1]
        try:
            return next(iter(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2)), None) is not None
        finally:
            page.close()

    # -- OCR ---------------------------------------------------------------------------------------
    def add_ocr_page(self, page) -> None:
        """From now on, read this page as OCR read it (a `parts.ocr.OcrPage`: `parts.ocr.read_by_ocr`)."""
        self._ocr[page.page] = page

    @property
    def ocr_pages(self) -> list[int]:
        """The pages read by OCR."""
        return sorted(self._ocr)

    def ocr_page(self, page_no: int):
        """The `parts.ocr.OcrPage` of a page read by OCR, or None."""
        return self._ocr.get(page_no)

    # -- rendering -----------------------------------------------------------------------------------
    def render(self, page_no: int, dpi: int = RENDER_DPI):
        """The page as a BGR uint8 array (OpenCV's channel order), rendered by pdfium.

        pdfium renders BGR natively: one copy of its bitmap, no detour through an RGB image (a page of
        A3 at 300 dpi is 50 MiB, and each detour held another copy of it)."""
        import numpy as np

        page = self.pdfium[page_no - 1]
        try:
            bitmap = page.render(scale=dpi / 72)
        finally:
            page.close()
        try:
            pixels = bitmap.to_numpy()  # a view of the bitmap's buffer, in pdfium's own channel order
            if bitmap.mode in ("BGRA", "BGRX"):
                pixels = pixels[:, :, :3]
            elif bitmap.mode != "BGR":
                raise RuntimeError(f"pdfium rendered the page as {bitmap.mode}, not BGR")
            return np.array(pixels)  # a copy: the bitmap's buffer is freed below
        finally:
            bitmap.close()

    def renderer(self) -> "_Renderer":
        """A camelot image-conversion backend that renders from this document (camelot accepts any object
        with ``convert``; ``to_array`` spares it the PNG round trip)."""
        return _Renderer(self)


class _Renderer:
    def __init__(self, document: Document):
        self._document = document

    def to_array(self, pdf_path: str, page: int = 1):
        return self._document.render(page)

    def convert(self, pdf_path: str, png_path: str, page: int = 1) -> None:
        import cv2

        cv2.imwrite(png_path, self.to_array(pdf_path, page))
