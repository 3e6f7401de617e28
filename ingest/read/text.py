"""The cheap text pass: every page's text lines with their positions, from its characters (no rendering).

Used to find captions, titles, units and report metadata before Camelot sees a page, and to skip pages
that hold no table. Coordinates are PDF points with the origin at the bottom left, as in Camelot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")

# A glyph's ink, as fractions of its font size above its baseline: CJK glyphs fill the em box from about
# 0.15 below the baseline to 0.85 above it, so a line's middle lies 0.35 above the baseline. Tight glyph
# boxes would put '.' and '一' of one line at different heights.
ASCENT = 0.85
DESCENT = 0.15
MIDDLE = 0.35
#: Two characters share a line when their heights overlap by more than this share of the smaller one.
LINE_OVERLAP = 0.5
#: Within a line, a gap wider than this many font sizes starts a new segment (another column or cell) ...
SEGMENT_GAP = 2.0
#: ... and a gap wider than this many font sizes is a space between words.
WORD_GAP = 0.6


def squeeze(text: str | None) -> str:
    """Remove all white space (labels are often printed spaced out: 合    计)."""
    return _SPACE.sub("", text or "")


@dataclass(frozen=True)
class TextLine:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def compact(self) -> str:
        return squeeze(self.text)


@dataclass
class PageText:
    page: int  # 1-based
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def compact(self) -> str:
        return squeeze(self.text)


@dataclass(frozen=True)
class Char:
    """A character: its ink's left and right, its baseline and font size (so that '.' and '一' of one line
    share a middle, unlike their tight boxes)."""

    text: str
    x0: float
    x1: float
    baseline: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return self.baseline + MIDDLE * self.size

    @property
    def top(self) -> float:
        return self.baseline + ASCENT * self.size

    @property
    def bottom(self) -> float:
        return self.baseline - DESCENT * self.size


def _wide(ch: str) -> bool:
    """A Chinese character or full-width punctuation (、，（ …)."""
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def spaced(prev: Char, char: Char) -> bool:
    """Whether a space is printed between two neighbouring characters of a line: a gap wider than
    ``WORD_GAP`` font sizes. Not beside a Chinese character recognised by OCR: the recogniser's boxes are
    narrower than the glyphs (and full-width punctuation prints white inside its box), so the gaps it leaves
    are not spaces, and Chinese prints none."""
    if char.x0 - prev.x1 <= WORD_GAP * max(prev.size, char.size):
        return False
    recognised = getattr(prev, "confidence", None) is not None or getattr(char, "confidence", None) is not None
    return not (recognised and (_wide(prev.text) or _wide(char.text)))


def same_line(line: list[Char], char: Char) -> bool:
    """The character's height overlaps the line's by more than half the smaller of the two."""
    top = max(c.top for c in line)
    bottom = min(c.bottom for c in line)
    overlap = min(top, char.top) - max(bottom, char.bottom)
    return overlap > LINE_OVERLAP * min(top - bottom, char.top - char.bottom)


def page_chars(page) -> list[Char]:
    """Every visible character of a playa page (PDF points, origin bottom left). From playa, the PDF reader
    under Camelot, not pdfium: pdfium drops some glyphs of fonts that are not embedded, and its text runs
    come split letter by letter from WPS."""
    chars: list[Char] = []
    # fake bold: the same glyph drawn again a hair to the side, right after it or in a second run of the
    # whole line (WPS, Word); glyphs are looked up by text and baseline band
    seen: dict[tuple[str, int], list[Char]] = {}
    for text_object in page.texts:
        for glyph in text_object:
            text = glyph.text
            if not text or text.isspace():
                continue
            x0, y0, x1, y1 = glyph.bbox
            size = (y1 - y0) / 1.2 if y1 > y0 else abs(glyph.size or 1.0)
            baseline = glyph.origin[1]
            if not (y0 - 0.5 * size <= baseline <= y1 + 0.5 * size):
                baseline = y0 + DESCENT * size  # rotated or odd matrix: fall back to the box
            for ch in text.strip():
                char = Char(ch, x0, x1, baseline, size)
                band = int(baseline // 2)
                if any(_doubled(other, char) for b in (band - 1, band, band + 1) for other in seen.get((ch, b), ())):
                    continue
                seen.setdefault((ch, band), []).append(char)
                chars.append(char)
    return chars


def _doubled(a: Char, b: Char) -> bool:
    if a.text != b.text:
        return False
    # narrow glyphs (, . 1) drawn again half a point aside are doubled too: the offset is a fraction of the
    # font size, whereas a repeated character sits a whole glyph further on
    tolerance = max(0.3 * max(a.x1 - a.x0, b.x1 - b.x0), 0.12 * max(a.size, b.size), 0.1)
    return abs(a.x0 - b.x0) < tolerance and abs(a.baseline - b.baseline) < tolerance


def _lines(chars: list[Char], width: float, height: float) -> list[TextLine]:
    """Characters grouped into lines (same middle), split where a gap is wider than two characters."""
    inside = [c for c in chars if 0 <= c.cx <= width and 0 <= c.cy <= height]  # text outside the page box is not on the page
    inside.sort(key=lambda c: -c.cy)
    rows: list[list[Char]] = []
    for char in inside:
        if rows and same_line(rows[-1], char):
            rows[-1].append(char)
        else:
            rows.append([char])
    out: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        segments: list[list[Char]] = [[row[0]]]
        for prev, char in zip(row, row[1:]):
            if char.x0 - prev.x1 > SEGMENT_GAP * max(prev.size, char.size):
                segments.append([char])
            else:
                segments[-1].append(char)
        for seg in segments:
            text = seg[0].text
            for prev, char in zip(seg, seg[1:]):
                text += (" " if spaced(prev, char) else "") + char.text
            top = max(c.top for c in seg)
            bottom = min(c.bottom for c in seg)
            out.append(TextLine(text, seg[0].x0, bottom, seg[-1].x1, top))
    out.sort(key=lambda ln: (-ln.y1, ln.x0))
    return out


def read_pages(document, lines=None) -> list[PageText]:
    """Text lines of every page of a ``read.document.Document``, built from its characters by ``lines(chars,
    width, height)`` (by default: characters whose heights overlap make a line)."""
    lines = lines or _lines
    pages = []
    for page_no in range(1, document.page_count + 1):
        width, height = document.size(page_no)
        pages.append(PageText(page_no, width, height, lines(document.chars(page_no), width, height)))
    return pages
