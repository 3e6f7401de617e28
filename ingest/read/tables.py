"""Find the table parts on the candidate pages of a report: which way of reading each page needs.

1. The vector engine reads ruled lines straight from the PDF without rendering.
2. Title pages on which it finds nothing are read again with the combined engine, which also renders
   the page, for rules drawn as filled shapes or images that the vector engine does not see.
3. A title page where neither finds a grid holds a table printed without rulings: it is read from the
   alignment of its text (`parts.unruled`), and so are the pages right after it that have no grid either
   (the table continued).
4. Pages whose grid misses rulings are read rendered too: a ruling drawn as a filled polygon (two rows
   then share one cell), a cell holding two amounts or codes, or a page still without a table (rules
   drawn as runs of tiny rectangles are not seen at all). A page keeps its first reading unless the
   rendered one is free of cells holding two rows. No page is rendered twice.

A page that draws nothing but text (no path, no image) is never rendered: rendering cannot show a ruling
that is not drawn.

A page read by OCR (`Document.read_by_ocr`) has no vector rulings for camelot to read: its grids are the
ones found in the page image, their cells read as `parts.ocr.read_cells` reads them (flavor ``ocr``: a
cell the recogniser is unsure of is empty, with a warning on the part). A title page read by OCR without a
grid is read from the alignment of the recognised characters like any unruled table (flavor ``ocr/text``),
each character recognised unsurely standing as ``UNSURE`` so that its cell cannot pass for what it seems.
"""

from __future__ import annotations

import logging

from .document import Document
from .parts import TablePart
from .parts.lattice import holds_two_rows_somewhere, read_grids, unseen_rulings
from .parts.unruled import read_text_table
from .text import Char

#: What a character read unsurely by OCR stands as in a table read from the alignment of the text: no
#: amount, code or label holds it, so the cell is left empty (``ocr_text_cells``).
UNSURE = "\ufffd"

log = logging.getLogger(__name__)


def find_tables(document: Document, pages: list[int],
                titles: dict[int, list[float]] | None = None) -> list[TablePart]:
    """Table parts on `pages`, top to bottom within each page.

    `titles` maps the pages on which a table title is printed to the tops of those titles.
    """
    titles = titles or {}
    scanned = set(document.ocr_pages)
    parts = _ocr_grids(document, [p for p in pages if p in scanned])
    grids = {p.page for p in parts}
    parts += _text_tables(document, [p for p in pages if p in scanned], titles, grids, ocr=True)
    pages = [p for p in pages if p not in scanned]
    titles = {p: t for p, t in titles.items() if p not in scanned}
    parts += _text_layer_tables(document, pages, titles)
    parts.sort(key=lambda p: (p.page, -p.top))
    return parts


def _text_layer_tables(document: Document, pages: list[int], titles: dict[int, list[float]]) -> list[TablePart]:
    """The table parts of pages with a text layer (steps 1-4 of the module's docstring)."""
    drawn = {p for p in set(pages) | set(titles) if document.has_graphics(p)}
    parts = read_grids(document, sorted(p for p in pages if p in drawn), "vector")
    found = {p.page for p in parts}
    rendered = sorted((set(titles) - found) & drawn)
    if rendered:
        log.info("no ruled table found by the vector engine on pages %s; rendering them", rendered)
        parts += read_grids(document, rendered, "combined")
        found = {p.page for p in parts}
    parts += _text_tables(document, pages, titles, found)
    parts = [p for p in parts if p.has_text]
    found = {p.page for p in parts}
    misruled = {p.page for p in parts if holds_two_rows_somewhere(p)} | unseen_rulings(document, sorted(found))
    again: dict[int, list[TablePart]] = {}
    for new in read_grids(document, sorted(((misruled | (set(pages) - found)) & drawn) - set(rendered)),
                          "combined"):
        if new.has_text:
            again.setdefault(new.page, []).append(new)
    for page_no, new in again.items():
        if not any(holds_two_rows_somewhere(p) for p in new):
            parts = [p for p in parts if p.page != page_no] + new
    return parts


def _text_tables(document: Document, pages: list[int], titles: dict[int, list[float]], grids: set[int], *,
                 ocr: bool = False) -> list[TablePart]:
    """Tables printed without rulings on those of `pages` without a grid (`grids`): under each title of a
    title page, and on the pages right after one where such a table was found (the table continued)."""
    parts: list[TablePart] = []
    unruled = False
    for page_no in pages:
        if page_no in grids:
            unruled = False
            continue
        width, height = document.size(page_no)
        # text outside the page box is not printed (the text pass drops it too)
        on_page = [c for c in document.chars(page_no) if 0 <= c.cx <= width and 0 <= c.cy <= height]
        if ocr:
            on_page = [_unsure_marked(c) for c in on_page]
        if page_no in titles:
            tops = sorted(titles[page_no], reverse=True)
            bands = zip(tops, tops[1:] + [float("-inf")])
            text_parts = [read_text_table(on_page, page_no, top + 1, bottom + 1) for top, bottom in bands]
        elif unruled:
            text_parts = [read_text_table(on_page, page_no, height, float("-inf"), continuation=True,
                                          columns_of=parts[-1])]
        else:
            continue
        text_parts = [p for p in text_parts if p is not None]
        if text_parts:
            log.info("page %d: %d table(s) printed without rulings read from the text", page_no, len(text_parts))
        if ocr:
            for part in text_parts:
                _ocr_text_cells(part)
        parts += text_parts
        unruled = bool(text_parts)
    return parts


def _unsure_marked(char: Char) -> Char:
    from .parts import ocr

    if ocr.char_confidence(char) >= ocr.MIN_CONFIDENCE:
        return char
    return ocr.OcrChar(UNSURE, char.x0, char.x1, char.baseline, char.size, char.confidence)


def _ocr_text_cells(part: TablePart) -> None:
    """A table read by OCR from the alignment of its characters: a cell holding a character recognised
    unsurely is left empty, with a warning."""
    from .parts.ocr import MIN_CONFIDENCE

    part.flavor = "ocr/text"
    for row in part.rows:
        for cell in row:
            if UNSURE in cell.text:
                part.warnings.append(f"page {part.page}: a cell read by OCR as "
                                     f"{cell.text.replace(UNSURE, '?')!r} holds characters recognised with a "
                                     "confidence below "
                                     f"{MIN_CONFIDENCE:.2f}; it is left empty")
                cell.text, cell.confidence = "", None


def _ocr_grids(document: Document, pages: list[int]) -> list[TablePart]:
    """The grids found in the images of pages read by OCR, as table parts (flavor ``ocr``); the cells the
    recogniser was unsure of are empty, and the part's warnings say so."""
    parts = []
    for page_no in pages:
        page = document.ocr_page(page_no)
        for grid in page.grids:
            # camelot's accuracy says how much of the text its grid placed; here: how much of the print
            # the recogniser read surely
            kept = sum(r.kept for r in grid.readings)
            accuracy = 100.0 * kept / len(grid.readings) if grid.readings else 100.0
            part = TablePart(page=page_no, bbox=tuple(grid.table._bbox), rows=grid.rows,
                             row_tops=[r[0] for r in grid.table.rows], accuracy=round(accuracy, 2), flavor="ocr")
            part.warnings = [w for w in (r.warning(page_no) for r in grid.readings) if w]
            if part.has_text:
                parts.append(part)
    return parts
