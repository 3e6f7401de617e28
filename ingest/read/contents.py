"""The table of contents (目录): its entries as printed, and the standard table each one names.

A report's 目录 lists its parts (第一部分 …), their sections and the nine tables; the document checks compare
the tables it lists with the tables the report prints (`toc_consistent`). The 目录 is found among the first
pages by its heading (目录, 目 录, 目次, the characters sometimes printed as two lines of one row) and read
row by row until the body begins: a part heading that the contents already listed (第一部分 again), a row of
prose, or a page whose first row is not an entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import PageText, TextLine, squeeze
from .titles import classify_title

#: The 目录 is on one of the first pages and takes at most a few.
FIRST_PAGES = 6
MAX_PAGES = 4
#: Lines of one row lie within this many points of each other's baseline.
ROW_TOLERANCE = 2.5
#: A row longer than this that ends a sentence is prose, not an entry.
MAX_ENTRY_CHARS = 60
#: A short row that is no entry, right after one, is the end of that entry wrapped onto the next row.
MAX_WRAP_CHARS = 12

_HEADING = {"目录", "目次", "目錄"}
_PART = re.compile(r"^第([一二三四五六七八九十]+)部分")
_BULLET = re.compile(r"^[-–—•·●○■□◆*>]+")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|表[一二三四五六七八九\d]+[、.．：:]?)")
# leaders (……, ...., ····) and the printed page number at the end of an entry
_PAGE_REF = re.compile(r"(?:[.．。…·•\-－_]{2,}|\s)\s*(\d{1,3})$|[.．。…·•]+(\d{1,3})$")
_LEADERS = re.compile(r"[.．。…·•_]{2,}")


@dataclass(frozen=True)
class ContentsEntry:
    """One row of the 目录: its text as printed (white space kept), the part it is in (`二` of 第二部分, the
    part itself for a part heading), the standard table it names (1-9) and the page number printed beside
    it (as printed: the report's own numbering, not always the PDF's)."""

    entry_no: int  # 1-based, in reading order
    page: int
    line_no: int  # of the row's first line on its page (raw.text_lines.line_no)
    text: str
    part_no: str | None
    table_no: int | None
    page_ref: str | None


def _rows(page: PageText) -> list[tuple[int, str]]:
    """(line_no of the first line, text) of each row of the page: lines at one height joined left to right."""
    rows: list[list[tuple[int, TextLine]]] = []
    for line_no, line in enumerate(page.lines):
        for row in rows:
            if abs(row[0][1].y0 - line.y0) <= ROW_TOLERANCE:
                row.append((line_no, line))
                break
        else:
            rows.append([(line_no, line)])
    out = []
    for row in rows:
        row.sort(key=lambda item: item[1].x0)
        out.append((min(n for n, _ in row), " ".join(line.text for _, line in row)))
    out.sort(key=lambda item: item[0])
    return out


def _entry_text(text: str) -> tuple[str, str | None]:
    """The entry without its leaders and page number, and the page number."""
    text = text.strip()
    match = _PAGE_REF.search(text)
    page_ref = None
    if match and match.start() > 0:
        page_ref = match.group(1) or match.group(2)
        text = text[:match.start()]
    return _LEADERS.sub("", text).strip(), page_ref


def _is_entry(compact: str) -> bool:
    return bool(compact) and (bool(_PART.match(compact)) or bool(_ORDINAL.match(compact))
                              or classify_title(compact) is not None) and not (
        len(compact) > MAX_ENTRY_CHARS and compact.endswith("。"))


def table_of_entry(text: str) -> int | None:
    """The standard table an entry of the contents names (一、收入支出决算总表 → 1), else None."""
    compact = _BULLET.sub("", squeeze(text))
    if _PART.match(compact):
        return None
    compact = _ORDINAL.sub("", compact)
    return classify_title(compact)


def read_contents(pages: list[PageText]) -> list[ContentsEntry]:
    """The entries of the report's 目录, or [] when it prints none."""
    start = None
    for page in pages[:FIRST_PAGES]:
        for row_index, (_, text) in enumerate(_rows(page)):
            if squeeze(text) in _HEADING:
                start = (page.page, row_index)
                break
        if start:
            break
    if start is None:
        return []
    entries: list[ContentsEntry] = []
    parts_seen: list[str] = []
    part = None
    first_page, first_row = start
    for page in pages[first_page - 1:first_page - 1 + MAX_PAGES]:
        rows = _rows(page)[first_row + 1:] if page.page == first_page else _rows(page)
        if page.page != first_page and rows:
            first = _BULLET.sub("", squeeze(_entry_text(rows[0][1])[0]))
            if not _is_entry(first) or (_PART.match(first) and _PART.match(first).group(1) in parts_seen):
                break  # the body begins on this page
        ended = False
        for line_no, raw in rows:
            text, page_ref = _entry_text(raw)
            compact = _BULLET.sub("", squeeze(text))
            if not compact or compact.isdigit():
                continue  # a page number printed alone
            part_match = _PART.match(compact)
            if part_match:
                if part_match.group(1) in parts_seen:
                    ended = True  # 第一部分 again: the body
                    break
                part = part_match.group(1)
                parts_seen.append(part)
            elif not _is_entry(compact):
                if entries and len(compact) <= MAX_WRAP_CHARS and not compact.endswith("。"):
                    last = entries[-1]
                    joined = last.text + text
                    entries[-1] = ContentsEntry(last.entry_no, last.page, last.line_no, joined, last.part_no,
                                                table_of_entry(joined), last.page_ref or page_ref)
                    continue
                ended = True
                break
            entries.append(ContentsEntry(len(entries) + 1, page.page, line_no, text, part,
                                         table_of_entry(text), page_ref))
        if ended:
            break
    return entries
