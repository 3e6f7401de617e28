"""From page lines to the narrative's parts, numbered sections and sentences, with the page of every
character.

Steps: find the narrative parts by their headings (第三部分 …情况说明, and later parts such as 其他重要事项的情况说明;
never 名词解释 or 附件; a table of contents is skipped); keep the running text of those parts (page numbers,
running headers and footers, table rows and chart labels dropped); cut it into paragraphs by line spacing,
indentation and short last lines; join paragraphs that a page break or a stray line break cut in the middle
of a sentence; split into sentences at 。！？; number sections (一、 level 1, （一） level 2) and list items (1. 1、
（1）).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from ..text import PageText, TextLine, squeeze

from .numbers import find_figures

CN_NUMERALS = "一二三四五六七八九十"
PART_HEADING = re.compile(rf"^第([{CN_NUMERALS}]+)部分(.*)$")
SECTION_LABEL = re.compile(rf"^([{CN_NUMERALS}]{{1,3}})[、.．](?![\d])")
SUBSECTION_LABEL = re.compile(rf"^[（(]([{CN_NUMERALS}]{{1,3}})[）)]")
# 1. / 1、 / （1）; "1.2010301行政运行" is item 1 and a function code, not the number 1.2010301
ITEM_LABEL = re.compile(r"^(?:(\d{1,2})[.、．](?!\d)|[（(](\d{1,2})[）)]|(\d{1,2})[.、．](?=2\d{2}(?:\d{2}){0,2}[\u4e00-\u9fff]))")
# titles of parts that hold narrative (情况说明, and the parts some reports add after it)
NARRATIVE_PART = re.compile(r"情况说明|其他重要事项|机关运行经费|政府采购|国有资产|绩效")
NOT_NARRATIVE_PART = re.compile(r"名词解释|附件|附表|决算表|概况|目录")
_PAGE_NUMBER = re.compile(r"^[-—–－_·•\s]*(第)?\d{1,4}(页)?([/／]共?\d{1,4}页?)?[-—–－_·•\s]*$")
_NUMERIC_ONLY = re.compile(r"^[\d,.%％\s\-—–－/]+$")
_CAPTION = re.compile(r"^(图|表)[\d一二三四五六七八九十]*[：:]")
_SENTENCE_END = re.compile(r"[。！？!?][”’」』）)】]*")
_HARD_END = re.compile(r"[。！？!?][”’」』）)】]*$")


@dataclass(frozen=True)
class Part:
    number: str             # 三
    title: str              # as printed, white space removed: 2024年度部门决算情况说明
    page: int


@dataclass(frozen=True)
class Sentence:
    """One sentence (or heading) of the narrative, white space removed, with the page of its characters."""

    sentence_no: int        # 1-based, in reading order over the whole narrative
    paragraph_no: int
    part_no: str            # 三
    section_no: str         # 五 ('' before the first section)
    section_title: str
    subsection_no: str      # 三 of （三） ('' outside a subsection)
    subsection_title: str
    item_no: str            # 1 of "1." / "1、" / "（1）" ('' outside a list item)
    heading: bool           # a section or subsection title
    text: str
    page_marks: tuple       # ((offset, page), …): the page from each offset on

    @property
    def page(self) -> int:
        return self.page_marks[0][1]

    @property
    def last_page(self) -> int:
        return self.page_marks[-1][1]

    def page_at(self, offset: int) -> int:
        page = self.page_marks[0][1]
        for start, p in self.page_marks:
            if start > offset:
                break
            page = p
        return page

    @property
    def section_path(self) -> str:
        """五（三）1 — section, subsection and item numbers as printed."""
        return self.section_no + (f"（{self.subsection_no}）" if self.subsection_no else "") + self.item_no


@dataclass
class _Para:
    text: str = ""
    marks: list = field(default_factory=list)     # (offset, page)
    part: Part | None = None

    def add(self, text: str, page: int) -> None:
        if not self.marks or self.marks[-1][1] != page:
            self.marks.append((len(self.text), page))
        self.text += text

    def extend(self, other: "_Para") -> None:
        for i, (offset, page) in enumerate(other.marks):
            end = other.marks[i + 1][0] if i + 1 < len(other.marks) else len(other.text)
            self.add(other.text[offset:end], page)

    def slice(self, start: int, end: int) -> "_Para":
        out = _Para(part=self.part)
        for i, (offset, page) in enumerate(self.marks):
            stop = self.marks[i + 1][0] if i + 1 < len(self.marks) else len(self.text)
            a, b = max(offset, start), min(stop, end)
            if a < b:
                out.add(self.text[a:b], page)
        return out


@dataclass
class _Line:
    page: int
    line: TextLine
    text: str                # compact


# ---------------------------------------------------------------------------------------------------- parts
def find_parts(lines: list[_Line]) -> list[tuple[Part, int, int]]:
    """The narrative parts as (part, index of its first body line, index after its last) in `lines`."""
    heads = [(i, PART_HEADING.match(ln.text)) for i, ln in enumerate(lines)]
    heads = [(i, m) for i, m in heads if m]
    per_page = Counter(lines[i].page for i, _ in heads)
    # a table of contents lists three or more parts on one page; its entries are not headings
    heads = [(i, m) for i, m in heads if per_page[lines[i].page] < 3]
    last: dict[str, int] = {}
    for k, (i, m) in enumerate(heads):
        last[m.group(1)] = k
    chosen = sorted((heads[k] for k in last.values()), key=lambda h: h[0])
    out = []
    for k, (i, m) in enumerate(chosen):
        title, first = _part_title(lines, i, m.group(2))
        end = chosen[k + 1][0] if k + 1 < len(chosen) else len(lines)
        if NARRATIVE_PART.search(title) and not NOT_NARRATIVE_PART.search(title):
            out.append((Part(m.group(1), title, lines[i].page), first, end))
    if not out:
        # no 第N部分 heading: a report may title its narrative only 部门决算情况说明
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].text.endswith("决算情况说明") and per_page[lines[i].page] < 3 and len(lines[i].text) < 40:
                end = next((j for j in range(i + 1, len(lines)) if PART_HEADING.match(lines[j].text)), len(lines))
                out.append((Part("", lines[i].text, lines[i].page), i + 1, end))
                break
    return out


def _part_title(lines: list[_Line], i: int, rest: str) -> tuple[str, int]:
    """The part's title, which may go on for a line or two (the department, 说明), and the first body line."""
    title = rest
    j = i + 1
    while j < len(lines) and j <= i + 3 and lines[j].page == lines[i].page:
        t = lines[j].text
        if (SECTION_LABEL.match(t) or SUBSECTION_LABEL.match(t) or ITEM_LABEL.match(t) or PART_HEADING.match(t)
                or len(t) > 30 or find_figures(t) or _HARD_END.search(t)):
            break
        title += t
        j += 1
    return title, j


def all_lines(pages: list[PageText]) -> list[_Line]:
    """The lines of every page in reading order, page numbers and running headers and footers dropped."""
    running = _running(pages)
    return [_Line(p.page, ln, squeeze(ln.text)) for p in pages for ln in _reading_order(p)
            if squeeze(ln.text) and not _is_margin_text(p, ln, running)]


def _reading_order(page: PageText) -> list[TextLine]:
    return sorted(page.lines, key=lambda ln: (-round(ln.y0, 0), ln.x0))


def _running(pages: list[PageText]) -> frozenset:
    """Texts printed in the top or bottom band of three or more pages (digits ignored): running headers and
    footers."""
    seen: dict[str, set] = {}
    for p in pages:
        for ln in p.lines:
            if _in_band(p, ln):
                seen.setdefault(re.sub(r"\d+", "#", squeeze(ln.text)), set()).add(p.page)
    return frozenset(t for t, ps in seen.items() if len(ps) >= 3)


def _in_band(page: PageText, ln: TextLine) -> bool:
    return ln.y0 > page.height * 0.92 or ln.y1 < page.height * 0.08


def _is_margin_text(page: PageText, ln: TextLine, running: frozenset) -> bool:
    text = squeeze(ln.text)
    if _in_band(page, ln) and (_PAGE_NUMBER.match(text) or re.sub(r"\d+", "#", text) in running):
        return True
    return bool(_PAGE_NUMBER.match(text)) and len(text) <= 12 and not text.endswith(("。", "，"))


# ---------------------------------------------------------------------------------------------------- body
def body_lines(pages: list[PageText], lines: list[_Line]) -> list[_Line]:
    """The running text of a part: table rows (several cells on one line), lines of figures alone (chart
    axes, table cells), figure captions, and text far right of the text column (chart titles) dropped."""
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    width = {p.page: p.width for p in pages}
    out = []
    for page, page_lines in by_page.items():
        rows = _rows(page_lines)
        margin = _left_margin(page_lines, width[page])
        for row in rows:
            if len(row) > 1:
                continue
            ln = row[0]
            if _NUMERIC_ONLY.match(ln.text) or _CAPTION.match(ln.text):
                continue
            if ln.line.x0 > margin + 0.25 * width[page] and not (SECTION_LABEL.match(ln.text)
                                                                 or SUBSECTION_LABEL.match(ln.text)):
                continue
            out.append(ln)
    return out


def _rows(lines: list[_Line]) -> list[list[_Line]]:
    rows: list[list[_Line]] = []
    for ln in lines:
        mid = (ln.line.y0 + ln.line.y1) / 2
        h = ln.line.y1 - ln.line.y0
        for row in rows:
            r = row[0].line
            if abs((r.y0 + r.y1) / 2 - mid) < 0.3 * min(h, r.y1 - r.y0):
                row.append(ln)
                break
        else:
            rows.append([ln])
    return rows


def _left_margin(lines: list[_Line], width: float) -> float:
    long = [round(ln.line.x0) for ln in lines if ln.line.x1 - ln.line.x0 > 0.5 * width]
    if not long:
        return min((ln.line.x0 for ln in lines), default=0.0)
    return float(Counter(long).most_common(1)[0][0])


def paragraphs(lines: list[_Line], part: Part) -> list[_Para]:
    """Lines into paragraphs: a new one after a wide gap, at an indented line, after a short line, or at a
    section or item label after the end of a sentence; then paragraphs cut inside a sentence joined again."""
    if not lines:
        return []
    raw: list[_Para] = []
    by_page: dict[int, list[_Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    geometry = {page: _geometry(ls) for page, ls in by_page.items()}
    prev: _Line | None = None
    for ln in lines:
        margin, right, pitch, size = geometry[ln.page]
        new = prev is None
        if prev is not None and prev.page == ln.page:
            gap = prev.line.y0 - ln.line.y0
            if gap > 1.45 * pitch:
                new = True
        if prev is not None:
            pm, pr, _, psize = geometry[prev.page]
            if prev.line.x1 < pr - 2.5 * psize:
                new = True                                   # the previous line ended short
        if ln.line.x0 > margin + 0.6 * size:
            new = True                                       # a first-line indent
        if prev is not None and (SECTION_LABEL.match(ln.text) or SUBSECTION_LABEL.match(ln.text)
                                 or ITEM_LABEL.match(ln.text)) and re.search(r"[。：:；;！？]$", prev.text):
            new = True
        if new:
            raw.append(_Para(part=part))
        raw[-1].add(ln.text, ln.page)
        prev = ln
    return _join(raw)


def _geometry(lines: list[_Line]) -> tuple[float, float, float, float]:
    """Left margin, right edge of full lines, line pitch and character size of a page's running text."""
    xs0 = Counter(round(ln.line.x0) for ln in lines)
    margin = float(min(xs0)) if xs0 else 0.0
    # the most common left edge among long lines is the margin; an indent sits right of it
    long = [ln for ln in lines if len(ln.text) >= 12]
    if long:
        margin = float(min(Counter(round(ln.line.x0) for ln in long).most_common(2))[0])
    right = max((ln.line.x1 for ln in long), default=max((ln.line.x1 for ln in lines), default=0.0))
    sizes = [(ln.line.x1 - ln.line.x0) / max(len(ln.text), 1) for ln in long]
    size = median(sizes) if sizes else 10.0
    gaps = [a.line.y0 - b.line.y0 for a, b in zip(lines, lines[1:]) if 0 < a.line.y0 - b.line.y0 < 4 * size]
    pitch = min(gaps) if gaps else 1.5 * size
    # the smallest gap seen more than once is the pitch within a paragraph
    rounded = Counter(round(g) for g in gaps)
    repeated = [g for g, n in rounded.items() if n > 1]
    if repeated:
        pitch = float(min(repeated))
    return margin, right, pitch, size


def _join(paras: list[_Para]) -> list[_Para]:
    out: list[_Para] = []
    for p in paras:
        if out and not _HARD_END.search(out[-1].text) and not _heading_only(out[-1].text) and not (
                SECTION_LABEL.match(p.text) or SUBSECTION_LABEL.match(p.text) or ITEM_LABEL.match(p.text)):
            out[-1].extend(p)
        else:
            out.append(p)
    return out


def _is_heading(text: str) -> bool:
    return bool(SECTION_LABEL.match(text) or SUBSECTION_LABEL.match(text))


def _heading_only(text: str) -> bool:
    """A section title with no body text after it (body may follow its first 。 in the same paragraph)."""
    if not _is_heading(text):
        return False
    m = re.search(r"[。：:]", text)
    return m is None or m.end() == len(text)


# ---------------------------------------------------------------------------------------------------- sentences
def sentences(pages: list[PageText]) -> tuple[list[Part], list[Sentence]]:
    """The narrative parts of a report and their sentences, in reading order."""
    parts, paras = [], []
    lines = all_lines(pages)
    for part, first, end in find_parts(lines):
        parts.append(part)
        paras += paragraphs(body_lines(pages, lines[first:end]), part)
    return parts, _numbered(paras)


def text_sentences(part: Part, paragraphs_text: list[str]) -> list[Sentence]:
    """The sentences of a part given as paragraphs of plain text (a report's published text has no pages:
    every sentence's page is None), numbered as ``sentences`` numbers those of a PDF."""
    paras = []
    for text in paragraphs_text:
        para = _Para(part=part)
        para.text, para.marks = text, [(0, None)]
        paras.append(para)
    return _numbered(paras)


def _numbered(paras: list[_Para]) -> list[Sentence]:
    """Paragraphs (in reading order, each with its part) cut into sentences with their section, subsection
    and list item."""
    out: list[Sentence] = []
    current: Part | None = None
    section = subsection = ("", "")
    item = ""
    for paragraph_no, para in enumerate(paras, 1):
        if para.part is not current:
            current, section, subsection, item = para.part, ("", ""), ("", ""), ""
        for piece, heading in _split_heading(para):
            text = piece.text
            if heading:
                m = SECTION_LABEL.match(text)
                if m:
                    section = (m.group(1), _title(text[m.end():]))
                    subsection = ("", "")
                else:
                    m = SUBSECTION_LABEL.match(text)
                    subsection = (m.group(1), _title(text[m.end():]))
                item = ""
            else:
                m = ITEM_LABEL.match(text)
                if m:
                    item = m.group(1) or m.group(2) or m.group(3)
            for start, stop in ([(0, len(text))] if heading else _sentence_spans(text)):
                s = piece.slice(start, stop)
                out.append(Sentence(len(out) + 1, paragraph_no, current.number, section[0], section[1],
                                    subsection[0], subsection[1], item, heading, s.text, tuple(s.marks)))
    return out


def _title(text: str) -> str:
    return text.rstrip("。.：:")


def _split_heading(para: _Para) -> list[tuple[_Para, bool]]:
    """A section label's paragraph is its title up to the first 。 and, after it, body text if any."""
    if not _is_heading(para.text):
        return [(para, False)]
    m = re.search(r"[。：:]", para.text)
    if m and m.end() < len(para.text):
        return [(para.slice(0, m.end()), True), (para.slice(m.end(), len(para.text)), False)]
    return [(para, True)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if re.fullmatch(r"[。！？!?”’」』）)】]*", text[start:end]) and spans:
            spans[-1] = (spans[-1][0], end)          # 。。 — a doubled full stop belongs to the sentence before
        else:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans
