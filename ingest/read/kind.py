"""What kind of document a file is, beyond "holds the nine tables": the sister budget report (部门预算 /
单位预算), or a blank template or draft whose cover, titles or department lines still carry placeholders.

Both are decided from the text pass alone (printed words, no table reading):

* A **budget report** prints the same family of tables under titles that plan rather than account
  (收支预算总表, 财政拨款收支预算总表, 一般公共预算支出功能分类预算表 …, or the Ministry's 收支总表,
  一般公共预算支出表 …) and its cover says 部门预算 / 单位预算. Every final-accounts title holds 决算
  (收入支出决算总表 …), so a line that names a table without 决算 is never one of ours; the words 预算 and
  预算数 alone (一般公共预算财政拨款, 年初预算数, 预算绩效) say nothing. A file is a budget report only when
  it prints no final-accounts title at all and its cover or at least `MIN_BUDGET_TITLES` table titles say so.
* A **placeholder** (XX, ××, 某某, YYYY, 20XX) is looked for only where a template leaves blanks to fill:
  the cover, table titles and 部门：/单位： lines, never in the narrative (where 某某 can be prose).
  Whether the file is then a template (no amounts) or a draft that loads with a warning is the caller's call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import PageText
from .titles import classify_title, department_of

#: A file without final-accounts titles is a budget report when its cover says so or when at least this many
#: lines are budget table titles (one such line could be a heading of some other document).
MIN_BUDGET_TITLES = 2
#: The cover is on the first pages, before any table: placeholders and the 部门预算 line are looked for on
#: at most this many pages before the first table title.
COVER_PAGES = 2
#: Cover, title and department lines are short; a longer line is prose.
MAX_TITLE_CHARS = 60

_ORDINAL = re.compile(r"^([一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d+[、.．]|第[一二三四五六七八九十]+部分)")
_PROSE = re.compile(r"[，。；！？,;]")
_CONTINUED = re.compile(r"[（(]续(表)?[）)]$|续表$")
_LEADERS = re.compile(r"[.…·]+\d*$")

# Budget tables as printed: the planned version of a standard table, its title ending in 表 without 决算.
_BUDGET_TITLE = re.compile(
    r"(?:"
    r"预算(?:总|明细|汇总)?表"                                            # 收支预算总表, 支出功能分类预算表, 经费预算表
    r"|(?:财务)?收支总表|收入总表|支出总表"                                  # the Ministry's 部门预算 forms
    r"|(?:一般公共|政府性基金|国有资本经营)预算(?:财政拨款)?(?:基本|项目)?支出(?:明细)?表"
    r"|三公.{0,3}经费(?:支出)?表"
    r"|(?:收支|收入|支出)总体情况表"                                        # the provinces' forms
    r"|(?:一般公共|政府性基金|国有资本经营)预算.{0,12}支出情况表"
    r")$")
_BUDGET_WORDS = ("收", "支", "经费", "拨款", "分类")
_BUDGET_COVER = re.compile(r"(部门|单位)预算(?:公开|报告|公开说明|说明)?$")

# Placeholders a template leaves: runs of X (Latin or full-width) or ×, 某某, YYYY, and a year 20XX.
_PLACEHOLDER = re.compile(r"(?<![A-Za-z])(?:[XxＸｘ×╳]{2,}|[YＹ]{4}|20[XxＸｘ×]{2})(?![A-Za-z])|某某|○○")


def _title_like(compact: str) -> str | None:
    """The line as a possible table title (续 and table-of-contents leaders taken off), or None for lines of
    the table of contents, ordinals and prose."""
    if not compact or len(compact) > MAX_TITLE_CHARS or _ORDINAL.match(compact) or _PROSE.search(compact):
        return None
    compact = _CONTINUED.sub("", compact)
    return _LEADERS.sub("", compact)


def budget_title(compact: str) -> bool:
    """A line that titles a table of a budget report (部门收支预算总表), never one of final accounts."""
    title = _title_like(compact)
    if not title or "决算" in title or "说明" in title:
        return False
    return bool(_BUDGET_TITLE.search(title)) and any(word in title for word in _BUDGET_WORDS)


def _is_contents(page: PageText) -> bool:
    return any(line.compact in ("目录", "目次") for line in page.lines[:8])


@dataclass
class BudgetEvidence:
    cover: tuple[int, str] | None  # (page, line) of a cover saying 部门预算 / 单位预算
    titles: list[tuple[int, str]]  # (page, line) of budget table titles

    @property
    def kind(self) -> str:
        """部门预算 or 单位预算, as the cover (or else the titles) print it."""
        texts = ([self.cover[1]] if self.cover else []) + [t for _, t in self.titles]
        return "单位预算" if any("单位" in t for t in texts) and not any("部门" in t for t in texts) else "部门预算"

    def describe(self) -> str:
        said = []
        if self.cover:
            said.append(f"cover '{self.cover[1]}' (page {self.cover[0]})")
        if self.titles:
            first_page, first = self.titles[0]
            said.append(f"{len(self.titles)} budget table title{'s' if len(self.titles) > 1 else ''} such as "
                        f"'{first}' (page {first_page})")
        return " and ".join(said)


def budget_evidence(pages: list[PageText]) -> BudgetEvidence | None:
    """What marks the pages as a budget report, or None when nothing does (or a final-accounts title is
    printed: a report of final accounts may quote its budget, never the reverse)."""
    cover = None
    titles: list[tuple[int, str]] = []
    seen_table = False
    for page in pages:
        if _is_contents(page):
            continue
        for line in page.lines:
            compact = line.compact
            if classify_title(compact) is not None:
                return None  # a final-accounts title
            if budget_title(compact):
                titles.append((page.page, compact))
                seen_table = True
            elif (cover is None and not seen_table and page.page <= COVER_PAGES and "决算" not in compact
                  and (title := _title_like(compact)) and _BUDGET_COVER.search(title)):
                cover = (page.page, compact)
    if cover or len(titles) >= MIN_BUDGET_TITLES:
        return BudgetEvidence(cover, titles)
    return None


@dataclass(frozen=True)
class Placeholder:
    text: str   # the placeholder as printed: XX, ××, 某某, YYYY
    where: str  # 'cover', 'table title', 'department line'
    page: int
    line: str   # the line it was printed in

    def describe(self) -> str:
        return f"'{self.text}' in the {self.where} '{self.line}' (page {self.page})"


def placeholders(pages: list[PageText]) -> list[Placeholder]:
    """Placeholders printed on the cover, in table titles and in 部门：/单位： lines, in page order (each
    line once)."""
    found: list[Placeholder] = []
    first_table = next((p.page for p in pages for ln in p.lines if classify_title(ln.compact) is not None),
                       None)
    for page in pages:
        cover = page.page <= COVER_PAGES and (first_table is None or page.page < first_table)
        for line in page.lines:
            compact = line.compact
            match = _PLACEHOLDER.search(compact)
            if not match:
                continue
            if classify_title(compact) is not None:
                where = "table title"
            elif department_of(compact) is not None:
                where = "department line"
            elif cover and _title_like(compact):
                where = "cover"
            else:
                continue
            found.append(Placeholder(match.group(0), where, page.page, compact))
    return found
