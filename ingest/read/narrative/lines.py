"""Text lines of narrative pages, grouped by baseline.

The table reader's lines (`ingest.read.text.read_pages`) group characters whose boxes overlap. Some
producers give glyph boxes far taller than the glyphs (a 10 pt font reported 18 pt high): two lines of
running text then overlap and come out interleaved character by character. Running text has one baseline
per line, so here characters are grouped by baseline instead; the characters themselves are the same
(`page_chars`: visible glyphs, fake-bold doubles removed).
"""

from __future__ import annotations

from statistics import median

from ..text import Char, PageText, TextLine, read_pages

_BASELINE_TOLERANCE = 1.5   # points; the baselines of one printed line agree to a fraction of a point


def lines_by_baseline(chars: list[Char], width: float, height: float) -> list[TextLine]:
    """Characters on the page grouped into lines by baseline, split where the gap is wider than three
    characters (table cells, text beside a chart), top to bottom, left to right."""
    inside = [c for c in chars if 0 <= c.cx <= width and 0 <= c.baseline <= height]
    inside.sort(key=lambda c: -c.baseline)
    rows: list[list[Char]] = []
    for char in inside:
        if rows and abs(rows[-1][0].baseline - char.baseline) <= _BASELINE_TOLERANCE:
            rows[-1].append(char)
        else:
            rows.append([char])
    out: list[TextLine] = []
    for row in rows:
        row.sort(key=lambda c: c.x0)
        pitch = median(c.x1 - c.x0 for c in row if "\u4e00" <= c.text <= "\u9fff") if any(
            "\u4e00" <= c.text <= "\u9fff" for c in row) else median(max(c.x1 - c.x0, 1.0) for c in row) * 1.8
        pitch = max(pitch, 4.0)
        segments: list[list[Char]] = [[row[0]]]
        for prev, char in zip(row, row[1:]):
            if char.x0 - prev.x1 > 3.0 * pitch:
                segments.append([char])
            else:
                segments[-1].append(char)
        for seg in segments:
            text = seg[0].text
            for prev, char in zip(seg, seg[1:]):
                text += (" " if char.x0 - prev.x1 > 0.5 * pitch else "") + char.text
            base = seg[0].baseline
            out.append(TextLine(text, seg[0].x0, base - 0.2 * pitch, seg[-1].x1, base + 0.85 * pitch))
    out.sort(key=lambda ln: (-ln.y0, ln.x0))
    return out


def narrative_pages(document) -> list[PageText]:
    """Every page's lines of a ``read.document.Document``, grouped by baseline (see the module's docstring)."""
    return read_pages(document, lines=lines_by_baseline)
