"""Alter a real PDF the way a careless author would: drop pages, take printed lines away, print others.

Used by the document checks' tests to make, from a real report, one with a table removed, a placeholder
title, a note missing, a wrong year. Lines are found by their text with the reader's own text pass
(`ingest.read.text`), erased by removing the text objects (BT … ET) that start inside the line's box, and
new text is drawn over the page with reportlab's STSong-Light (the CID font the generated reports use).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from ingest.read.source import open_pdf
from ingest.read.text import TextLine, read_pages

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


@dataclass
class Edit:
    """What to do to one page (1-based): erase the lines that contain these texts, draw these texts
    (x, y of the baseline in points, text, size)."""

    erase: list[str] = field(default_factory=list)
    draw: list[tuple[float, float, str, float]] = field(default_factory=list)
    replace: list[tuple[str, str]] = field(default_factory=list)  # (old line text, new text) at the same place


def _mul(a, b):
    """The product of two PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _erase(page, writer, boxes: list[tuple[float, float, float, float]]) -> int:
    """Remove the text objects of the page that start inside one of the boxes; returns how many."""
    content = ContentStream(page.get_contents(), writer)
    ctm = [1, 0, 0, 1, 0, 0]
    stack = []
    kept, block, removed = [], None, 0
    inside = False
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else [1, 0, 0, 1, 0, 0]
        elif operator == b"cm":
            ctm = _mul([float(v) for v in operands], ctm)
        if operator == b"BT":
            block, inside = [], False
        if block is not None:
            block.append((operands, operator))
            if operator == b"Tm":
                m = _mul([float(v) for v in operands], ctm)
                x, y = m[4], m[5]
                inside = inside or any(x0 - 2 <= x <= x1 + 2 and y0 - 4 <= y <= y1 + 2 for x0, y0, x1, y1 in boxes)
            if operator == b"ET":
                if inside:
                    removed += 1
                else:
                    kept.extend(block)
                block = None
            continue
        kept.append((operands, operator))
    content.operations = kept
    page.replace_contents(content)
    return removed


def _line(lines: list[TextLine], text: str) -> TextLine:
    matches = [ln for ln in lines if text in ln.compact]
    assert matches, f"no line holds {text!r}"
    return matches[0]


def alter(source: Path, target: Path, edits: dict[int, Edit], drop_pages: tuple[int, ...] = ()) -> None:
    """Write ``target``: ``source`` with each page's edits applied, then ``drop_pages`` (1-based) left out."""
    with open_pdf(Path(source)) as src:
        pages_text = read_pages(src.document)
    writer = PdfWriter(clone_from=str(source))
    for number, page in enumerate(writer.pages, start=1):
        edit = edits.get(number)
        if edit is not None:
            lines = pages_text[number - 1].lines
            draw = list(edit.draw)
            boxes = []
            for text in edit.erase:
                ln = _line(lines, text)
                boxes.append((ln.x0, ln.y0, ln.x1, ln.y1))
            for old, new in edit.replace:
                ln = _line(lines, old)
                boxes.append((ln.x0, ln.y0, ln.x1, ln.y1))
                size = (ln.y1 - ln.y0)
                draw.append((ln.x0, ln.y0 + 0.15 * size, new, size))
            removed = _erase(page, writer, boxes)
            assert removed >= len(boxes), f"page {number}: erased {removed} text objects for {len(boxes)} lines"
            if draw:
                width, height = float(page.mediabox.width), float(page.mediabox.height)
                buffer = io.BytesIO()
                canvas = Canvas(buffer, pagesize=(width, height))
                for x, y, text, size in draw:
                    canvas.setFont(FONT, size)
                    canvas.drawString(x, y, text)
                canvas.save()
                page.merge_page(PdfReader(io.BytesIO(buffer.getvalue())).pages[0])
    for number in sorted(drop_pages, reverse=True):
        writer.remove_page(number - 1)
    with open(target, "wb") as out:
        writer.write(out)
