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


def _segments(part: TablePart, continuation: bool) -> list[_Segment]:
    """Split a part where a header repeats after body rows, or where the column rulings change (two parts
    of a table printed one under the other with different column widths)."""
    segments = [_Segment(part.page)]
    band: list[float] = []
    texts_of = [[c.text for c in row] for row in part.rows]
    first_data = next((i for i, t in enumerate(texts_of) if C.is_data_row(t)), len(texts_of))
    # leading rows of a continuation are header when a header row follows them before the data
    header_ahead = any(C.is_header_row(t) or C.is_column_numbers_row(t) for t in texts_of[:first_data])
    for index, row in enumerate(part.rows):
        if index in part.title_rows:
            continue
        texts = [c.text for c in row]
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
        elif not current.body and (not continuation or current.header or header_ahead or C.is_header_row(texts)
                                   or C.is_column_numbers_row(texts)):
            current.header.append(row)
        elif not current.body and not current.header and len(segments) == 1:
            current.body.append(row)  # the rest of a row broken across the page: joined to the row before
        elif C.is_header_row(texts) or C.is_column_numbers_row(texts):
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


def _place(row: list[PrintedCell], columns: list[Column], shift: float = 0.0) -> list[str | None]:
    """Cell texts of a printed row in logical columns: a merged cell's text goes to its leftmost column."""
    out: list[str | None] = [None] * len(columns)
    for cell in row:
        if not cell.text:
            continue
        moved = PrintedCell(cell.x0 + shift, cell.x1 + shift, cell.text, cell.top)
        covered = _covered(moved, columns)
        if not covered:
            raise TableParseError(f"a cell '{cell.text}' lies outside the table's columns")
        target = covered[0]
        out[target] = cell.text if out[target] is None else out[target] + " " + cell.text
    return out


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


def _split_run_ons(cells: list[str | None], columns: list[Column]) -> None:
    """An amount never shares a cell: move a second amount, or an amount after a label, to the empty cell right of it."""
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
    for i, text in enumerate(cells):
        if text and columns[i].role == "amount" and C.TWO_AMOUNTS.match(" ".join(text.split())):
            raise TableParseError(f"two amounts in one cell: '{text}'")


_STANDALONE_LABELS = {"总计", "合计", "小计", "结余分配"}


def _is_fragment(cells: list[str | None], columns: list[Column]) -> bool:
    """The rest of a label wrapped over a page break: a row with text only in name columns (no code, no
    amount, no 行次). In tables without codes, where rows may print a label alone, only short pieces are."""
    filled = [(col, text) for col, text in zip(columns, cells) if text]
    if not filled or not all(col.role == "name" and not C.is_data_row([text]) for col, text in filled):
        return False
    if any(col.role in CODE_ROLES for col in columns):
        return True
    return all(len(squeeze(text)) <= 6 and squeeze(text) not in _STANDALONE_LABELS for _, text in filled)


def assemble(table_no: int, parts: list[TablePart]) -> LogicalTable:
    segments = [s for i, part in enumerate(parts) for s in _segments(part, continuation=i > 0)]
    if not segments:
        return LogicalTable(table_no, [], [], sorted({p.page for p in parts}), None, None)
    # a header broken over a page: the next part's header rows continue it
    while len(segments) > 1 and not segments[0].body:
        head, nxt = segments[0], segments[1]
        segments[:2] = [_Segment(head.page, head.header + nxt.header, nxt.body)]
    first = segments[0]
    columns = _grid(first.header + first.body)
    _assign_headers(first.header, columns)
    rows: list[LogicalRow] = [LogicalRow("header", first.page, _place(r, columns)) for r in first.header]
    body: list[tuple[int, list[str | None]]] = []
    for segment in segments:
        own = _grid(segment.header + segment.body)
        if segment is first or len(own) != len(columns):
            # map by position on the page
            shift = 0.0
            if segment is not first and own and columns:
                shift = 0.0 if abs(own[0].x0 - columns[0].x0) < SHIFT_TOLERANCE else columns[0].x0 - own[0].x0
            placed = [_place(r, columns, shift) for r in segment.body]
        else:
            # same column count as the first segment: map column by column
            placed = []
            for r in segment.body:
                out = _place(r, own)
                placed.append(out)
        body.extend((segment.page, cells) for cells in placed)
    # 类/款/项 printed in a body row (a tall header cell beside the 合计 row) are header labels.
    for _, cells in body:
        for i, text in enumerate(cells):
            if text and squeeze(text) in C.CODE_PART_LABELS:
                if not columns[i].header or columns[i].header[-1] != squeeze(text):
                    columns[i].header.append(squeeze(text))
                cells[i] = None
    _assign_roles(columns, [cells for _, cells in body])
    previous_page = first.page
    for page, cells in body:
        _split_run_ons(cells, columns)
        if not any(c is not None for c in cells):
            continue
        last = rows[-1] if rows and rows[-1].kind == "body" else None
        if last is not None and page != previous_page and _is_fragment(cells, columns):
            # a label wrapped over the page break: its last line is printed in a row of its own
            last.cells = [a if b is None else (b if a is None else a + "\n" + b) for a, b in zip(last.cells, cells)]
        else:
            rows.append(LogicalRow("body", page, cells))
        previous_page = page
    accuracy = min(p.accuracy for p in parts) if parts else None
    flavors = sorted({p.flavor for p in parts})
    return LogicalTable(table_no, columns, rows, sorted({p.page for p in parts}), accuracy, ",".join(flavors))
