"""Golden data parsed from the published text of the sample reports.

`/work/shared/samples/*.txt` hold the published text of the two sample reports; their tab-separated
tables are the authoritative values. This module parses them (never pasted numbers) into

* `GoldenReport` / `GoldenTable`: per report and table_no the metadata (region, department, fiscal
  year, unit, title) and the logical rows: header rows and body rows as lists of cell texts, with the
  header rows that each continuation part repeats dropped;
* `expected_facts(report, table_no)`: the facts the marts must hold, in the marts' terms;
* `write_raw(golden, duckdb_path)`: the same tables written exactly in the `raw` schema of
  `docs/raw_schema.md`, so the dbt models can be built and tested without the PDF extractor, and so
  extracted cells can be compared with golden ones.

Pages are unknown in the text, so `raw.cells.page` and `raw.report_tables.first_page/last_page` are
NULL in a golden-raw warehouse. The narrative (第三部分) is written too: its paragraphs from the published
text (`narrative_paragraphs`), cut into sentences and read into claims by the narrative reader's own
functions, pages NULL.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES_DIR = ROOT.parent / "shared" / "samples"
SAMPLE_PDF_DIR = ROOT / "data" / "samples"
SAMPLE_KEYS = ("jiaozuo-2024", "sanmenxia-2024")

CAPTION_RE = re.compile(r"^公开\s*0?([1-9])\s*表$")
UNIT_RE = re.compile(r"^单位\s*[:：]\s*(万元|元)$")
DEPT_RE = re.compile(r"^(?:部门|单位)\s*[:：]\s*(\S+)$")
YEAR_RE = re.compile(r"^(\d{4})\s*年度$")
AMOUNT_RE = re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?$|^-?\d+(\.\d+)?$")
DECIMAL_AMOUNT_RE = re.compile(r"^-?[\d,]+\.\d+$")
CODE_RE = re.compile(r"^\d{3}(\d{2}){0,2}$")
ORDINAL_RE = re.compile(r"^[一二三四五六七八九十]+、")
WS_RE = re.compile(r"\s+")

TABLE_TITLES = {
    1: "收入支出决算总表",
    2: "收入决算表",
    3: "支出决算表",
    4: "财政拨款收入支出决算总表",
    5: "一般公共预算财政拨款支出决算表",
    6: "一般公共预算财政拨款基本支出决算明细表",
    7: "政府性基金预算财政拨款收入支出决算表",
    8: "国有资本经营预算财政拨款支出决算表",
    9: "一般公共预算财政拨款“三公”经费支出决算表",
}


def squash(text: str | None) -> str:
    """Remove all white space (labels wrap and are spaced differently between reports)."""
    return WS_RE.sub("", text or "")


def parse_amount(text: str | None) -> Decimal | None:
    """Printed amount text to Decimal; blank or '-' gives None."""
    t = squash(text).replace("，", ",")
    if t in ("", "-", "—", "--"):
        return None
    if not AMOUNT_RE.match(t):
        raise ValueError(f"not an amount: {text!r}")
    return Decimal(t.replace(",", ""))


def is_amount(text: str | None) -> bool:
    t = squash(text)
    return bool(t) and bool(AMOUNT_RE.match(t))


# --------------------------------------------------------------------------------------------- model


@dataclass
class GoldenTable:
    table_no: int
    caption: str  # as printed, white space removed: 公开01表
    title_zh: str  # white space removed
    unit: str
    department: str
    fiscal_year: int
    header_rows: list[list[str]]
    body_rows: list[list[str]]
    n_parts: int = 1
    notes: list[str] = field(default_factory=list)  # lines printed under the grid (注：… 说明：…)

    @property
    def n_cols(self) -> int:
        return max(len(r) for r in self.header_rows + self.body_rows)

    @property
    def rows(self) -> list[list[str]]:
        return self.header_rows + self.body_rows

    @property
    def is_empty(self) -> bool:
        """Published without data: a note says 本表无数据, or every body amount cell is blank."""
        if any("本表无数据" in squash(n) for n in self.notes):
            return True
        roles = self.roles()
        return not any(
            is_amount(row[c]) for row in self.body_rows for c, role in enumerate(roles) if role == "amount"
        )

    def header_paths(self) -> list[str]:
        """Per column, the header labels top to bottom (white space removed) joined with '/'.

        A merged header cell is printed once followed by empty cells. An empty header cell belongs
        to the label on its left (horizontal merge) when both columns have the same labels above it
        and the column has a label further down (the merged cell is subdivided); otherwise it is the
        lower part of a vertically merged cell and contributes nothing. The 栏次 row is left out.
        """
        labels = [r for r in self.header_rows if not _is_numbering_row(r)]
        n = self.n_cols
        paths: list[list[str]] = [[] for _ in range(n)]
        for r, row in enumerate(labels):
            row = row + [""] * (n - len(row))
            current: list[str] = []
            for c in range(n):
                text = squash(row[c])
                if text:
                    current.append(text)
                    continue
                below = any(squash(_cell(lr, c)) for lr in labels[r + 1 :])
                left = c - 1
                while left >= 0 and not squash(row[left]):
                    left -= 1
                if left >= 0 and below and _paths_before(paths, left) == _paths_before(paths, c):
                    current.append(squash(row[left]))
                else:
                    current.append("")
            for c in range(n):
                if current[c]:
                    paths[c].append(current[c])
        return ["/".join(p) for p in paths]

    def roles(self) -> list[str]:
        """Column roles as in raw.table_columns, from the header labels."""
        out = []
        for path in self.header_paths():
            leaf = path.split("/")[-1] if path else ""
            if "编码" in leaf or "代码" in leaf:
                out.append("code")
            elif leaf == "类":
                out.append("code_class")
            elif leaf == "款":
                out.append("code_kuan")
            elif leaf == "项" and "项目" not in leaf:
                out.append("code_xiang")
            elif leaf == "行次":
                out.append("line_no")
            elif leaf in ("项目", "科目名称"):
                out.append("name")
            else:
                out.append("amount")
        return out

    def blocks(self) -> list[int]:
        """Block of side-by-side halves: a new block starts where a non-amount column follows an amount."""
        out, block, prev = [], 0, None
        for role in self.roles():
            if prev == "amount" and role != "amount":
                block += 1
            out.append(block)
            prev = role
        return out


def _cell(row: list[str], c: int) -> str:
    return row[c] if c < len(row) else ""


def _paths_before(paths: list[list[str]], c: int) -> list[str]:
    return list(paths[c])


@dataclass
class GoldenReport:
    key: str  # jiaozuo-2024
    source_file: str  # jiaozuo-2024.pdf
    sha256: str
    region: str
    department: str
    fiscal_year: int
    unit: str
    tables: dict[int, GoldenTable] = field(default_factory=dict)

    @property
    def report_id(self) -> str:
        return self.sha256[:16]

    @property
    def title(self) -> str:
        return f"{self.fiscal_year}年度{self.department}部门决算"

    @property
    def department_type(self) -> str:
        return self.department[len(self.region) :] if self.department.startswith(self.region) else self.department


# --------------------------------------------------------------------------------------------- parsing


def _is_numbering_row(row: list[str]) -> bool:
    """The 栏次 row: 栏次 labels and column numbers only (or 1..n numbers, as in 公开09表)."""
    cells = [squash(c) for c in row if squash(c)]
    if not cells:
        return False
    if "栏次" in cells:
        return all(c == "栏次" or c.isdigit() for c in cells)
    return all(c.isdigit() for c in cells) and [int(c) for c in cells] == list(range(1, len(cells) + 1))


def _is_body_like(row: list[str]) -> bool:
    return any(DECIMAL_AMOUNT_RE.match(squash(c)) or CODE_RE.match(squash(c)) for c in row)


def _split_header_body(rows: list[list[str]]) -> tuple[list[list[str]], list[list[str]]]:
    for i, row in enumerate(rows):
        if _is_body_like(row):
            break
        if _is_numbering_row(row):
            return rows[: i + 1], rows[i + 1 :]
    # no 栏次 row (公开06表): header is everything before the first row with a code or an amount
    for i, row in enumerate(rows):
        if _is_body_like(row):
            return rows[:i], rows[i:]
    raise ValueError("table without body rows")


def parse_report(path: Path) -> GoldenReport:
    key = path.stem
    lines = path.read_text(encoding="utf-8").splitlines()
    captions = [i for i, line in enumerate(lines) if CAPTION_RE.match(squash(line))]
    tables: dict[int, GoldenTable] = {}
    for ci in captions:
        table_no = int(CAPTION_RE.match(squash(lines[ci])).group(1))
        # title: nearest preceding line that names a 决算 table
        ti = ci - 1
        while ti >= 0 and not (squash(lines[ti]).endswith("表") and "决算" in lines[ti] and "\t" not in lines[ti]):
            ti -= 1
        title = squash(lines[ti])
        # table grid: from the first tab-separated line after the caption to the first non-blank line
        # without a tab
        start = ci + 1
        while "\t" not in lines[start]:
            start += 1
        end = start
        parts: list[list[list[str]]] = [[]]
        while end < len(lines) and ("\t" in lines[end] or not lines[end].strip()):
            if lines[end].strip():
                parts[-1].append([c.strip() for c in lines[end].split("\t")])
            elif parts[-1]:
                parts.append([])
            end += 1
        parts = [p for p in parts if p]
        notes = []
        ni = end
        while ni < len(lines) and not CAPTION_RE.match(squash(lines[ni])) and len(notes) < 3:
            if squash(lines[ni]).startswith(("注", "说明")):
                notes.append(lines[ni].strip())
            ni += 1
        meta_lines = [squash(x) for x in lines[ti + 1 : start]]
        unit = next(m.group(1) for x in meta_lines if (m := UNIT_RE.match(x)))
        department = next(
            m.group(1) for x in meta_lines if (m := DEPT_RE.match(x)) and m.group(1) not in ("万元", "元")
        )
        year = next(int(m.group(1)) for x in meta_lines if (m := YEAR_RE.match(x)))
        rows = [row for part in parts for row in part]
        header, body = _split_header_body(rows)
        header_keys = {tuple(squash(c) for c in r) for r in header}
        body = [r for r in body if tuple(squash(c) for c in r) not in header_keys]
        n = max(len(r) for r in header + body)
        pad = lambda r: r + [""] * (n - len(r))  # noqa: E731
        tables[table_no] = GoldenTable(
            table_no=table_no,
            caption=squash(lines[ci]),
            title_zh=title,
            unit=unit,
            department=department,
            fiscal_year=year,
            header_rows=[pad(r) for r in header],
            body_rows=[pad(r) for r in body],
            n_parts=len(parts),
            notes=notes,
        )
    first = tables[min(tables)]
    department = first.department
    region = re.match(r"^(.+?市)", department).group(1)
    pdf = SAMPLE_PDF_DIR / f"{key}.pdf"
    digest_source = pdf if pdf.exists() else path
    sha256 = hashlib.sha256(digest_source.read_bytes()).hexdigest()
    units = [t.unit for t in tables.values()]
    return GoldenReport(
        key=key,
        source_file=f"{key}.pdf",
        sha256=sha256,
        region=region,
        department=department,
        fiscal_year=first.fiscal_year,
        unit=max(set(units), key=units.count),
        tables=tables,
    )


def load_golden(samples_dir: Path = SAMPLES_DIR) -> dict[str, GoldenReport]:
    """Both sample reports, keyed by file stem (jiaozuo-2024, sanmenxia-2024)."""
    return {key: parse_report(samples_dir / f"{key}.txt") for key in SAMPLE_KEYS}


# --------------------------------------------------------------------------------------------- facts

FUNCTIONAL_TABLES = (2, 3, 5, 7, 8)
SUMMARY_TABLES = (1, 4)

# header label (leaf, white space removed) -> measure, per table; a second, independent statement of
# the mapping that the dbt seed measure_labels.csv makes
_FUNCTIONAL_MEASURES = {
    2: {
        "本年收入合计": "total_income",
        "财政拨款收入": "fiscal_appropriation",
        "上级补助收入": "higher_level_subsidy",
        "事业收入": "service_income",
        "经营收入": "business_income",
        "附属单位上缴收入": "affiliate_remittance",
        "其他收入": "other_income",
    },
    3: {
        "本年支出合计": "total_expenditure",
        "基本支出": "basic",
        "项目支出": "project",
        "上缴上级支出": "remitted_to_higher",
        "经营支出": "business_expenditure",
        "对附属单位补助支出": "subsidy_to_affiliates",
    },
    5: {"小计": "total", "合计": "total", "基本支出": "basic", "项目支出": "project"},
    7: {
        "年初结转和结余": "opening_balance",
        "本年收入": "income",
        "小计": "total",
        "合计": "total",
        "基本支出": "basic",
        "项目支出": "project",
        "年末结转和结余": "closing_balance",
    },
}
_FUNCTIONAL_MEASURES[8] = _FUNCTIONAL_MEASURES[7]

_SUMMARY_MEASURES = {
    "决算数": "amount",
    "金额": "amount",
    "合计": "total",
    "一般公共预算财政拨款": "general_budget",
    "政府性基金预算财政拨款": "government_fund",
    "国有资本经营预算财政拨款": "state_capital",
}

_THREE_PUBLIC_ITEMS = [
    (re.compile(r"^合计$"), "total"),
    (re.compile(r"^因公出国[(（]境[)）]费(用)?$"), "overseas_travel"),
    (re.compile(r"^公务用车购置及运行(维护)?费(/小计)?$"), "vehicles"),
    (re.compile(r"^公务用车购置及运行(维护)?费/公务用车购置费$"), "vehicle_purchase"),
    (re.compile(r"^公务用车购置及运行(维护)?费/公务用车运行(维护)?费$"), "vehicle_operation"),
    (re.compile(r"^公务接待费$"), "reception"),
]


def _is_total_label(text: str) -> bool:
    return squash(text) in ("合计", "总计")


def expected_facts(report: GoldenReport, table_no: int) -> list[tuple]:
    """The non-blank amounts of one table, keyed in the marts' terms.

    * 02, 03, 05, 07, 08 (fct_functional): (func_code or None for 合计, measure, amount)
    * 06 (fct_economic): (econ_code or None for 合计 rows, econ_name, expense_group, amount)
    * 01, 04 (fct_summary): (side, line_no, item_zh, measure, amount)
    * 09 (fct_three_public): (stage, item, amount)
    """
    t = report.tables[table_no]
    roles, paths, blocks = t.roles(), t.header_paths(), t.blocks()
    out: list[tuple] = []
    if table_no in FUNCTIONAL_TABLES:
        measures = _FUNCTIONAL_MEASURES[table_no]
        for row in t.body_rows:
            labels = [squash(row[c]) for c, r in enumerate(roles) if r != "amount"]
            code = next((x for x in labels if CODE_RE.match(x)), None)
            if code is None and not any(_is_total_label(x) for x in labels):
                continue
            for c, role in enumerate(roles):
                if role == "amount" and is_amount(row[c]):
                    out.append((code, measures[paths[c].split("/")[-1]], parse_amount(row[c])))
    elif table_no == 6:
        for row in t.body_rows:
            for b in sorted(set(blocks)):
                cols = [c for c in range(t.n_cols) if blocks[c] == b]
                code_c = next(c for c in cols if roles[c] == "code")
                name_c = next(c for c in cols if roles[c] == "name")
                amt_c = next(c for c in cols if roles[c] == "amount")
                code = squash(row[code_c])
                if CODE_RE.match(code) and is_amount(row[amt_c]):
                    group = "人员经费" if code[:3] in ("301", "303") else "公用经费"
                    out.append((code, squash(row[name_c]), group, parse_amount(row[amt_c])))
            # 人员经费合计 / 公用经费合计: the amount is the first amount printed to the right of the label
            for c, text in enumerate(row):
                label = squash(text)
                if label.endswith("经费合计"):
                    nxt = next((x for x in row[c + 1 :] if is_amount(x) or squash(x).endswith("合计")), None)
                    if nxt is not None and is_amount(nxt):
                        out.append((None, label, label[:-2], parse_amount(nxt)))
    elif table_no in SUMMARY_TABLES:
        sides = {0: "income", 1: "expenditure"}
        for row in t.body_rows:
            for b, side in sides.items():
                cols = [c for c in range(t.n_cols) if blocks[c] == b]
                name_c = next(c for c in cols if roles[c] == "name")
                line_c = next(c for c in cols if roles[c] == "line_no")
                item = ORDINAL_RE.sub("", squash(row[name_c]))
                for c in cols:
                    if roles[c] == "amount" and is_amount(row[c]):
                        measure = _SUMMARY_MEASURES[paths[c].split("/")[-1]]
                        out.append((side, int(squash(row[line_c])), item, measure, parse_amount(row[c])))
    elif table_no == 9:
        for row in t.body_rows:
            for c, text in enumerate(row):
                if not is_amount(text):
                    continue
                segs = paths[c].split("/")
                stage = "budget" if "预算数" in segs else "actual"
                rest = "/".join(s for s in segs if s not in ("预算数", "决算数") and "三公" not in s)
                item = next(code for rx, code in _THREE_PUBLIC_ITEMS if rx.match(rest))
                out.append((stage, item, parse_amount(text)))
    else:
        raise ValueError(table_no)
    return out


# --------------------------------------------------------------------------------------------- raw

_NARRATIVE_HEADING = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
_ITEM_LABEL = re.compile(r"^(\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[）)])")


def narrative_paragraphs(key: str, samples_dir: Path = SAMPLES_DIR) -> list[str]:
    """The paragraphs of 第三部分 in the published text: its lines between the last 第三部分 heading and 第四部分,
    white space removed, a line continuing the one before when that one stops mid-sentence (the text keeps
    the PDF's page breaks as line breaks)."""
    lines = (samples_dir / f"{key}.txt").read_text(encoding="utf-8").splitlines()
    start = max(i for i, ln in enumerate(lines) if ln.startswith("第三部分"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("第四部分"))
    body = [ln for ln in (squash(ln) for ln in lines[start + 1:end]) if ln]
    while body and not re.match(r"^[一二三四五六七八九十]+、", body[0]):
        body.pop(0)          # the part's title lines (department, 部门决算情况说明)
    paras: list[str] = []
    for ln in body:
        if paras and not re.search(r"[。！？][）”]*$", paras[-1]) \
                and not (_NARRATIVE_HEADING.match(paras[-1]) and len(paras[-1]) < 45) \
                and not _NARRATIVE_HEADING.match(ln) and not _ITEM_LABEL.match(ln):
            paras[-1] += ln
        else:
            paras.append(ln)
    return paras


def narrative_rows(rep: "GoldenReport") -> tuple[list, list]:
    """(SentenceRow, ClaimRow) lists of a report's narrative, read from its published text."""
    from ingest.read.narrative import Narrative
    from ingest.read.narrative.claims import read_claims
    from ingest.read.narrative.layout import Part, text_sentences
    from ingest.warehouse.schema import ClaimRow, SentenceRow

    sents = text_sentences(Part("三", "部门决算情况说明", None), narrative_paragraphs(rep.key))
    narrative = Narrative((), tuple(sents), tuple(read_claims(sents)))
    sentence_rows = []
    for s in narrative.sentences:
        status, unread = narrative.status_of(s)
        sentence_rows.append(SentenceRow(rep.report_id, s.sentence_no, s.paragraph_no, None, None, s.part_no,
                                         s.section_no, s.section_title, s.subsection_no, s.subsection_title,
                                         s.item_no, s.heading, s.text, status, "; ".join(unread) or None))
    names = [n for n in ClaimRow.__dataclass_fields__ if n != "report_id"]
    claim_rows = [ClaimRow(rep.report_id, *(getattr(c, n) for n in names)) for c in narrative.claims]
    return sentence_rows, claim_rows


def write_raw(golden: dict[str, GoldenReport] | list[GoldenReport], duckdb_path: Path | str) -> None:
    """Write golden reports into `duckdb_path` in the raw schema, through the project's raw writer."""
    from ingest.warehouse.raw import RawWriter, ReportRows
    from ingest.warehouse.schema import CellRow, FileRow, ReportRow, ReportTableRow, TableColumnRow

    reports = list(golden.values()) if isinstance(golden, dict) else list(golden)
    with RawWriter(duckdb_path) as writer:
        for rep in reports:
            pdf = SAMPLE_PDF_DIR / rep.source_file
            rows = ReportRows(ReportRow(rep.report_id, rep.source_file, rep.sha256, rep.title, rep.region,
                                        rep.department, rep.department_type, rep.fiscal_year, rep.unit, None,
                                        "golden text"))
            for t in rep.tables.values():
                rows.tables.append(ReportTableRow(rep.report_id, t.table_no, t.title_zh, t.caption, t.unit,
                                                  None, None, t.is_empty, len(t.rows), "golden", None))
                rows.columns += [TableColumnRow(rep.report_id, t.table_no, c, b, h, r)
                                 for c, (b, h, r) in enumerate(zip(t.blocks(), t.header_paths(), t.roles()))]
                for row_no, row in enumerate(t.rows):
                    kind = "header" if row_no < len(t.header_rows) else "body"
                    # the published text has no pages
                    rows.cells += [CellRow(rep.report_id, t.table_no, row_no, col_no, kind, None, text or None)
                                   for col_no, text in enumerate(row)]
            rows.sentences, rows.claims = narrative_rows(rep)
            writer.write(FileRow(rep.source_file, str(pdf), rep.sha256, pdf.stat().st_size if pdf.exists() else None,
                                 None, "loaded", report_id=rep.report_id, parser_version="golden"), rows)
