"""One PDF in, the report out: metadata and the nine standard tables as logical tables.

This is a pure function of the file (no warehouse access), so it can run in another process or on another
machine; `ingest.build` writes what it returns.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import CODE_ROLES, DEFAULT_OCR_MODE, OCR_MODES
from . import cells as C
from .amounts import prints_nothing
from .assemble import LogicalTable, assemble
from .contents import ContentsEntry, read_contents
from .errors import BudgetReport, IngestError, NotFinalAccounts, ScannedPdf, TemplateReport, TooLarge
from .kind import budget_evidence, placeholders
from .metadata import ReportMeta, report_metadata
from .narrative import Narrative, narrative_pages, read_narrative
from .parts import TablePart
from .source import PdfSource, check_text_layer, has_text, image_only_pages, open_pdf
from .tables import find_tables
from .text import PageText, TextLine, read_pages, squeeze
from .titles import (TitleMark, annotate, caption_number, classify_by_header, classify_title, department_of,
                     find_titles, unit_of)

#: A page whose decompressed content streams exceed this is not a page of a report (the real ones take tens
#: of KB; a dense chart a few MB) but a decompression bomb: reading it would take gigabytes.
MAX_CONTENT_BYTES = 16 << 20
#: A table continues on at most this many pages after its title page.
MAX_CONTINUATION_PAGES = 5
#: A page continues a table only while it holds at least this many digits and decimal points: a page of
#: prose after the last table does not.
MIN_CONTINUATION_DIGITS = 8
MIN_CONTINUATION_POINTS = 2
#: A continuation starts near the top of its page: at most this many characters printed above it (a
#: running header, a page number, a repeated title).
MAX_TEXT_ABOVE_CONTINUATION = 80
#: A further part continues a table only when its left and right edges are within this many points (or
#: this share of the page width, whichever is more) of the part before: a small box beside a chart is not.
PART_EDGE_POINTS = 12.0
PART_EDGE_SHARE = 0.04
_YEAR_ONLY = re.compile(r"^(20\d{2})年度?$")


@dataclass
class FoundTable:
    table_no: int
    title_zh: str
    caption: str | None
    unit: str | None
    title_page: int
    table: LogicalTable
    department: str | None = None  # as printed on the table's 部门：/单位： line
    warnings: list[str] = field(default_factory=list)  # what reading its parts noticed (cells OCR left empty)

    @property
    def first_page(self) -> int:
        return min([self.title_page] + self.table.pages)

    @property
    def last_page(self) -> int:
        return max([self.title_page] + self.table.pages)


@dataclass
class Report:
    sha256: str
    page_count: int
    meta: ReportMeta
    size_bytes: int | None = None
    producer: str | None = None
    tables: dict[int, FoundTable] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pages: list[PageText] = field(default_factory=list)  # every page's text lines
    narrative: Narrative | None = None  # 第三部分 情况说明 and after: sentences and the figures they state
    contents: list[ContentsEntry] = field(default_factory=list)  # the 目录's entries
    ocr_pages: list[int] = field(default_factory=list)  # the pages read by OCR

    @property
    def report_id(self) -> str:
        return self.sha256[:16]


def _candidate_pages(pages: list[PageText], marks: list[TitleMark]) -> list[int]:
    """Pages that can hold a table: title pages and the few pages after each that still look tabular."""
    title_pages = sorted({m.page for m in marks})
    chosen: set[int] = set()
    for start in title_pages:
        chosen.add(start)
        for page in pages[start:start + MAX_CONTINUATION_PAGES]:
            if page.page in title_pages:
                break
            # characters may come as separate runs, even out of order (WPS): count digits and points
            text = page.compact
            if sum(ch.isdigit() for ch in text) < MIN_CONTINUATION_DIGITS or text.count(".") < MIN_CONTINUATION_POINTS:
                break
            chosen.add(page.page)
    return sorted(chosen)


def _title_rows(part: TablePart) -> TitleMark | None:
    """A title printed inside the grid's first merged rows (spreadsheet exports); marks those rows."""
    mark = None
    texts: list[str] = []
    for index, row in enumerate(part.rows[:4]):
        filled = [c.text for c in row if c.text]
        if not filled:
            break
        titles = [classify_title(t) for t in filled]
        if len(filled) == 1 and titles[0] is not None:
            mark = TitleMark(part.page, part.top, titles[0], squeeze(filled[0]))
        elif not all(caption_number(t) or unit_of(t) or department_of(t) or _YEAR_ONLY.match(squeeze(t))
                     for t in filled):
            break
        part.title_rows.append(index)
        texts.extend(filled)
    if mark is None:
        part.title_rows.clear()
        return None
    annotate(mark, [TextLine(t, 0, 0, 0, 0) for t in texts])
    return mark


def _text_above(page: PageText, y: float) -> int:
    """How many characters are printed above height y of the page."""
    return sum(len(ln.compact) for ln in _lines_between(page, page.height, y))


def _lines_between(page: PageText, top: float, bottom: float):
    return [ln for ln in page.lines if bottom <= (ln.y0 + ln.y1) / 2 <= top]


def _budget_headers(report: Report) -> bool:
    """The tables' column headers plan (预算数) and never account (决算数)."""
    headers = "".join(c.header_zh or "" for t in report.tables.values() for c in t.table.columns)
    return "预算数" in headers and "决算数" not in headers


def read_report(path: Path | str, *, workdir: Path | None = None, sha256: str | None = None,
                max_pages: int | None = None, ocr: str = DEFAULT_OCR_MODE, ocr_threads: int | None = None,
                on_ocr: Callable[[int, int, int], None] | None = None) -> Report:
    """Read one final-accounts PDF. Raises an `IngestError` subclass for a file that cannot be read (with
    its page count, when it opened).

    ``sha256``: the file's hash when the caller has it already (the file is then not hashed again).
    ``max_pages``: a file with more pages is rejected (`TooLarge`) before anything is read.
    ``ocr``: which pages are read by OCR (a key of ``contract.OCR_MODES``: ``auto`` the pages without a
    text layer, ``off`` none, ``force`` all), with ``ocr_threads`` recognition threads;
    ``on_ocr(done, total, page)`` is called before the first OCR page and after each."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    path = Path(path)
    with open_pdf(path, workdir=workdir, sha256=sha256) as source:
        try:
            return _read(path, source, max_pages, ocr, ocr_threads, on_ocr)
        except IngestError as exc:
            exc.page_count = exc.page_count or source.page_count
            raise


def _read(path: Path, source: PdfSource, max_pages: int | None, ocr: str = DEFAULT_OCR_MODE,
          ocr_threads: int | None = None, on_ocr: Callable[[int, int, int], None] | None = None) -> Report:
    if max_pages is not None and source.page_count > max_pages:
        raise TooLarge(f"{path.name} has {source.page_count:,} pages, more than any final-accounts report "
                       f"(the limit is {max_pages:,}: raise it with --max-pages if it is one)", file=str(path))
    for page_no in range(1, source.page_count + 1):
        size = source.document.content_bytes(page_no)
        if size > MAX_CONTENT_BYTES:
            raise TooLarge(f"{path.name}: the drawing instructions of page {page_no} inflate to "
                           f"{size / 2**20:,.0f} MiB (a page of a report takes well under 1 MiB): a damaged or "
                           "hostile PDF, not read", file=str(path), page=page_no)
    pages = read_pages(source.document)
    texts = [p.text for p in pages]
    scanned = image_only_pages(source, texts)
    wanted = [] if ocr == "off" else list(range(1, source.page_count + 1)) if ocr == "force" else scanned
    warnings: list[str] = []
    if not wanted:
        check_text_layer(source, texts)
    else:
        pages, warnings = _read_by_ocr(path, source, pages, wanted, ocr_threads, on_ocr, forced=ocr == "force")
    try:
        report = _read_tables(path, source, pages)
    except NotFinalAccounts as exc:
        if source.document.ocr_pages and not any(has_text(t) for t in texts):
            raise ScannedPdf(f"{path.name} is a scan ({source.page_count} pages of images), read by OCR, but no "
                             "final-accounts table was found in the text recognised: a scan of another document, "
                             "or a scan too poor to read (the table titles such as 收入支出决算总表 were not "
                             "recognised)", file=str(path)) from exc
        raise
    report.pages = pages
    report.contents = read_contents(pages)
    report.ocr_pages = source.document.ocr_pages
    report.narrative = read_narrative(narrative_pages(source.document))
    report.warnings[:0] = warnings
    if ocr == "off" and scanned:
        report.warnings.append(f"page {scanned[0]} is an image without text (scanned); it was not read (--ocr off)"
                               if len(scanned) == 1 else f"pages {_page_list(scanned)} are images without text "
                               "(scanned); they were not read (--ocr off)")
    for found in report.tables.values():
        report.warnings += found.warnings
        if report.ocr_pages:
            report.warnings += _vet_ocr_cells(found, set(report.ocr_pages))
    return report


def _pages(pages: list[int], plural: str = "are", singular: str = "is") -> str:
    """'page 3 is' / 'pages 3-5 are'"""
    return f"page {pages[0]} {singular}" if len(pages) == 1 else f"pages {_page_list(pages)} {plural}"


def _page_list(pages: list[int]) -> str:
    """1, 3, 5-9"""
    runs: list[list[int]] = []
    for p in pages:
        if runs and p == runs[-1][-1] + 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _read_by_ocr(path: Path, source: PdfSource, pages: list[PageText], wanted: list[int],
                 threads: int | None, on_page, forced: bool = False) -> tuple[list[PageText], list[str]]:
    """Read `wanted` by OCR; the pages' text lines again (the OCR pages' from what was recognised) and what
    to warn about. A file with no text layer that OCR cannot read (no engine, blank pages) is `ScannedPdf`."""
    from .parts.ocr import OcrUnavailable, read_by_ocr

    had_text = any(has_text(p.text) for p in pages)
    try:
        read_by_ocr(source.document, wanted, threads=threads, on_page=on_page)
    except OcrUnavailable as exc:
        if not had_text:
            raise ScannedPdf(f"{path.name} has no text layer on any page: it is a scan, and OCR is not "
                             f"available ({exc})", file=str(path)) from exc
        return pages, [f"{_pages(wanted, 'were', 'was')} not read by OCR: {exc}"]
    pages = read_pages(source.document)
    if not had_text and not any(has_text(p.text) for p in pages):
        raise ScannedPdf(f"{path.name} has no text layer on any page ({len(wanted)} pages of images), and OCR "
                         "recognised no text in them: blank pages or pictures, nothing to read",
                         file=str(path))
    warnings = [f"{_pages(wanted, 'were', 'was')} read by OCR (--ocr force)" if forced
                else f"{_pages(wanted, 'have', 'has')} no text layer (scanned): read by OCR"]
    for page_no in wanted:
        page = source.document.ocr_page(page_no)
        if page.turn:
            warnings.append(f"page {page_no}: scanned turned {page.turn}° round; read turned upright")
        if not page.chars:
            warnings.append(f"page {page_no}: OCR recognised no text on it (a blank page or a picture)")
    return pages, warnings


def _vet_ocr_cells(found: FoundTable, ocr_pages: set[int]) -> list[str]:
    """Amounts and codes read by OCR must be spelled as one: an amount with the decimals of the table's
    other amounts read by OCR (a full stop lost to the scan makes another number), a code of 3, 5 or 7
    digits. Any other is left empty (NULL), with a warning: a wrong number never passes for a read one."""
    from .parts.ocr import looks_like_amount, usual_decimals

    table = found.table
    rows = [r for r in table.body if r.page in ocr_pages and r.confidence is not None]
    amount_cols = [i for i, c in enumerate(table.columns) if c.role == "amount"]
    decimals = usual_decimals(r.cells[i] for r in rows for i in amount_cols)
    out = []
    for row in rows:
        for i, column in enumerate(table.columns):
            text = row.cells[i]
            if not text or prints_nothing(text) or row.confidence[i] is None:
                continue
            if column.role == "amount":
                if looks_like_amount(text, decimals):
                    continue
                why = f"is not an amount with {decimals} decimals" if decimals is not None else "is not an amount"
            elif column.role in CODE_ROLES and any(ch.isdigit() for ch in text):
                if (C.is_code(text) if column.role in ("code", "code_class") else C.PART_CODE.match(squeeze(text))):
                    continue
                why = "is not a classification code"
            else:
                continue
            out.append(f"table {found.table_no:02d} page {row.page}: {squeeze(text)!r} read by OCR in the "
                       f"{column.header_zh or column.role} column {why}; left empty")
            row.cells[i] = None
            row.confidence[i] = None
    return out


def _read_tables(path: Path, source: PdfSource, pages: list[PageText]) -> Report:
    marks = find_titles(pages)
    if all(m.caption_only for m in marks):  # no final-accounts title printed: the sister budget report?
        evidence = budget_evidence(pages)
        if evidence is not None:
            raise BudgetReport(f"{path.name}: a {evidence.kind} report; juesuan reads final accounts "
                               f"(recognised by its {evidence.describe()})")
    candidates = _candidate_pages(pages, marks)
    titles: dict[int, list[float]] = {}
    for mark in marks:
        titles.setdefault(mark.page, []).append(mark.y)
    parts = find_tables(source.document, candidates, titles)
    by_page = {p.page: p for p in pages}

    events: list[tuple[int, float, int, object]] = []
    for mark in marks:
        events.append((mark.page, -mark.y, 0, mark))
    for part in parts:
        inner = _title_rows(part)
        if inner:
            events.append((part.page, -part.top - 0.01, 0, inner))
            # the same title seen by the text pass inside the grid is this one
            events = [e for e in events if not (e[2] == 0 and e[3] is not inner and e[0] == part.page
                                                and part.bottom <= -e[1] <= part.top + 1)]
        events.append((part.page, -part.top, 1, part))
    events.sort(key=lambda e: (e[0], e[1], e[2]))

    groups: list[tuple[TitleMark, list[TablePart]]] = []
    last_part_page: int | None = None
    for index, (page_no, neg_y, kind, item) in enumerate(events):
        if kind == 0:
            mark = item
            if groups and groups[-1][0].table_no == mark.table_no and (
                    mark.continued or (groups[-1][1] and page_no > last_part_page
                                       and _text_above(by_page[page_no], mark.y + 1) <= MAX_TEXT_ABOVE_CONTINUATION)):
                continue  # the title repeated at the top of a page the table continues on (inside the grid, say)
            # the title block: lines from a little above the title down to the next table on the page
            below = [e for e in events[index + 1:] if e[0] == page_no and e[2] == 1]
            bottom = below[0][3].top if below else 0.0
            annotate(mark, _lines_between(by_page[page_no], mark.y + 60, bottom))
            groups.append((mark, []))
            last_part_page = None
        else:
            part = item
            if not groups:
                continue  # a grid before the first table title (a list of units, say)
            mark, group_parts = groups[-1]
            if group_parts:
                # a further part spans the width of the table it continues (not a small box beside a chart)
                before = group_parts[-1].bbox
                tolerance = max(PART_EDGE_POINTS, PART_EDGE_SHARE * by_page[page_no].width)
                if abs(part.bbox[0] - before[0]) > tolerance or abs(part.bbox[2] - before[2]) > tolerance:
                    continue
            if group_parts and part.page != last_part_page:
                # a continuation must start near the top of its page, within a few pages of its title
                if (_text_above(by_page[page_no], part.top) > MAX_TEXT_ABOVE_CONTINUATION
                        or part.page - mark.page > MAX_CONTINUATION_PAGES):
                    continue
            if not group_parts and part.page - mark.page > 1:
                continue
            group_parts.append(part)
            last_part_page = part.page

    meta = report_metadata(pages, [m for m, _ in groups])
    report = Report(source.sha256, len(pages), meta, size_bytes=source.size_bytes, producer=source.producer)
    for mark, group_parts in groups:
        table = assemble(mark.table_no, group_parts)
        table_no = mark.table_no
        if mark.caption_only:  # a caption printed without a title: the header, when it is clear, decides
            header = " ".join(c.header_zh or "" for c in table.columns)
            table_no = classify_by_header(header) or table_no
        found = FoundTable(table_no, mark.title, mark.caption, mark.unit or meta.unit, mark.page, table,
                           mark.department, [w for part in group_parts for w in part.warnings])
        previous = report.tables.get(table_no)
        if previous is not None:
            report.warnings.append(f"table {table_no:02d} printed twice (pages {previous.first_page} and {found.first_page}); kept the one with more rows")
            if len(previous.table.body) >= len(found.table.body):
                continue
        report.tables[table_no] = found
    if marks and all(m.caption_only for m in marks) and _budget_headers(report):
        raise BudgetReport(f"{path.name}: a 部门预算 report; juesuan reads final accounts (its tables, found by "
                           f"their 公开NN表 captions, print 预算数 columns and no 决算数)")
    blanks = placeholders(pages)
    if blanks:
        where = blanks[0].describe()
        if len(blanks) > 1:
            others = sorted({b.where + "s" for b in blanks[1:]})
            where += f", and in {len(blanks) - 1} more lines ({', '.join(others)})"
        if all(t.table.is_empty for t in report.tables.values()):
            raise TemplateReport(f"{path.name}: a blank template or draft: placeholder {where}, and no amounts "
                                 f"in {'its tables' if report.tables else 'the file'}; fill it in or leave it out")
        report.warnings.append(f"placeholder {where}: a draft? its amounts were read")
    if not report.tables:
        raise NotFinalAccounts(
            f"{path.name}: no final-accounts table found (none of the nine titles such as 收入支出决算总表 or "
            f"公开01表 captions in {len(pages)} pages): is it a 部门决算 report?")
    return report
