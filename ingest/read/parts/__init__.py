"""Table parts: one table (or the piece of a table) found on one page, as rows of printed cells.

Each module of this package is one way of reading a part: `lattice` (camelot's ruled grids), `unruled`
(tables printed without rulings, from the alignment of their characters) and `ocr` (pages without a text
layer: characters recognised in the page image, the grid found in it). Whatever the way, the result is a
:class:`TablePart`, so joining parts into tables (`read.assemble`) does not care how a part was read. A
cell read by OCR carries the recogniser's confidence; a cell read from a text layer carries None.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..text import Char, same_line, spaced

_PUNCTUATION = set("、，。：；,.:;（）()“”")

#: A punctuation mark joins the nearest line of its cell when it is this many font sizes from it, or nearer.
PUNCTUATION_REACH = 1.0


@dataclass
class PrintedCell:
    x0: float
    x1: float
    text: str
    top: bool  # a ruling above the cell
    confidence: float | None = None  # the recogniser's, 0..1, for a cell read by OCR; None from a text layer

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class TablePart:
    """One table part on one page: its box, rows of printed cells, and how it was read."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, y0 (bottom), x1, y1 (top) in PDF points
    rows: list[list[PrintedCell]]
    row_tops: list[float]
    accuracy: float
    flavor: str  # a key of contract.FLAVORS
    title_rows: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # cells left empty by OCR, and why

    @property
    def top(self) -> float:
        return self.bbox[3]

    @property
    def bottom(self) -> float:
        return self.bbox[1]

    @property
    def has_text(self) -> bool:
        return any(c.text for row in self.rows for c in row)


def chars_confidence(chars: list[Char]) -> float | None:
    """The lowest confidence among characters recognised by OCR (None when none of them was)."""
    return min((c.confidence for c in chars if getattr(c, "confidence", None) is not None), default=None)


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
        if nearest is not None and abs(nearest[0].cy - char.cy) < PUNCTUATION_REACH * char.size:
            nearest.append(char)
        else:
            lines.append([char])
            lines.sort(key=lambda line: -line[0].cy)
    out = []
    for line in lines:
        line.sort(key=lambda c: c.x0)
        text = line[0].text
        for prev, char in zip(line, line[1:]):
            text += (" " if spaced(prev, char) else "") + char.text
        out.append(text)
    return "\n".join(out)
