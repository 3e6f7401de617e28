"""Run Camelot on the pages that hold tables and turn each table it finds into rows of printed cells.

Camelot's lattice grid is the union of every ruled line in a table's area, so a table that holds the end of
one part and the header of the next (or a merged header cell) comes out with extra, partly empty columns.
`printed_rows` undoes that: it merges neighbouring grid cells that have no ruling between them, giving each
row the cells as they were printed, with their x extent. Text is assigned to cells by Camelot with a small
character margin, so that an amount printed right after a label (…养老支出 64.51) is read as its own word and
lands in its own cell.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import camelot

log = logging.getLogger(__name__)

# Small margins make each word its own text line, so camelot never runs a label and the next cell's
# amount together (see module docstring).
LAYOUT_KWARGS = {"char_margin": 0.2, "word_margin": 0.05}


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


def _clean(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def printed_rows(table) -> list[list[PrintedCell]]:
    """Rows of printed cells: grid cells merged across columns where no vertical ruling separates them."""
    rows = []
    for row in table.cells:
        groups: list[list] = []
        for index, cell in enumerate(row):
            if index == 0 or cell.left or row[index - 1].right:
                groups.append([cell])
            else:
                groups[-1].append(cell)
        printed = []
        for group in groups:
            texts = [_clean(c.text) for c in group if _clean(c.text)]
            printed.append(PrintedCell(group[0].x1, group[-1].x2, " ".join(texts),
                                       any(c.top for c in group)))
        rows.append(printed)
    return rows


def _read(path: str, pages: list[int], **kwargs):
    if not pages:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(camelot.read_pdf(path, pages=",".join(map(str, pages)), flavor="lattice",
                                     layout_kwargs=LAYOUT_KWARGS, **kwargs))


def _to_part(table, flavor: str) -> CamelotPart:
    report = table.parsing_report
    return CamelotPart(page=int(report["page"]), bbox=tuple(table._bbox), rows=printed_rows(table),
                       row_tops=[r[1] for r in table.rows], accuracy=float(report.get("accuracy") or 0.0),
                       flavor=flavor)


def find_tables(path: str, pages: list[int], need_table: set[int] | None = None) -> list[CamelotPart]:
    """Camelot tables on `pages`, top to bottom within each page.

    The vector engine reads ruled lines straight from the PDF without rendering. Pages in `need_table` (a
    title was printed there) on which it finds nothing are read again with the combined engine, which also
    renders the page, for rules drawn as filled shapes or images that the vector engine does not see.
    """
    parts = [_to_part(t, "lattice/vector") for t in _read(path, pages, engine="vector")]
    found = {p.page for p in parts}
    retry = sorted((need_table or set()) - found)
    if retry:
        log.info("no ruled table found by the vector engine on pages %s; rendering them", retry)
        parts += [_to_part(t, "lattice/combined") for t in _read(path, retry, engine="combined")]
    parts.sort(key=lambda p: (p.page, -p.top))
    return [p for p in parts if any(c.text for row in p.rows for c in row)]
