"""Run Camelot on the pages that hold tables and turn each table it finds into rows of printed cells.

Camelot finds the tables and their ruled grid. Two things are then done differently from Camelot's own
cell texts, because real reports defeat them:

* Camelot's grid is the union of every ruling in a table's area, so a table holding the end of one part and
  the header of the next (or a merged header cell) has extra, partly empty columns. `printed_rows` merges
  neighbouring grid cells that have no ruling between them, giving each row the cells as printed.
* Text is placed in cells character by character, by each glyph's baseline and size. Camelot places whole
  text lines, with glyph boxes that can hang below a row (a row at the foot of a page loses its text) and
  that run a label and the amount after it into one cell; by character, an amount printed right after a
  label lands in its own cell, and doubled glyphs of fake-bold text are dropped.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import camelot
import playa

from .layouts.cells import holds_two_rows
from .page_text import Char, page_chars, same_line

log = logging.getLogger(__name__)

# Camelot rejects a grid whose text lines do not fill it; with small margins each word is its own text line,
# so mostly empty tables (07 and 08 published blank) are still accepted.
LAYOUT_KWARGS = {"char_margin": 0.2, "word_margin": 0.05}


_PUNCTUATION = set("、，。：；,.:;（）()“”")


def cell_text(chars: list[Char]) -> str:
    """Characters of one cell in reading order: lines top to bottom, a space where a gap is wide.

    Some fonts (ONLYOFFICE, WPS) draw 、 and ， lower than the line they belong to: punctuation joins the
    nearest line rather than making one of its own."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: -c.cy)
    lines: list[list[Char]] = []
    for char in chars:
        if char.text in _PUNCTUATION:
            continue
        if lines and same_line(lines[-1], char):
            lines[-1].append(char)
        else:
            lines.append([char])
    for char in chars:
        if char.text not in _PUNCTUATION:
            continue
        nearest = min(lines, key=lambda line: abs(line[0].cy - char.cy), default=None)
        if nearest is not None and abs(nearest[0].cy - char.cy) < 1.0 * char.size:
            nearest.append(char)
        else:
            lines.append([char])
            lines.sort(key=lambda line: -line[0].cy)
    out = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        text = line[0].text
        for prev, char in zip(line, line[1:]):
            text += (" " if char.x0 - prev.x1 > 0.6 * max(prev.size, char.size) else "") + char.text
        out.append(text)
    return "\n".join(out)


@dataclass
class PrintedCell:
    x0: float
    x1: float
    text: str
    top: bool  # a ruling above the cell

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class CamelotPart:
    """One table found by Camelot on one page."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, y0 (bottom), x1, y1 (top) in PDF points
    rows: list[list[PrintedCell]]
    row_tops: list[float]
    accuracy: float
    flavor: str
    title_rows: list[int] = field(default_factory=list)

    @property
    def top(self) -> float:
        return self.bbox[3]

    @property
    def bottom(self) -> float:
        return self.bbox[1]


def printed_rows(table, chars: list[Char]) -> list[list[PrintedCell]]:
    """Rows of printed cells: grid cells merged across columns where no vertical ruling separates them,
    each holding the characters whose centre lies inside it."""
    row_edges = table.rows  # (top, bottom) pairs, top to bottom
    col_edges = table.cols  # (left, right) pairs
    x0, y0, x1, y1 = table._bbox
    placed: dict[tuple[int, int], list[Char]] = {}
    for char in chars:
        if not (x0 - 1 <= char.cx <= x1 + 1 and y0 - 1 <= char.cy <= y1 + 1):
            continue
        r = next((i for i, (top, bottom) in enumerate(row_edges) if bottom - 1 <= char.cy <= top + 1), None)
        c = next((i for i, (left, right) in enumerate(col_edges) if left - 1 <= char.cx <= right + 1), None)
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
            text = cell_text([ch for c in group for ch in placed.get((r, c), [])])
            printed.append(PrintedCell(row[group[0]].x1, row[group[-1]].x2, text, any(row[c].top for c in group)))
        rows.append(printed)
    return rows


def _read(path: str, pages: list[int], **kwargs):
    if not pages:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(camelot.read_pdf(path, pages=",".join(map(str, pages)), flavor="lattice",
                                     layout_kwargs=LAYOUT_KWARGS, **kwargs))


def _to_part(table, flavor: str, chars: list[Char]) -> CamelotPart:
    report = table.parsing_report
    return CamelotPart(page=int(report["page"]), bbox=tuple(table._bbox), rows=printed_rows(table, chars),
                       row_tops=[r[1] for r in table.rows], accuracy=float(report.get("accuracy") or 0.0),
                       flavor=flavor)


def _has_text(part: CamelotPart) -> bool:
    return any(c.text for row in part.rows for c in row)


def _holds_two_rows(part: CamelotPart) -> bool:
    return any(holds_two_rows(c.text) for row in part.rows for c in row)


def find_tables(path: str, pages: list[int], titles: dict[int, list[float]] | None = None) -> list[CamelotPart]:
    """Camelot tables on `pages`, top to bottom within each page.

    `titles` maps the pages on which a table title is printed to the tops of those titles.

    1. The vector engine reads ruled lines straight from the PDF without rendering.
    2. Title pages on which it finds nothing are read again with the combined engine, which also renders
       the page, for rules drawn as filled shapes or images that the vector engine does not see.
    3. A title page where neither finds a grid holds a table printed without rulings: it is read from the
       alignment of its text (`text_grid`), and so are the pages right after it that have no grid either
       (the table continued).
    4. Pages whose grid misses rulings are read rendered too: a ruling drawn as a filled polygon (two rows
       then share one cell), a cell holding two amounts or codes, or a page still without a table (rules
       drawn as runs of tiny rectangles are not seen at all). A page keeps its first reading unless the
       rendered one is free of cells holding two rows. No page is rendered twice.
    """
    from .text_grid import read_text_table

    titles = titles or {}
    doc = playa.open(path, space="page")
    chars: dict[int, list[Char]] = {}

    def chars_of(page_no: int) -> list[Char]:
        if page_no not in chars:
            chars[page_no] = page_chars(doc, page_no)
        return chars[page_no]

    def part(table, flavor: str) -> CamelotPart:
        return _to_part(table, flavor, chars_of(int(table.parsing_report["page"])))

    try:
        parts = [part(t, "lattice/vector") for t in _read(path, pages, engine="vector")]
        found = {p.page for p in parts}
        rendered = sorted(set(titles) - found)
        if rendered:
            log.info("no ruled table found by the vector engine on pages %s; rendering them", rendered)
            parts += [part(t, "lattice/combined") for t in _read(path, rendered, engine="combined")]
            found = {p.page for p in parts}
        unruled = False
        for page_no in pages:
            if page_no in found:
                unruled = False
                continue
            page = doc.pages[page_no - 1]
            x0, y0, x1, y1 = page.mediabox
            width, height = (y1 - y0, x1 - x0) if page.rotate % 180 == 90 else (x1 - x0, y1 - y0)
            # text outside the page box is not printed (page_text drops it too)
            on_page = [c for c in chars_of(page_no) if 0 <= c.cx <= width and 0 <= c.cy <= height]
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
        parts = [p for p in parts if _has_text(p)]
        found = {p.page for p in parts}
        misruled = {p.page for p in parts if _holds_two_rows(p)} | _unseen_rulings(doc, sorted(found))
        again: dict[int, list[CamelotPart]] = {}
        for table in _read(path, sorted((misruled | (set(pages) - found)) - set(rendered)), engine="combined"):
            new = part(table, "lattice/combined")
            if _has_text(new):
                again.setdefault(new.page, []).append(new)
        for page_no, new in again.items():
            if not any(_holds_two_rows(p) for p in new):
                parts = [p for p in parts if p.page != page_no] + new
    finally:
        doc.close()
    parts.sort(key=lambda p: (p.page, -p.top))
    return parts


def _unseen_rulings(doc, pages: list[int]) -> set[int]:
    """Pages holding a ruling drawn as a filled polygon (a thin path with more than four corners): camelot's
    vector engine takes rules from lines and rectangles only, so the grid it finds lacks that ruling."""
    out: set[int] = set()
    for page_no in pages:
        for path_object in doc.pages[page_no - 1].paths:
            if not path_object.fill:
                continue
            x0, y0, x1, y1 = path_object.bbox
            if min(x1 - x0, y1 - y0) > 2.0 or max(x1 - x0, y1 - y0) < 10.0:
                continue
            corners = {pt for seg in path_object.segments for pt in seg.points}
            if len(corners) > 4 or any(seg.operator == "c" for seg in path_object.segments):
                out.add(page_no)
                break
    return out
