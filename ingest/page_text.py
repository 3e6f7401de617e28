"""The cheap text pass: every page's text lines with their positions, read with pdfium (no rendering).

Used to find captions, titles, units and report metadata before Camelot sees a page, and to skip pages
that hold no table. Coordinates are PDF points with the origin at the bottom left, as in Camelot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium

_SPACE = re.compile(r"\s+")


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
    n_images: int = 0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def compact(self) -> str:
        return squeeze(self.text)


def _merge_runs(runs: list[TextLine]) -> list[TextLine]:
    """Join text runs that sit on one baseline into lines, top to bottom, left to right."""
    runs = sorted(runs, key=lambda r: (-round((r.y0 + r.y1) / 2), r.x0))
    lines: list[list[TextLine]] = []
    for run in runs:
        mid = (run.y0 + run.y1) / 2
        height = max(run.y1 - run.y0, 1.0)
        for line in lines:
            ref = line[0]
            if abs((ref.y0 + ref.y1) / 2 - mid) <= 0.45 * max(height, ref.y1 - ref.y0):
                line.append(run)
                break
        else:
            lines.append([run])
    out = []
    for line in lines:
        line.sort(key=lambda r: r.x0)
        text = " ".join(r.text.strip() for r in line if r.text.strip())
        if text:
            out.append(TextLine(text, min(r.x0 for r in line), min(r.y0 for r in line),
                                max(r.x1 for r in line), max(r.y1 for r in line)))
    out.sort(key=lambda ln: (-ln.y1, ln.x0))
    return out


def read_pages(path: Path | str) -> list[PageText]:
    """Text lines of every page. Text placed outside the page box is not part of the page."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_size()
            textpage = page.get_textpage()
            runs = []
            for i in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(i)
                if right < 0 or left > width or top < 0 or bottom > height:
                    continue  # outside the page box
                text = textpage.get_text_bounded(left, bottom, right, top)
                if text and text.strip():
                    runs.append(TextLine(text.replace("\r", " ").replace("\n", " "), left, bottom, right, top))
            n_images = sum(1 for obj in page.get_objects(max_depth=2)
                           if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
            pages.append(PageText(index + 1, width, height, _merge_runs(runs), n_images))
            textpage.close()
            page.close()
        return pages
    finally:
        pdf.close()
