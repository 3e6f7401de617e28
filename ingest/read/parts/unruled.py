"""Tables printed without ruled lines: rows and columns from the alignment of the text.

When Camelot's lattice flavour finds no grid on a page that holds a table (Word or WPS tables with their
borders hidden), the table is read from its characters. Camelot's stream and network flavours were tried
on such tables first: they split a label wrapped over two lines into two rows, and the digits of
right-aligned amounts of different widths into several columns, so their rows and columns would need as
much repair as reading the text directly. Here:

* the table starts below its title block (title, 公开NN表 caption, 部门：/单位：, year and unit lines) and
  ends at a note (注：…), a page number, a paragraph of prose or a wide gap;
* columns are the bands of x covered by the text of the body lines, matched in order to the header's
  lowest labels (a label without a band below it is a column printed blank throughout); column
  boundaries lie in the white between them;
* a body line that only continues a label (text in one column, no code, no amount) joins the nearest data
  line: a label wrapped inside its cell, whichever way the cell aligns its text vertically;
* lines above the first data line are header rows; a label covers the columns beneath it, and a label
  centred over two or more labels below it (预算数 over the six 三公 columns) their columns too.

The result is a `TablePart` like the lattice ones (flavor ``text``), so the rest of the reading is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import cells as C
from ..text import Char, same_line, squeeze
from ..titles import caption_number, classify_title, department_of, unit_of
from . import PrintedCell, TablePart, cell_text, chars_confidence

GUTTER = 2.0  # points of white between two columns, at least
_PAGE_NUMBER = re.compile(r"^[-—－–_\s]*(第?\d{1,4}页?(共\d+页)?|\d{1,4}/\d{1,4})[-—－–_\s]*$")
_YEAR_ONLY = re.compile(r"^(20\d{2})年度?$")
# a caption's first line when its cell is too narrow for all of it (公开表, then 01 on a line of its own,
# below the 部门： line it is printed beside), and the number that ends it
_CAPTION_STEM = re.compile(r"公开表?")
_CAPTION_REST = re.compile(r"^(0?[1-9])表?$")
# a section heading of the report (第四部分 其他重要事项的情况说明) after the last table
_SECTION = re.compile(r"^第[一二三四五六七八九十]+部分")


@dataclass
class _Run:
    """Characters printed together: a word (one cell's text on one line) or a whole line."""

    chars: list[Char]

    @property
    def x0(self) -> float:
        return min(c.x0 for c in self.chars)

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def top(self) -> float:
        return max(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return min(c.bottom for c in self.chars)

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)


class _Word(_Run):
    @property
    def text(self) -> str:
        return cell_text(self.chars)


class _Line(_Run):
    @property
    def y(self) -> float:
        return sum(c.cy for c in self.chars) / len(self.chars)

    @property
    def compact(self) -> str:
        return squeeze("".join(c.text for c in sorted(self.chars, key=lambda c: c.x0)))

    def words(self, gap: float = GUTTER) -> list[_Word]:
        chars = sorted(self.chars, key=lambda c: c.x0)
        words = [_Word([chars[0]])]
        for prev, char in zip(chars, chars[1:]):
            if char.x0 - prev.x1 > max(gap, 0.5 * max(prev.size, char.size)):
                words.append(_Word([char]))
            else:
                words[-1].chars.append(char)
        return words


def _lines(chars: list[Char]) -> list[_Line]:
    lines: list[_Line] = []
    for char in sorted(chars, key=lambda c: -c.cy):
        if lines and same_line(lines[-1].chars, char):
            lines[-1].chars.append(char)
        else:
            lines.append(_Line([char]))
    return lines


def _is_title_block(line: _Line) -> bool:
    text = line.compact
    return bool(classify_title(text) or caption_number(text) or unit_of(text) or department_of(text)
                or _YEAR_ONLY.match(text))


def _is_page_number(line: _Line) -> bool:
    """A page number (- 9 -, 第9页): short, whatever its spacing; a row of numbers spans columns."""
    width = max(c.x1 for c in line.chars) - min(c.x0 for c in line.chars)
    return bool(_PAGE_NUMBER.match(line.compact)) and (len(line.words()) == 1 or width < 4 * line.size)


def _is_data(words: list[_Word]) -> bool:
    return C.is_data_row([w.text for w in words])


def _bands(lines: list[_Line]) -> list[list[float]]:
    """x ranges covered by the text of `lines`, merged where less than GUTTER apart. A label printed
    spaced out (合    计) covers the white between its characters."""
    spans = []
    for line in lines:
        words = line.words()
        k = 0
        while k < len(words):
            x0, x1 = words[k].x0, words[k].x1
            if k + 1 < len(words) and squeeze(words[k].text + words[k + 1].text) in C.TOTAL_LABELS | {"小计"}:
                x1 = words[k + 1].x1
                k += 1
            spans.append((x0, x1))
            k += 1
    bands: list[list[float]] = []
    for x0, x1 in sorted(spans):
        if bands and x0 - bands[-1][1] < GUTTER:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return bands


def _column_of(x0: float, x1: float, edges: list[float]) -> list[int]:
    """Columns (between consecutive `edges`) that a text from x0 to x1 lies in."""
    inside = [i for i in range(len(edges) - 1) if x0 - 1 <= (edges[i] + edges[i + 1]) / 2 <= x1 + 1]
    if inside:
        return inside
    overlap = [(min(x1, edges[i + 1]) - max(x0, edges[i]), i) for i in range(len(edges) - 1)]
    best = max(overlap)
    return [best[1]] if best[0] > -GUTTER else []


def _overlap(a: _Word, b: _Word) -> bool:
    return a.x0 < b.x1 + GUTTER and b.x0 - GUTTER < a.x1


#: A label's next line, wrapped in its cell, is centred (or left-aligned) under its first within this many
#: font sizes, and is no wider than it.
WRAP_ALIGNMENT = 0.3


def _wraps_into(upper: _Word, lower: _Word) -> bool:
    """`lower` is the next line of the label whose line `upper` is (the label wrapped in its cell): right
    under it, centred or aligned the same, not wider."""
    reach = WRAP_ALIGNMENT * max(upper.size, lower.size)
    aligned = abs(upper.center - lower.center) <= reach or abs(upper.x0 - lower.x0) <= reach
    close = upper.bottom - lower.top <= 1.0 * max(upper.size, lower.size)
    return aligned and close and lower.x1 - lower.x0 <= upper.x1 - upper.x0 + reach


@dataclass
class _Label:
    """A header label (one line of it) and what lies below it in the header."""

    word: _Word
    under: bool              # a label below it overlaps it (the rest of its label, or its sub-labels)
    children: list[_Word]    # labels wholly below it, nearer to it than to the other labels of its line
    wrapped: bool = False    # the next line of a label wrapped in its cell (上缴收入 under 附属单位)

    @property
    def heads_group(self) -> bool:
        """Centred over two or more labels below it: a label spanning their columns (收入 over 项目 | 行次 |
        决算数, 预算数 over the six 三公 columns). A line of a wrapped label is not centred over its
        neighbours' labels, only over its own; its last line heads nothing (with few labels beside it, it
        can look centred over its neighbours' labels on the line below, 决算数 | 决算数 | 决算数)."""
        if len(self.children) < 2 or self.wrapped:
            return False
        x0 = min(w.x0 for w in self.children)
        x1 = max(w.x1 for w in self.children)
        return abs(self.word.center - (x0 + x1) / 2) <= 0.25 * (x1 - x0)

    @property
    def is_leaf(self) -> bool:
        return not self.under and not self.heads_group


def _labels(header: list[_Line]) -> list[list[_Label]]:
    """The header lines' labels, line by line (the 栏次 row of column numbers left out)."""
    lines = [sorted(ln.words(), key=lambda w: w.center) for ln in header]
    lines = [words for words in lines if not C.is_column_numbers_row([w.text for w in words])]
    rest_of: dict[int, list[_Word]] = {}  # a label's lines wrapped below its first, by id of the first
    continuing: set[int] = set()
    for index, words in enumerate(lines):
        for word in words:
            if id(word) not in continuing:
                rest_of[id(word)] = _rest_of_label(word, lines[index + 1:])
                continuing.update(id(w) for w in rest_of[id(word)])
    whole = [(word, rest_of[id(word)]) for words in lines for word in words if id(word) not in continuing]
    out = []
    for index, words in enumerate(lines):
        labels = []
        for k, word in enumerate(words):
            left = (words[k - 1].center + word.center) / 2 if k else float("-inf")
            right = (word.center + words[k + 1].center) / 2 if k + 1 < len(words) else float("inf")
            lower = [other for others in lines[index + 1:] for other in others if other.top < word.bottom]
            above = [other for others in lines[:index] for other in others]
            rest = rest_of.get(id(word), [])
            bottom = rest[-1].bottom if rest else word.bottom
            beside = [_extent(other, its_rest) for other, its_rest in whole
                      if other is not word and _same_level((bottom, word.top), other, its_rest)]
            children = [other for other in lower
                        if left < other.center < right and other not in rest and other.top < bottom
                        and not any(x0 - GUTTER <= other.center <= x1 + GUTTER for x0, x1 in beside)]
            labels.append(_Label(word, any(_overlap(word, other) for other in lower), children,
                                 any(_wraps_into(other, word) for other in above)))
        out.append(labels)
    return out


def _rest_of_label(word: _Word, lines_below: list[list[_Word]]) -> list[_Word]:
    """The lines of the label `word` begins that are wrapped into the lines below it (缴收入 under 附属单位上)."""
    rest: list[_Word] = []
    last = word
    for words in lines_below:  # a neighbour's one-line label, centred on the lines, can print between them
        following = next((other for other in words if _wraps_into(last, other)), None)
        if following is not None:
            rest.append(following)
            last = following
    return rest


def _extent(word: _Word, rest: list[_Word]) -> tuple[float, float]:
    return min(w.x0 for w in [word, *rest]), max(w.x1 for w in [word, *rest])


def _same_level(span: tuple[float, float], other: _Word, rest: list[_Word]) -> bool:
    """A label (its lines from `other` down to the last of `rest`) printed beside the one whose lines span
    `span` (bottom, top): their lines overlap by over half a line. Its one-line label centred on a wrapped
    label's lines (经营收入 beside 附属单位上/缴收入) is a sibling of it, not a label it heads, and the
    labels under a sibling are the sibling's."""
    bottom = rest[-1].bottom if rest else other.bottom
    overlap = min(span[1], other.top) - max(span[0], bottom)
    return overlap > 0.5 * other.size


def _columns(leaves: list[_Word], bands: list[list[float]]) -> list[tuple[float, float]]:
    """Column extents from the header's lowest labels and the bands of body text, aligned in order.

    A band of right-aligned amounts lies under the right part of its column, left of the next column's
    label, so bands are matched to labels by the least total distance, in order (a small dynamic
    programme); a label left without a band, over white, is a column printed blank throughout."""
    skip_label, skip_band = GUTTER, 10_000.0  # a band of text always has a label, unless there is no header

    def distance(word: _Word, band: list[float]) -> float:
        return max(band[0] - word.center, word.center - band[1], 0.0)

    n, m = len(leaves), len(bands)
    cost = [[float("inf")] * (m + 1) for _ in range(n + 1)]
    move: dict[tuple[int, int], str] = {}
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            options = []
            if i and j:
                options.append((cost[i - 1][j - 1] + distance(leaves[i - 1], bands[j - 1]), "match"))
            if i:
                options.append((cost[i - 1][j] + skip_label, "label"))
            if j:
                options.append((cost[i][j - 1] + skip_band, "band"))
            if options:
                cost[i][j], move[(i, j)] = min(options)
    out: list[tuple[float, float]] = []
    i, j = n, m
    while i or j:
        step = move[(i, j)]
        if step == "match":
            word, band = leaves[i - 1], bands[j - 1]
            out.append((min(word.x0, band[0]), max(word.x1, band[1])))
            i, j = i - 1, j - 1
        elif step == "label":
            word = leaves[i - 1]
            if not any(word.x0 < band[1] and band[0] < word.x1 for band in bands):
                out.append((word.x0, word.x1))  # a label over white: a column printed blank throughout
            i -= 1
        else:
            out.append(tuple(bands[j - 1]))
            j -= 1
    return sorted(out)


def _header_row(labels: list[_Label], edges: list[float]) -> list[PrintedCell]:
    """One header line as cells: a label covers the columns under it, a label heading a group also the
    columns of the labels in its group."""
    claims: dict[int, int] = {}
    for k, label in enumerate(labels):
        word = label.word
        for col in _column_of(word.x0, word.x1, edges):
            claims.setdefault(col, k)
    for k, label in enumerate(labels):
        if not label.heads_group:
            continue
        cols = {col for child in label.children for col in _column_of(child.x0, child.x1, edges)}
        cols |= {col for col, owner in claims.items() if owner == k}
        lo, hi = min(cols), max(cols)
        # centred over the cells of its group, not only over their labels (which a wrapped label's
        # own lines can be, together with a neighbour's)
        if abs(label.word.center - (edges[lo] + edges[hi + 1]) / 2) <= max(2 * GUTTER, 0.1 * (edges[hi + 1] - edges[lo])):
            for col in range(lo, hi + 1):
                claims.setdefault(col, k)
    row: list[PrintedCell] = []
    col = 0
    n = len(edges) - 1
    while col < n:
        k = claims.get(col)
        end = col
        while k is not None and end + 1 < n and claims.get(end + 1) == k:
            end += 1
        row.append(PrintedCell(edges[col], edges[end + 1], labels[k].word.text if k is not None else "", True,
                               chars_confidence(labels[k].word.chars) if k is not None else None))
        col = end + 1
    return row


def _by_column(lines: list[_Line], edges: list[float]) -> dict[int, list[Char]]:
    """The characters of `lines` by the column they lie in."""
    placed: dict[int, list[Char]] = {}
    for line in lines:
        for char in line.chars:
            cols = _column_of(char.x0, char.x1, edges)
            if cols:
                placed.setdefault(cols[0], []).append(char)
    return placed


def _body_row(lines: list[_Line], edges: list[float]) -> list[PrintedCell]:
    placed = _by_column(lines, edges)
    return [PrintedCell(edges[i], edges[i + 1], cell_text(placed.get(i, [])), True, chars_confidence(placed.get(i, [])))
            for i in range(len(edges) - 1)]


def _split_off_table(lines: list[_Line], continuation: bool) -> tuple[list[_Line], list[_Line]] | None:
    """(header lines, body lines) of the table in `lines` (top to bottom), or None when they hold none."""
    start = 0
    if not continuation:
        stem = False  # a caption printed without its number so far (公开表 | 01 wrapped in a narrow cell)
        while start < len(lines):
            text = lines[start].compact
            if not (_is_title_block(lines[start]) or (stem and _CAPTION_REST.match(text))
                    or _CAPTION_STEM.fullmatch(text)):
                break
            stem = stem or ("公开" in text and caption_number(text) is None)
            start += 1
    lines = lines[start:]
    while lines and _is_page_number(lines[-1]):  # a footer
        lines.pop()
    while lines and _is_page_number(lines[0]):  # a header
        lines.pop(0)
    first = next((i for i, ln in enumerate(lines) if _is_data(ln.words())), None)
    if first is None:
        return None
    header = lines[:first]
    while header and len(header[-1].words()) == 1 and header[-1].y - lines[first].y < 0.9 * header[-1].size:
        first -= 1  # the first line of a label wrapped in the first row, its cell centred vertically
        header.pop()
    if continuation and header and not any(C.is_header_row([w.text for w in ln.words()])
                                           or C.is_column_numbers_row([w.text for w in ln.words()]) for ln in header):
        if not _numbered_rows(header):
            return None  # text above the data that is not a repeated header: not a table's continuation
        first, header = 0, []  # rows printing a label and its 行次 only (amounts blank): the body goes on
    body = [lines[first]]
    pitch = None
    width = max(c.x1 for ln in lines for c in ln.chars) - min(c.x0 for ln in lines for c in ln.chars)
    for line in lines[first + 1:]:
        words = line.words()
        text = line.compact
        gap = body[-1].y - line.y
        if C.is_note(text) or classify_title(text) or caption_number(text) or _SECTION.match(text):
            break
        if pitch is not None and gap > 4 * max(pitch, line.size):
            break
        if len(words) == 1 and words[0].x1 - words[0].x0 > 0.6 * width and not _is_data(words):
            break  # a paragraph of prose under the table
        pitch = gap if pitch is None else min(pitch, gap)
        body.append(line)
    return header, body


_LINE_NUMBER = re.compile(r"\d{1,3}")


def _numbered_rows(lines: list[_Line]) -> bool:
    """Whether `lines` are body rows that print a label and its 行次 only (一般公共预算财政拨款 29 | 61, the
    amounts blank): each a label followed by line numbers, or the wrapped rest of the label above it."""
    numbered = None
    for line in lines:
        words = line.words()
        text = line.compact
        if C.is_note(text) or classify_title(text) or caption_number(text):
            return False
        if (len(words) >= 2 and not _LINE_NUMBER.fullmatch(words[0].text)
                and all(_LINE_NUMBER.fullmatch(w.text) for w in words[1:])):
            numbered = line
        elif not (numbered is not None and len(words) == 1 and numbered.y - line.y <= 1.5 * line.size):
            return False
    return numbered is not None


def _row_pitch(part: TablePart) -> float | None:
    """The usual distance between the tops of two rows of a part."""
    return _median([a - b for a, b in zip(part.row_tops, part.row_tops[1:]) if a > b])


def _median(steps: list[float]) -> float | None:
    steps = sorted(steps)
    return steps[len(steps) // 2] if steps else None


def _starts_row(text: str | None) -> bool:
    """A label that begins a row of its own: an ordinal (一、), a code or a total."""
    return bool(text) and C.is_data_row([text.split()[0]])


def _rows(body: list[_Line], edges: list[float], pitch_before: float | None = None) -> list[list[_Line]]:
    """Body lines grouped into table rows. A line holding an amount or a code starts a row, and so does a
    line of labels printed one row pitch below the row above it (a row whose amounts are blank). Any other
    line of labels continues labels wrapped inside their cells and joins the nearest row above or below
    (above on a tie), unless it would run two labels together: a line whose label starts a row of its own
    (一、, a total) joins only the row below it, and only when that row's labels in its columns do not."""
    texts = [{col: cell_text(chars) for col, chars in _by_column([line], edges).items()} for line in body]
    anchors = [i for i, t in enumerate(texts) if any(C.is_amount(v) or C.is_code(v) for v in t.values())]
    # the row pitch: the usual distance between two data lines with nothing between them
    # (a page continuing a table may hold too few data lines to show it: the part before it does)
    pitch = _median([body[a].y - body[b].y for a, b in zip(anchors, anchors[1:]) if b == a + 1])
    if pitch is None:
        pitch = pitch_before
    groups: dict[int, list[_Line]] = {a: [body[a]] for a in anchors}  # first line -> the row's lines
    row_of = {a: a for a in anchors}  # line -> first line of its row
    for i, line in enumerate(body):
        if i in groups:
            continue
        above = max((a for a in groups if a < i), default=None)
        below = min((a for a in anchors if a > i), default=None)
        if (above is not None and pitch is not None
                and abs(body[above].y - line.y - pitch) <= 0.15 * line.size
                and (below is None or body[below].y <= line.y - pitch + 0.15 * line.size)):
            groups[i], row_of[i] = [line], i  # on the rows' grid: a row printing only labels (amounts blank)
            continue
        allowed = []
        owner = row_of.get(i - 1)
        if owner is not None and not any(_starts_row(t) for t in texts[i].values()):
            # the row of the line just above (a label wrapped over three lines goes on from its second)
            allowed.append((body[i - 1].y - line.y - 0.2 * line.size, owner))
        if below is not None and not any(_starts_row(texts[below].get(col)) for col in texts[i]):
            allowed.append((line.y - body[below].y, below))
        allowed = [(d, a) for d, a in allowed if d <= 2.2 * line.size]
        if allowed:
            row_of[i] = min(allowed)[1]
            groups[row_of[i]].append(line)
        else:
            groups[i], row_of[i] = [line], i  # a row of its own
    return [groups[i] for i in sorted(groups)]


def read_text_table(chars: list[Char], page: int, top: float, bottom: float, *,
                    continuation: bool = False, columns_of: TablePart | None = None) -> TablePart | None:
    """The table printed without rulings in the band of the page from `top` down to `bottom` (PDF points),
    or None when the band holds no table. `continuation`: the band is a page continuing a table, which
    has no title block and may start straight with body rows; `columns_of`: the part of that table on the
    page before, whose columns a continuation without a header of its own has (from its rows alone, the
    columns printed blank on this page could not be told)."""
    lines = _lines([c for c in chars if bottom <= c.cy <= top])
    found = _split_off_table(lines, continuation)
    if found is None:
        return None
    header, body = found
    labels = _labels(header)
    every = [c for ln in header + body for c in ln.chars]
    before = columns_of.rows[-1] if columns_of is not None and columns_of.rows else None
    follows = not header and before is not None and len(before) >= 2  # the columns of the part before
    if follows:
        edges = [min(before[0].x0, min(c.x0 for c in every) - 1.0), *(c.x0 for c in before[1:]),
                 max(before[-1].x1, max(c.x1 for c in every) + 1.0)]
    else:
        leaves = sorted((label.word for line in labels for label in line if label.is_leaf),
                        key=lambda w: w.center)
        columns = _columns(leaves, _bands(body))
        if len(columns) < 2:
            return None
        edges = [min(c.x0 for c in every) - 1.0]
        edges += [(a[1] + b[0]) / 2 for a, b in zip(columns, columns[1:])]
        edges.append(max(c.x1 for c in every) + 1.0)
    rows = _rows(body, edges, _row_pitch(columns_of) if follows else None)
    printed: list[list[PrintedCell]] = []
    tops: list[float] = []
    line_labels = iter(labels)
    for line in header:
        if C.is_column_numbers_row([w.text for w in line.words()]):
            printed.append(_body_row([line], edges))  # the 栏次 row: each number in its column
        else:
            printed.append(_header_row(next(line_labels), edges))
        tops.append(line.top)
    for group in rows:
        printed.append(_body_row(group, edges))
        tops.append(max(ln.top for ln in group))
    table_top = max(ln.top for ln in header + body)
    table_bottom = min(ln.bottom for ln in body)
    return TablePart(page=page, bbox=(edges[0], table_bottom, edges[-1], table_top), rows=printed,
                       row_tops=tops, accuracy=100.0, flavor="text")
