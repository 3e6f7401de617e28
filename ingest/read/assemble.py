"""Join the Camelot parts of one standard table into one logical table: header rows, columns, body rows.

A part is split into segments where a header row follows body rows (typesetters repeat the header after a
page or part break, and Camelot may return the end of one part and the start of the next as one table).
The first segment's header defines the logical columns; every later segment's cells are mapped onto them
by position. Column roles (code, 类/款/项 pieces, name, 行次, amount) come from the header labels, checked
against what the column holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..contract import CODE_ROLES
from . import cells as C
from .amounts import decimals as amount_decimals
from .amounts import parse_amount
from .errors import TableParseError
from .parts import PrintedCell, TablePart
from .text import squeeze

_PART_ROLE = {"类": "code_class", "款": "code_kuan", "项": "code_xiang"}
#: Cell edges within this many points of each other are the same ruling (rulings are drawn over the text).
EDGE_TOLERANCE = 2.0
#: A later part whose first column starts within this many points of the first part's is not shifted.
SHIFT_TOLERANCE = 3.0
#: A column without a telling header is a code column, or a name column, when at least this share of its
#: body cells hold a code, or something other than an amount.
ROLE_SHARE = 0.6


@dataclass
class Column:
    x0: float
    x1: float
    header: list[str] = field(default_factory=list)
    role: str = "amount"
    block_no: int = 0

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def header_zh(self) -> str | None:
        return "/".join(self.header) or None


@dataclass
class LogicalRow:
    kind: str  # 'header' or 'body'
    page: int
    cells: list[str | None]
    # per cell, the OCR recogniser's confidence (None for a cell read from a text layer, or empty); None
    # for a row no cell of which was read by OCR
    confidence: list[float | None] | None = None


@dataclass
class LogicalTable:
    table_no: int
    columns: list[Column]
    rows: list[LogicalRow]
    pages: list[int]
    accuracy: float | None
    flavor: str | None

    @property
    def body(self) -> list[LogicalRow]:
        return [r for r in self.rows if r.kind == "body"]

    @property
    def is_empty(self) -> bool:
        """Published without a single non-zero amount (本表无数据, a blank grid, or a 合计 row of zeros)."""
        for row in self.body:
            for col, text in zip(self.columns, row.cells):
                if col.role == "amount" and parse_amount(text):
                    return False
        return True


@dataclass
class _Segment:
    page: int
    header: list[list[PrintedCell]] = field(default_factory=list)
    body: list[list[PrintedCell]] = field(default_factory=list)


def _edges(row: list[PrintedCell]) -> list[float]:
    return sorted({round(x, 1) for cell in row for x in (cell.x0, cell.x1)})


def _subset(a: list[float], b: list[float], tolerance: float = EDGE_TOLERANCE) -> bool:
    return all(any(abs(x - y) <= tolerance for y in b) for x in a)


def _segments(part: TablePart, continuation: bool, known: frozenset[str] = frozenset()) -> list[_Segment]:
    """Split a part where a header repeats after body rows, or where the column rulings change (two parts
    of a table printed one under the other with different column widths).

    `known`: the header labels of the table's first part. On a continuation page the rows before the data
    are its repeated header as far as they are header rows or print only those labels; a row after them is
    the rest of a row broken across the page (a label's last line, an amount's last digits)."""
    segments = [_Segment(part.page)]
    band: list[float] = []
    texts_of = [[c.text for c in row] for row in part.rows]
    first_data = next((i for i, t in enumerate(texts_of) if C.is_data_row(t)), len(texts_of))
    header_like = [C.is_header_row(t) or C.is_column_numbers_row(t)
                   or bool(known and [x for x in t if squeeze(x)] and all(squeeze(x) in known for x in t if squeeze(x)))
                   for t in texts_of]
    # leading rows of a continuation are header up to the last header row before the data
    last_header = max((i for i in range(first_data) if header_like[i] and i not in part.title_rows), default=-1)
    for index, row in enumerate(part.rows):
        if index in part.title_rows:
            continue
        texts = texts_of[index]
        filled = [t for t in texts if squeeze(t)]
        if not filled:
            continue
        if len(filled) == 1 and C.is_note(filled[0]):
            continue
        current = segments[-1]
        edges = _edges(row)
        if band and not (_subset(edges, band) or _subset(band, edges)):
            current = _Segment(part.page)
            segments.append(current)
            band = []
        band = sorted(set(band) | set(edges))
        if C.is_data_row(texts):
            current.body.append(row)
        elif not current.body and (not continuation or index <= last_header):
            current.header.append(row)
        elif not current.body and len(segments) == 1:
            current.body.append(row)  # the rest of a row broken across the page: joined to the row before
        elif header_like[index]:
            segments.append(_Segment(part.page, header=[row]))
            band = edges
        else:
            current.body.append(row)
    return [s for s in segments if s.header or s.body]


def _grid(rows: list[list[PrintedCell]], tolerance: float = EDGE_TOLERANCE) -> list[Column]:
    edges: list[float] = []
    for row in rows:
        for cell in row:
            for x in (cell.x0, cell.x1):
                if not any(abs(x - e) <= tolerance for e in edges):
                    edges.append(x)
    edges.sort()
    return [Column(a, b) for a, b in zip(edges, edges[1:])]


def _covered(cell: PrintedCell, columns: list[Column]) -> list[int]:
    inside = [i for i, col in enumerate(columns) if cell.x0 - 1 <= col.center <= cell.x1 + 1]
    if inside:
        return inside
    overlaps = [(min(cell.x1, col.x1) - max(cell.x0, col.x0), i) for i, col in enumerate(columns)]
    best = max(overlaps)
    return [best[1]] if best[0] > 0 else []


def _placed(row: list[PrintedCell], columns: list[Column],
            shift: float = 0.0) -> tuple[list[str | None], list[float | None]]:
    """Cell texts of a printed row in logical columns (a merged cell's text goes to its leftmost column),
    and the confidence of each logical cell (the lowest of the printed cells put in it)."""
    out: list[str | None] = [None] * len(columns)
    confidence: list[float | None] = [None] * len(columns)
    for cell in row:
        if not cell.text:
            continue
        moved = PrintedCell(cell.x0 + shift, cell.x1 + shift, cell.text, cell.top)
        covered = _covered(moved, columns)
        if not covered:
            raise TableParseError(f"a cell '{cell.text}' lies outside the table's columns")
        target = covered[0]
        out[target] = cell.text if out[target] is None else out[target] + " " + cell.text
        confidence[target] = _lowest(confidence[target], cell.confidence)
    return out, confidence


def _lowest(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


def _header_cells(row: list[PrintedCell], columns: list[Column]) -> tuple[list[str | None], list[float | None] | None]:
    cells, confidence = _placed(row, columns)
    return cells, _row_confidence(confidence)


def _assign_headers(header_rows: list[list[PrintedCell]], columns: list[Column]) -> None:
    """Header labels per column, top to bottom. A label whose lines fall into two grid rows of one tall
    cell (no ruling between them) is one label: 本年收入合 + 计 → 本年收入合计."""
    last_row: dict[int, int] = {}
    for r, row in enumerate(header_rows):
        numbers_row = C.is_column_numbers_row([c.text for c in row])
        for cell in row:
            text = squeeze(cell.text)
            if not text or (numbers_row and (text == "栏次" or text.isdigit())):
                continue
            for i in _covered(cell, columns):
                header = columns[i].header
                if header and not cell.top and last_row.get(i) == r - 1:
                    header[-1] += text
                elif not header or header[-1] != text:
                    header.append(text)
                last_row[i] = r


def _assign_roles(columns: list[Column], body: list[list[str | None]]) -> None:
    for i, col in enumerate(columns):
        values = [squeeze(r[i]) for r in body if r[i] and squeeze(r[i])]
        joined = "/".join(col.header)
        last = col.header[-1] if col.header else ""
        share = (lambda test: sum(1 for v in values if test(v)) / len(values)) if values else (lambda test: 0.0)
        if "行次" in joined.replace("/", ""):
            col.role = "line_no"
        elif last in _PART_ROLE and ("编码" in joined or "代码" in joined or "分类" in joined or len(col.header) == 1):
            col.role = _PART_ROLE[last]
        elif "编码" in joined or "代码" in joined or (values and share(C.is_code) >= ROLE_SHARE):
            col.role = "code"
        elif "名称" in joined or last == "项目" or (values and share(lambda v: not C.is_amount(v)) >= ROLE_SHARE):
            col.role = "name"
        else:
            col.role = "amount"
    block, seen_amount = 0, False
    for col in columns:
        if col.role != "amount" and col.role != "line_no" and seen_amount:
            block, seen_amount = block + 1, False
        if col.role == "amount":
            seen_amount = True
        col.block_no = block


def _split_run_ons(cells: list[str | None], columns: list[Column],
                   confidence: list[float | None] | None = None) -> None:
    """An amount never shares a cell: move a second amount, or an amount after a label, to the empty cell
    right of it (with the confidence of the cell it came from)."""
    for i in range(len(cells) - 1):
        text = cells[i]
        if not text or cells[i + 1] is not None or columns[i + 1].role != "amount":
            continue
        flat = " ".join(text.split())
        two = C.TWO_AMOUNTS.match(flat)
        label = C.LABEL_THEN_AMOUNT.match(flat) if columns[i].role == "name" else None
        if two and columns[i].role == "amount":
            cells[i], cells[i + 1] = two.group(1), two.group(2)
        elif label:
            cells[i], cells[i + 1] = label.group(1).strip(), label.group(2)
        else:
            continue
        if confidence is not None:
            confidence[i + 1] = confidence[i]
    for i, text in enumerate(cells):
        if text and columns[i].role == "amount" and C.TWO_AMOUNTS.match(" ".join(text.split())):
            raise TableParseError(f"two amounts in one cell: '{text}'")


_STANDALONE_LABELS = {"总计", "合计", "小计", "结余分配"}
#: A label's last line printed alone after a page break is at most this many characters long (in tables
#: without codes, where a short label could be a row of its own, a longer one is).
FRAGMENT_CHARS = 6


def _starts_row(text: str) -> bool:
    """A label that begins a row of its own: a code, an ordinal (一、), a total."""
    flat = squeeze(text)
    first = text.split()[0] if text.split() else ""
    return (flat in C.TOTAL_LABELS or flat in _STANDALONE_LABELS or bool(C.ORDINAL.match(flat))
            or C.is_code(first))


def _usual_decimals(body: list[list[str | None]], columns: list[Column]) -> int | None:
    """How many decimals the table's amounts print, most of them (2: 1,760.64)."""
    counts: dict[int, int] = {}
    for cells in body:
        for col, text in zip(columns, cells):
            if col.role == "amount" and text and (n := amount_decimals(text)) is not None:
                counts[n] = counts.get(n, 0) + 1
    return max(counts, key=counts.get) if counts else None


def _joined(last: list[str | None], cells: list[str | None], columns: list[Column],
            decimals: int | None) -> list[str | None] | None:
    """The cells of the row `last` with `cells` joined in, when `cells` is the rest of that row broken
    across a page (Word lets a row break: each cell's lines go on at the top of the next page, in the same
    column); None when `cells` is a row of its own.

    The rest of a broken row prints no code and no 行次 (they are one line, printed before the break) and
    no label that begins a row. It is told apart from a row of its own by what it completes: an amount
    whose digits the break split ('1,760.6' + '4': neither piece, both together an amount with the table's
    decimals), amounts with no label of their own beside the label of the row before, or a label's last
    line. In tables with codes every row of its own prints a code or a total, so any other is a rest."""
    out: list[str | None] = []
    completes = orphan = False
    for col, before, after in zip(columns, last, cells):
        if after is None or not squeeze(after):
            out.append(before)
            continue
        if col.role in CODE_ROLES or col.role == "line_no" or (col.role == "name" and _starts_row(after)):
            return None
        if before is None or not squeeze(before):
            out.append(after)
        elif col.role == "name":
            out.append(before + "\n" + after)
        elif col.role == "amount":
            whole = squeeze(before) + squeeze(after)
            if decimals is None or amount_decimals(whole) != decimals or amount_decimals(before) == decimals:
                return None  # two amounts: a row of its own (or a row this cannot mend)
            out.append(whole)
            completes = True
        else:
            return None
    # amounts with no label beside them, in a block whose label the row before prints
    blocks = {col.block_no for col in columns}
    for block in blocks:
        names = [i for i, col in enumerate(columns) if col.block_no == block and col.role == "name"]
        amounts = [i for i, col in enumerate(columns) if col.block_no == block and col.role == "amount"]
        if (names and any(cells[i] for i in amounts) and not any(cells[i] for i in names)
                and any(last[i] for i in names)):
            orphan = True
    labels = [squeeze(t) for col, t in zip(columns, cells) if col.role == "name" and t and squeeze(t)]
    short = bool(labels) and all(len(t) <= FRAGMENT_CHARS for t in labels)
    if completes or orphan or short or any(col.role in CODE_ROLES for col in columns):
        return out
    return None


def _joined_confidence(last: LogicalRow, cells: list[str | None],
                       confidence: list[float | None]) -> list[float | None] | None:
    """The confidence of the cells `_joined` made: of the piece each holds, the lower of the two where
    both pieces are printed."""
    if last.confidence is None and not any(c is not None for c in confidence):
        return None
    before = last.confidence or [None] * len(cells)
    return [_lowest(b if squeeze(prev or "") else None, c if squeeze(text or "") else None)
            for prev, b, text, c in zip(last.cells, before, cells, confidence)]


def _row_confidence(confidence: list[float | None]) -> list[float | None] | None:
    return confidence if any(c is not None for c in confidence) else None


def assemble(table_no: int, parts: list[TablePart]) -> LogicalTable:
    segments = _segments(parts[0], continuation=False) if parts else []
    known = frozenset(squeeze(c.text) for s in segments[:1] for row in s.header for c in row if squeeze(c.text))
    segments += [s for part in parts[1:] for s in _segments(part, continuation=True, known=known)]
    if not segments:
        return LogicalTable(table_no, [], [], sorted({p.page for p in parts}), None, None)
    # a header broken over a page: the next part's header rows continue it
    while len(segments) > 1 and not segments[0].body:
        head, nxt = segments[0], segments[1]
        segments[:2] = [_Segment(head.page, head.header + nxt.header, nxt.body)]
    first = segments[0]
    columns = _grid(first.header + first.body)
    _assign_headers(first.header, columns)
    rows: list[LogicalRow] = [LogicalRow("header", first.page, *_header_cells(r, columns)) for r in first.header]
    body: list[tuple[int, list[str | None], list[float | None]]] = []
    for segment in segments:
        own = _grid(segment.header + segment.body)
        if segment is first or len(own) != len(columns):
            # map by position on the page
            shift = 0.0
            if segment is not first and own and columns:
                shift = 0.0 if abs(own[0].x0 - columns[0].x0) < SHIFT_TOLERANCE else columns[0].x0 - own[0].x0
            placed = [_placed(r, columns, shift) for r in segment.body]
        else:
            # same column count as the first segment: map column by column
            placed = [_placed(r, own) for r in segment.body]
        body.extend((segment.page, cells, confidence) for cells, confidence in placed)
    # 类/款/项 printed in a body row (a tall header cell beside the 合计 row) are header labels.
    for _, cells, confidence in body:
        for i, text in enumerate(cells):
            if text and squeeze(text) in C.CODE_PART_LABELS:
                if not columns[i].header or columns[i].header[-1] != squeeze(text):
                    columns[i].header.append(squeeze(text))
                cells[i] = confidence[i] = None
    _assign_roles(columns, [cells for _, cells, _ in body])
    decimals = _usual_decimals([cells for _, cells, _ in body], columns)
    previous_page = first.page
    for page, cells, confidence in body:
        _split_run_ons(cells, columns, confidence)
        if not any(c is not None for c in cells):
            continue
        last = rows[-1] if rows and rows[-1].kind == "body" else None
        joined = _joined(last.cells, cells, columns, decimals) if last is not None and page != previous_page else None
        if joined is not None:
            # the rest of a row broken across the page
            last.cells, last.confidence = joined, _joined_confidence(last, cells, confidence)
        else:
            rows.append(LogicalRow("body", page, cells, _row_confidence(confidence)))
        previous_page = page
    accuracy = min(p.accuracy for p in parts) if parts else None
    flavors = sorted({p.flavor for p in parts})
    return LogicalTable(table_no, columns, rows, sorted({p.page for p in parts}), accuracy, ",".join(flavors))
