"""Camelot's lattice flavour on the pages of an opened document, each table it finds as a `TablePart`.

Camelot finds the tables and their ruled grid. Two things are then done differently from Camelot's own
cell texts, because real reports defeat them:

* Camelot's grid is the union of every ruling in a table's area, so a table holding the end of one part and
  the header of the next (or a merged header cell) has extra, partly empty columns. `printed_rows` merges
  neighbouring grid cells that have no ruling between them, giving each row the cells as printed.
* Text is placed in cells character by character, by each glyph's baseline and size. Camelot places whole
  text lines, with glyph boxes that can hang below a row (a row at the foot of a page loses its text) and
  that run a label and the amount after it into one cell; by character, an amount printed right after a
  label lands in its own cell, and doubled glyphs of fake-bold text are dropped.

Pages are parsed with camelot's `Lattice` parser on the document's own playa pages and pdfium renderer
(the page loop of `camelot.read_pdf`, without opening the file again for each call).
"""

from __future__ import annotations

import warnings

from ..cells import holds_two_rows
from ..document import Document
from ..text import Char
from . import PrintedCell, TablePart, cell_text, chars_confidence

ENGINES = {"vector": "lattice/vector", "combined": "lattice/combined"}

# Camelot rejects a grid whose text lines do not fill it; with small margins each word is its own text line,
# so mostly empty tables (07 and 08 published blank) are still accepted. Text boxes are not grouped into a
# reading order (boxes_flow None): camelot uses text lines only, and the grouping is the costliest step.
LAYOUT_KWARGS = {"char_margin": 0.2, "word_margin": 0.05, "boxes_flow": None}

#: In the rendered page camelot finds rulings with a structuring element of the page's height (width) divided
#: by this: its default of 15 misses rulings shorter than 56 pt on A4, such as the column rulings of a small
#: table (an empty 08, three rows under a spanning header) drawn as runs of tiny rectangles, which only the
#: rendering shows; 25 finds them down to 34 pt, still longer than a stroke of any glyph in a table.
RENDERED_LINE_SCALE = 25

#: A character belongs to a grid cell when its centre lies inside the cell or within this many points of it
#: (camelot's edges come from rulings, which are drawn over the text's box).
CELL_SLACK = 1.0


def read_grids(document: Document, pages: list[int], engine: str) -> list[TablePart]:
    """Camelot lattice tables on `pages` (engine 'vector': rulings from the PDF's paths; 'combined': also
    from the rendered page)."""
    if not pages:
        return []
    from camelot.parsers import Lattice

    options = {"line_scale": RENDERED_LINE_SCALE} if engine == "combined" else {}
    parser = Lattice(engine=engine, backend=document.renderer(), **options)
    parts: list[TablePart] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for page_no in pages:
            for table in _page_tables(parser, document, page_no):
                parts.append(_to_part(table, ENGINES[engine], document.chars(page_no)))
    return parts


def vector_tables(document: Document, pages: list[int]) -> dict[int, list]:
    """Camelot's own ``Table`` objects of the vector engine on `pages`, by page (for comparing the grids
    found in a page image with them)."""
    from camelot.parsers import Lattice

    parser = Lattice(engine="vector", backend=document.renderer())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {page_no: _page_tables(parser, document, page_no) for page_no in pages}


def _page_tables(parser, document: Document, page_no: int) -> list:
    """What `camelot.read_pdf` does for one page: the layout (de-rotated when the text runs vertically),
    then the parser. The page's initial matrix is restored afterwards, since the page object is shared
    with the rest of the reading."""
    from camelot.utils import get_image_char_and_text_objects, get_page_layout, get_rotation

    page = document.page(page_no)
    layout, dimensions = get_page_layout(page, **LAYOUT_KWARGS)
    images, chars, horizontal, vertical = get_image_char_and_text_objects(layout)
    rotation = get_rotation(chars, horizontal, vertical)
    try:
        if rotation:
            page.set_initial_ctm(page.space, page.rotate + (-90 if rotation == "clockwise" else 90))
            layout, dimensions = get_page_layout(page, **LAYOUT_KWARGS)
            images, chars, horizontal, vertical = get_image_char_and_text_objects(layout)
        parser.prepare_page_parse(str(document.path), layout, dimensions, page_no, images, horizontal,
                                  vertical, rotation, layout_kwargs=LAYOUT_KWARGS)
        return list(parser.extract_tables())
    finally:
        # The parser keeps the page's image and its thresholded copy until the next page is rendered: without
        # this, two pages' images (100 MiB for a page of A3 at 300 dpi) are held at once.
        parser.pdf_image = parser.threshold = None
        if rotation:
            page.set_initial_ctm(page.space, page.rotate)


def printed_rows(table, chars: list[Char]) -> list[list[PrintedCell]]:
    """Rows of printed cells: grid cells merged across columns where no vertical ruling separates them,
    each holding the characters whose centre lies inside it."""
    row_edges = table.rows  # (top, bottom) pairs, top to bottom
    col_edges = table.cols  # (left, right) pairs
    x0, y0, x1, y1 = table._bbox
    s = CELL_SLACK
    placed: dict[tuple[int, int], list[Char]] = {}
    for char in chars:
        if not (x0 - s <= char.cx <= x1 + s and y0 - s <= char.cy <= y1 + s):
            continue
        r = next((i for i, (top, bottom) in enumerate(row_edges) if bottom - s <= char.cy <= top + s), None)
        c = next((i for i, (left, right) in enumerate(col_edges) if left - s <= char.cx <= right + s), None)
        if r is not None and c is not None:
            placed.setdefault((r, c), []).append(char)
    rows = []
    for r, row in enumerate(table.cells):
        groups: list[list[int]] = []
        for index, cell in enumerate(row):
            if index == 0 or cell.left or row[index - 1].right:
                groups.append([index])
            else:
                groups[-1].append(index)
        printed = []
        for group in groups:
            inside = [ch for c in group for ch in placed.get((r, c), [])]
            printed.append(PrintedCell(row[group[0]].x1, row[group[-1]].x2, cell_text(inside),
                                       any(row[c].top for c in group), chars_confidence(inside)))
        rows.append(printed)
    return rows


def _to_part(table, flavor: str, chars: list[Char]) -> TablePart:
    report = table.parsing_report
    return TablePart(page=int(report["page"]), bbox=tuple(table._bbox), rows=printed_rows(table, chars),
                     row_tops=[r[1] for r in table.rows], accuracy=float(report.get("accuracy") or 0.0),
                     flavor=flavor)


def holds_two_rows_somewhere(part: TablePart) -> bool:
    """A cell of the part holds two amounts or codes: the grid lacks a ruling."""
    return any(holds_two_rows(c.text) for row in part.rows for c in row)


#: A filled path is a ruling when it is at most this thick (points) ...
RULING_MAX_THICKNESS = 2.0
#: ... and at least this long.
RULING_MIN_LENGTH = 10.0


def unseen_rulings(document: Document, pages: list[int]) -> set[int]:
    """Pages holding a ruling drawn as a filled polygon (a thin path with more than four corners): camelot's
    vector engine takes rules from lines and rectangles only, so the grid it finds lacks that ruling."""
    out: set[int] = set()
    for page_no in pages:
        for path_object in document.page(page_no).paths:
            if not path_object.fill:
                continue
            x0, y0, x1, y1 = path_object.bbox
            if min(x1 - x0, y1 - y0) > RULING_MAX_THICKNESS or max(x1 - x0, y1 - y0) < RULING_MIN_LENGTH:
                continue
            corners = {pt for seg in path_object.segments for pt in seg.points}
            if len(corners) > 4 or any(seg.operator == "c" for seg in path_object.segments):
                out.add(page_no)
                break
    return out
