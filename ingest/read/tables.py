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
"""

from __future__ import annotations

import logging

from .document import Document
from .parts import TablePart
from .parts.lattice import holds_two_rows_somewhere, read_grids, unseen_rulings
from .parts.unruled import read_text_table

log = logging.getLogger(__name__)


def find_tables(document: Document, pages: list[int],
                titles: dict[int, list[float]] | None = None) -> list[TablePart]:
    """Table parts on `pages`, top to bottom within each page.

    `titles` maps the pages on which a table title is printed to the tops of those titles.
    """
    titles = titles or {}
    drawn = {p for p in set(pages) | set(titles) if document.has_graphics(p)}
    parts = read_grids(document, sorted(p for p in pages if p in drawn), "vector")
    found = {p.page for p in parts}
    rendered = sorted((set(titles) - found) & drawn)
    if rendered:
        log.info("no ruled table found by the vector engine on pages %s; rendering them", rendered)
        parts += read_grids(document, rendered, "combined")
        found = {p.page for p in parts}
    unruled = False
    for page_no in pages:
        if page_no in found:
            unruled = False
            continue
        width, height = document.size(page_no)
        # text outside the page box is not printed (the text pass drops it too)
        on_page = [c for c in document.chars(page_no) if 0 <= c.cx <= width and 0 <= c.cy <= height]
        if page_no in titles:
            tops = sorted(titles[page_no], reverse=True)
            bands = zip(tops, tops[1:] + [float("-inf")])
            text_parts = [read_text_table(on_page, page_no, top + 1, bottom + 1) for top, bottom in bands]
        elif unruled:
            text_parts = [read_text_table(on_page, page_no, height, float("-inf"), continuation=True)]
        else:
            continue
        text_parts = [p for p in text_parts if p is not None]
        if text_parts:
            log.info("page %d: %d table(s) printed without rulings read from the text", page_no, len(text_parts))
        parts += text_parts
        unruled = bool(text_parts)
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
    parts.sort(key=lambda p: (p.page, -p.top))
    return parts
