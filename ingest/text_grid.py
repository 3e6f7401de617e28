"""Tables printed without ruled lines: rows and columns from the alignment of the text.

When Camelot's lattice flavour finds no grid on a page that holds a table (Word or WPS tables with their
borders hidden), the table is read from its characters. Camelot's stream and network flavours were tried
on such tables first: they split a label wrapped over two lines into two rows, and the digits of
right-aligned amounts of different widths into several columns, so their rows and columns would need as
much repair as reading the text directly. Here:

* the table starts below its title block (title, 公开NN表 caption, 部门：/单位：, year and unit lines) and
  ends at a note (注：…), a page number, a paragraph of prose or a wide gap;
* columns are the bands of x covered by the text of the body lines; the white gutters between them are the
  column boundaries (a column printed blank throughout has no amounts to lose: its label is dropped
  rather than given to a neighbour that has a label of its own);
* a body line that only continues a label (text in one column, no code, no amount) joins the nearest data
  line: a label wrapped inside its cell, whichever way the cell aligns its text vertically;
* lines above the first data line are header rows; a label covers the columns beneath it, and a label
  centred over several columns (预算数 over the six 三公 columns) those whose own labels lie nearer to it
  than to any other label of its line.

The result is a `CamelotPart` like the lattice ones (flavor ``text``), so the rest of the reading is the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import CamelotPart, PrintedCell, cell_text
from .layouts import cells as C
from .locate import caption_number, classify_title, department_of, unit_of
from .page_text import Char, same_line, squeeze

GUTTER = 2.0  # points of white between two columns, at least
_PAGE_NUMBER = re.compile(r"^[-—－–_\s]*(第?\d{1,4}页?(共\d+页)?|\d{1,4}/\d{1,4})[-—－–_\s]*$")
_YEAR_ONLY = re.compile(r"^(20\d{2})年度?$")


@dataclass
class _Word:
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
    def text(self) -> str:
        return cell_text(self.chars)


@dataclass
class _Line:
    chars: list[Char]

    @property
    def top(self) -> float:
        return max(c.top for c in self.chars)

    @property
    def bottom(self) -> float:
        return min(c.bottom for c in self.chars)

    @property
    def y(self) -> float:
        return sum(c.cy for c in self.chars) / len(self.chars)

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)

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


def _is_data(words: list[_Word]) -> bool:
    return C.is_data_row([w.text for w in words])


def _bands(lines: list[_Line]) -> list[list[float]]:
    """x ranges covered by the characters of `lines`, merged where less than GUTTER apart."""
    spans = sorted((c.x0, c.x1) for line in lines for c in line.chars)
    bands: list[list[float]] = []
    for x0, x1 in spans:
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


def _header_claims(words: list[_Word], edges: list[float], below: set[int]) -> dict[int, int]:
    """Column -> word index for one header line. A column under a word is that word's; a column with a
    label lower down, lying nearer one word of this line than any other, is that word's when the word sits
    centred over all the columns it claims (a label spanning several columns)."""
    n = len(edges) - 1
    centers = [(edges[i] + edges[i + 1]) / 2 for i in range(n)]
    direct: dict[int, int] = {}
    for w, word in enumerate(words):
        for col in _column_of(word.x0, word.x1, edges):
            direct.setdefault(col, w)
    claims = dict(direct)
    spread: dict[int, list[int]] = {}
    for col in range(n):
        if col in direct or col not in below:
            continue
        distance = sorted((max(word.x0 - centers[col], centers[col] - word.x1, 0.0), w)
                          for w, word in enumerate(words))
        if len(distance) > 1 and distance[1][0] - distance[0][0] < GUTTER:
            continue  # as near to two labels: neither spans it
        spread.setdefault(distance[0][1], []).append(col)
    for w, cols in spread.items():
        own = [c for c, v in direct.items() if v == w] + cols
        lo, hi = min(own), max(own)
        span = edges[hi + 1] - edges[lo]
        if abs(words[w].center - (edges[lo] + edges[hi + 1]) / 2) <= max(2 * GUTTER, 0.06 * span):
            for col in cols:
                claims[col] = w
    return claims


def _header_row(words: list[_Word], edges: list[float], below: set[int]) -> list[PrintedCell]:
    claims = _header_claims(words, edges, below)
    row: list[PrintedCell] = []
    col = 0
    n = len(edges) - 1
    while col < n:
        w = claims.get(col)
        end = col
        while w is not None and end + 1 < n and claims.get(end + 1) == w:
            end += 1
        chars = [c for c in words[w].chars] if w is not None else []
        row.append(PrintedCell(edges[col], edges[end + 1], cell_text(chars), True))
        col = end + 1
    return row


def _body_row(lines: list[_Line], edges: list[float]) -> list[PrintedCell]:
    placed: dict[int, list[Char]] = {}
    for line in lines:
        for char in line.chars:
            cols = _column_of(char.x0, char.x1, edges)
            if cols:
                placed.setdefault(cols[0], []).append(char)
    return [PrintedCell(edges[i], edges[i + 1], cell_text(placed.get(i, [])), True) for i in range(len(edges) - 1)]


def _split_off_table(lines: list[_Line], continuation: bool) -> tuple[list[_Line], list[_Line]] | None:
    """(header lines, body lines) of the table in `lines` (top to bottom), or None when they hold none."""
    start = 0
    if not continuation:
        while start < len(lines) and _is_title_block(lines[start]):
            start += 1
    lines = [ln for ln in lines[start:] if not _PAGE_NUMBER.match(ln.compact)]
    first = next((i for i, ln in enumerate(lines) if _is_data(ln.words())), None)
    if first is None:
        return None
    header = lines[:first]
    while header and len(header[-1].words()) == 1 and header[-1].y - lines[first].y < 0.9 * header[-1].size:
        first -= 1  # the first line of a label wrapped in the first row, its cell centred vertically
        header.pop()
    if continuation and header and not any(C.is_header_row([w.text for w in ln.words()])
                                           or C.is_column_numbers_row([w.text for w in ln.words()]) for ln in header):
        return None  # text above the data that is not a repeated header: not a table's continuation
    body = [lines[first]]
    pitch = None
    width = max(c.x1 for ln in lines for c in ln.chars) - min(c.x0 for ln in lines for c in ln.chars)
    for line in lines[first + 1:]:
        words = line.words()
        text = line.compact
        gap = body[-1].y - line.y
        if C.is_note(text) or classify_title(text) or caption_number(text):
            break
        if pitch is not None and gap > 4 * max(pitch, line.size):
            break
        if len(words) == 1 and words[0].x1 - words[0].x0 > 0.6 * width and not _is_data(words):
            break  # a paragraph of prose under the table
        pitch = gap if pitch is None else min(pitch, gap)
        body.append(line)
    return header, body


def _starts_row(text: str | None) -> bool:
    """A label that begins a row of its own: an ordinal (一、), a code or a total."""
    return bool(text) and C.is_data_row([text.split()[0]])


def _rows(body: list[_Line], edges: list[float]) -> list[list[_Line]]:
    """Body lines grouped into table rows. A line holding an amount or a code starts a row; a line holding
    only labels continues labels wrapped inside their cells and joins the nearest row above or below
    (above on a tie), unless it would run two labels together: a line whose label starts a row of its own
    (一、, a total) joins only the row below it, and only when that row's labels in its columns do not."""
    def band_texts(line: _Line) -> dict[int, str]:
        out: dict[int, list[Char]] = {}
        for char in line.chars:
            cols = _column_of(char.x0, char.x1, edges)
            if cols:
                out.setdefault(cols[0], []).append(char)
        return {col: cell_text(chars) for col, chars in out.items()}

    texts = [band_texts(line) for line in body]
    anchors = [i for i, t in enumerate(texts) if any(C.is_amount(v) or C.is_code(v) for v in t.values())]
    groups: dict[int, list[_Line]] = {a: [body[a]] for a in anchors}
    for i, line in enumerate(body):
        if i in groups:
            continue
        above = [a for a in anchors if a < i]
        below = [a for a in anchors if a > i]
        allowed = []
        if above and not any(_starts_row(t) for t in texts[i].values()):
            allowed.append((body[above[-1]].y - line.y - 0.2 * line.size, above[-1]))
        if below and not any(_starts_row(texts[below[0]].get(col)) for col in texts[i]):
            allowed.append((line.y - body[below[0]].y, below[0]))
        allowed = [(d, a) for d, a in allowed if d <= 2.2 * line.size]
        if allowed:
            groups[min(allowed)[1]].append(line)
        else:
            groups[i] = [line]  # a row of its own
    return [groups[i] for i in sorted(groups)]


def read_text_table(chars: list[Char], page: int, top: float, bottom: float, *,
                    continuation: bool = False) -> CamelotPart | None:
    """The table printed without rulings in the band of the page from `top` down to `bottom` (PDF points),
    or None when the band holds no table. `continuation`: the band is a page continuing a table, which
    has no title block and may start straight with body rows."""
    lines = _lines([c for c in chars if bottom <= c.cy <= top])
    found = _split_off_table(lines, continuation)
    if found is None:
        return None
    header, body = found
    bands = _bands(body)
    if len(bands) < 2:
        return None
    every = [c for ln in header + body for c in ln.chars]
    edges = [min(c.x0 for c in every) - 1.0]
    edges += [(a[1] + b[0]) / 2 for a, b in zip(bands, bands[1:])]
    edges.append(max(c.x1 for c in every) + 1.0)
    rows = _rows(body, edges)
    printed: list[list[PrintedCell]] = []
    tops: list[float] = []
    header_words = [ln.words() for ln in header]
    for index, words in enumerate(header_words):
        # columns with a label wholly below this line (not one printed half a line lower, as labels of
        # one header row are when some wrap and others do not)
        below = {col for lower, words_below in zip(header[index + 1:], header_words[index + 1:])
                 if lower.top < header[index].bottom and not C.is_column_numbers_row([w.text for w in words_below])
                 for word in words_below
                 for col in _column_of(word.x0, word.x1, edges)}
        printed.append(_header_row(words, edges, below))
        tops.append(header[index].top)
    for group in rows:
        printed.append(_body_row(group, edges))
        tops.append(max(ln.top for ln in group))
    table_top = max(ln.top for ln in header + body)
    table_bottom = min(ln.bottom for ln in body)
    return CamelotPart(page=page, bbox=(edges[0], table_bottom, edges[-1], table_top), rows=printed,
                       row_tops=tops, accuracy=100.0, flavor="text")
