"""Find the nine standard tables by their printed titles, captions and unit lines (text pass only).

The caption (公开01表 / 公开 01 表 / 公开表01) is a hint: many reports print none, so the table number comes from
the title's wording, by content. When a table has no title at all, `classify_by_header` names it from its
column headers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import PageText, TextLine, squeeze

TITLES_ZH = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算表",
    7: "政府性基金预算财政拨款收入支出决算表",
    8: "国有资本经营预算财政拨款支出决算表",
    9: "一般公共预算财政拨款“三公”经费支出决算表",
}

# Most specific first: 支出决算表 is contained in five other titles.
_TITLE_PATTERNS: list[tuple[int, re.Pattern]] = [
    (9, re.compile("[\u201c\u201d\"'\u2018\u2019]?三公.{0,3}经费(支出)?(预)?决算(情况|明细)?表")),
    (6, re.compile(r"基本支出决算(明细)?表")),
    (7, re.compile(r"政府性基金预算财政拨款(收入)?支出决算(明细)?表")),
    (8, re.compile(r"国有资本经营预算财政拨款(收入)?支出决算(明细)?表")),
    (5, re.compile(r"一般公共预算财政拨款(项目)?支出决算(明细)?表")),
    (4, re.compile(r"财政拨款收入支出决算总表")),
    (1, re.compile(r"收入支出决算总表")),
    (2, re.compile(r"收入决算(明细)?表")),
    (3, re.compile(r"支出决算(明细)?表")),
]
_CONTINUED = re.compile(r"[（(]续(表)?[）)]$|续表$")
_ORDINAL = re.compile(r"^([一二三四五六七八九十]+[、.．]|[二三四五六七八九十][一二三四五六七八九]?(?=[\u4e00-\u9fff])|一(?!般)|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|表[一二三四五六七八九\d])")
# the number of one of the nine tables, not the start of a longer one (公开100% in a table of indicators)
_CAPTION = re.compile(r"公开表?0?([1-9])(?![0-9.%])表?")
_UNIT = re.compile(r"(?:金额)?单位[：:]((?:人民币)?(?:万元|元))(?![\u4e00-\u9fff])")
_DEPT = re.compile(r"^(?:部门|单位|编制单位|填报单位|部门名称|单位名称)[：:](.+)$")
_YEAR = re.compile(r"(20\d{2})\s*年度?")


@dataclass
class TitleMark:
    """A printed table title (or a caption-only mark) on a page."""

    page: int
    y: float  # top of the title line
    table_no: int
    title: str  # as printed, white space removed
    caption: str | None = None
    unit: str | None = None
    department: str | None = None
    continued: bool = False
    caption_only: bool = False  # a 公开NN表 caption printed without a title


def classify_title(text: str) -> int | None:
    """Table number of a title line, or None when the line is not a table title.

    A title may be prefixed by the department and year (2024年度…) and followed by （续）; lines of the table
    of contents (一、收入支出决算总表) and of the narrative (…决算情况说明) are not titles.
    """
    compact = squeeze(text).replace('"', "“").lstrip("-•·●○■□◆*>")
    if not compact or _ORDINAL.match(compact) or "说明" in compact or len(compact) > 60:
        return None
    compact = _CONTINUED.sub("", compact)
    compact = re.sub(r"[.…·]+\d*$", "", compact)  # table-of-contents leaders and page numbers
    for table_no, pattern in _TITLE_PATTERNS:
        match = pattern.search(compact)
        if match and match.end() == len(compact):
            return table_no
    return None


def caption_number(text: str) -> int | None:
    match = _CAPTION.search(squeeze(text))
    return int(match.group(1)) if match else None


def unit_of(text: str) -> str | None:
    match = _UNIT.search(squeeze(text))
    if not match:
        return None
    return "万元" if "万元" in match.group(1) else "元"


def department_of(text: str) -> str | None:
    match = _DEPT.match(squeeze(text))
    if not match:
        return None
    value = match.group(1)
    value = _UNIT.sub("", value)
    value = re.sub(r"(20\d{2})年度?.*$", "", value)
    if not value or value in ("万元", "元") or value.startswith(("万元", "元")):
        return None
    return value


def find_titles(pages: list[PageText]) -> list[TitleMark]:
    """Every table title printed on the pages, with the caption, unit and department lines near it."""
    marks: list[TitleMark] = []
    for page in pages:
        if any(line.compact in ("目录", "目次") for line in page.lines[:8]):
            continue  # a table of contents lists every title
        page_marks = []
        for line in page.lines:
            table_no = classify_title(line.text)
            if table_no is not None:
                page_marks.append(TitleMark(page.page, line.y1, table_no, _strip_prefix(line.compact),
                                            continued=bool(_CONTINUED.search(line.compact))))
        # Captions printed without a title (公开07表 alone on a page) still mark a table.
        if not page_marks:
            for line in page.lines:
                no = caption_number(line.text)
                if no is not None and len(line.compact) <= 12:
                    page_marks.append(TitleMark(page.page, line.y1, no, TITLES_ZH[no], caption=line.compact,
                                                caption_only=True))
        marks.extend(page_marks)
    return marks


def _strip_prefix(compact: str) -> str:
    """The title without the department/year prefix some reports print before it."""
    for _, pattern in _TITLE_PATTERNS:
        match = pattern.search(compact)
        if match:
            start = match.start()
            # keep the qualifying words that belong to the title (一般公共预算财政拨款…)
            for prefix in ("一般公共预算财政拨款", "财政拨款", "一般公共预算"):
                if compact[:start].endswith(prefix):
                    start -= len(prefix)
                    break
            return compact[start:]
    return compact


def annotate(mark: TitleMark, lines: list[TextLine]) -> None:
    """Attach the caption, unit and department printed in the title block (the lines given)."""
    for line in lines:
        if mark.caption is None and caption_number(line.text) is not None:
            match = _CAPTION.search(line.compact)
            mark.caption = match.group(0)
        if mark.unit is None:
            mark.unit = unit_of(line.text)
        if mark.department is None:
            mark.department = department_of(line.text)


def classify_by_header(header_text: str) -> int | None:
    """Table number from the joined header labels of a table printed without a title."""
    h = squeeze(header_text)
    if "经济分类" in h or ("人员经费" in h and "公用经费" in h):
        return 6
    if "公务接待" in h or "因公出国" in h:
        return 9
    if "行次" in h or ("收入" in h and "支出" in h and "项目" in h and "科目编码" not in h):
        return 4 if "政府性基金预算财政拨款" in h and "国有资本经营预算财政拨款" in h else 1
    if "财政拨款收入" in h and "本年收入合计" in h:
        return 2
    if "上缴上级支出" in h or ("本年支出合计" in h and "项目支出" in h):
        return 3
    if "年初结转" in h and "年末结转" in h:
        return 7
    if "基本支出" in h and "项目支出" in h:
        return 5
    return None
