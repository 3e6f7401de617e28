"""The tables Python writes: raw.* (what was read) and quality.check_results (what the checks found).

One home for their columns: each table is a dataclass whose fields are its columns in order, with the SQL
type in the field's metadata. The DDL, the insert statements and the docs test (docs/raw_schema.md must
describe every column) are all generated from these classes. Everything else in the warehouse is built by
dbt from these tables.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field, fields
from datetime import datetime
from pathlib import Path


def col(sql: str, default=None, doc: str | None = None):
    """A column of SQL type ``sql`` (the dataclass field's default is None unless given); ``doc`` becomes
    its comment in DuckDB (see :func:`comments`)."""
    return field(default=default, metadata={"sql": sql, "doc": doc})


@dataclass
class FileRow:
    """raw.files: one row per input file seen by the last ingest of it."""

    source_file: str = col("varchar primary key")
    source_path: str | None = col("varchar")
    sha256: str | None = col("varchar")
    size_bytes: int | None = col("bigint")
    page_count: int | None = col("integer")
    status: str = col("varchar not null")
    error: str | None = col("varchar")
    error_code: str | None = col("varchar")
    warnings: str | None = col("varchar")
    duplicate_of: str | None = col("varchar")
    report_id: str | None = col("varchar")
    parser_version: str | None = col("varchar")
    ingested_at: datetime | None = col("timestamp not null")


@dataclass
class ReportRow:
    """raw.reports: one row per distinct PDF content (loaded files only)."""

    report_id: str = col("varchar primary key")
    source_file: str = col("varchar not null")
    sha256: str = col("varchar not null")
    title: str | None = col("varchar")
    region: str | None = col("varchar")
    department: str | None = col("varchar")
    department_type: str | None = col("varchar")
    fiscal_year: int | None = col("integer")
    unit: str | None = col("varchar")
    page_count: int | None = col("integer")
    producer: str | None = col("varchar")


@dataclass
class ReportTableRow:
    """raw.report_tables: one row per standard table found in a report."""

    report_id: str = col("varchar not null")
    table_no: int = col("integer not null")
    title_zh: str | None = col("varchar")
    caption: str | None = col("varchar")
    unit: str | None = col("varchar")
    first_page: int | None = col("integer")
    last_page: int | None = col("integer")
    is_empty: bool | None = col("boolean")
    n_rows: int | None = col("integer")
    flavor: str | None = col("varchar")
    accuracy: float | None = col("double")
    department_printed: str | None = col("varchar")


@dataclass
class TableColumnRow:
    """raw.table_columns: one row per column of a logical table."""

    report_id: str = col("varchar not null")
    table_no: int = col("integer not null")
    col_no: int = col("integer not null")
    block_no: int = col("integer not null")
    header_zh: str | None = col("varchar")
    role: str = col("varchar not null")


@dataclass
class CellRow:
    """raw.cells: one row per cell of a logical table (header and body rows), text as printed."""

    report_id: str = col("varchar not null")
    table_no: int = col("integer not null")
    row_no: int = col("integer not null")
    col_no: int = col("integer not null")
    row_kind: str = col("varchar not null")
    page: int | None = col("integer")  # NULL only for rows that were not read from a PDF (test oracles)
    text: str | None = col("varchar")
    confidence: float | None = col("double", doc="the OCR recogniser's confidence in the cell's text, 0 to 1; "
                                   "NULL for a cell read from the PDF's text layer, and for an empty cell")


@dataclass
class TextLineRow:
    """raw.text_lines: one row per printed line of text of every page of a report (the text pass's lines),
    for the document checks (cover, headings, contents, notes, dated statements)."""

    report_id: str = col("varchar not null")
    page: int = col("integer not null")
    line_no: int = col("integer not null")
    text: str = col("varchar not null")
    x0: float | None = col("double")
    y0: float | None = col("double")
    x1: float | None = col("double")
    y1: float | None = col("double")


@dataclass
class ContentsRow:
    """raw.contents: one row per entry of the report's table of contents (目录), for the document checks."""

    report_id: str = col("varchar not null")
    entry_no: int = col("integer not null")
    page: int | None = col("integer")
    line_no: int | None = col("integer")
    text: str | None = col("varchar")
    part_no: str | None = col("varchar")
    table_no: int | None = col("integer")
    page_ref: str | None = col("varchar")


@dataclass
class SentenceRow:
    """raw.narrative_sentences: one row per sentence (or heading) of the narrative (第三部分 and after)."""

    report_id: str = col("varchar not null")
    sentence_no: int = col("integer not null")
    paragraph_no: int | None = col("integer")
    page: int | None = col("integer")
    last_page: int | None = col("integer")
    part_no: str | None = col("varchar")
    section_no: str | None = col("varchar")
    section_title: str | None = col("varchar")
    subsection_no: str | None = col("varchar")
    subsection_title: str | None = col("varchar")
    item_no: str | None = col("varchar")
    heading: bool | None = col("boolean")
    text: str | None = col("varchar")
    status: str | None = col("varchar")
    unread_figures: str | None = col("varchar")


@dataclass
class ClaimRow:
    """raw.narrative_claims: one row per figure the narrative states (see ingest/read/narrative/claims.py)."""

    report_id: str = col("varchar not null")
    claim_no: int = col("integer not null")
    sentence_no: int = col("integer not null")
    page: int | None = col("integer")
    kind: str = col("varchar not null")
    subject: str | None = col("varchar")
    subject_code: str | None = col("varchar")
    func_level: str | None = col("varchar")
    class_name: str | None = col("varchar")
    kuan_name: str | None = col("varchar")
    item_name: str | None = col("varchar")
    table_hint: str | None = col("varchar")
    measure: str | None = col("varchar")
    measure_zh: str | None = col("varchar")
    value: object = col("decimal(20, 4)")
    value_text: str | None = col("varchar")
    unit: str | None = col("varchar")
    unit_inferred: bool | None = col("boolean")
    budget: object = col("decimal(20, 4)")
    budget_text: str | None = col("varchar")
    budget_label: str | None = col("varchar")
    budget_full: object = col("decimal(20, 4)")
    final: object = col("decimal(20, 4)")
    rate: object = col("decimal(12, 4)")
    rate_text: str | None = col("varchar")
    rate_basis: str | None = col("varchar")
    relation: str | None = col("varchar")
    relation_text: str | None = col("varchar")
    reason: str | None = col("varchar")
    change: object = col("decimal(20, 4)")
    direction: str | None = col("varchar")
    compared_with: str | None = col("varchar")
    current: object = col("decimal(20, 4)")
    numerator: object = col("decimal(20, 4)")
    base_text: str | None = col("varchar")
    base_table_hint: str | None = col("varchar")
    base_measure: str | None = col("varchar")
    base_value: object = col("decimal(20, 4)")
    note: str | None = col("varchar")


@dataclass
class RunRow:
    """raw.runs: one row per `juesuan build` / `juesuan ingest` run."""

    run_id: str = col("varchar primary key")
    command: str = col("varchar not null")
    started_at: datetime | None = col("timestamp not null")
    ended_at: datetime | None = col("timestamp")
    files_new: int | None = col("integer")
    files_changed: int | None = col("integer")
    files_unchanged: int | None = col("integer")
    files_removed: int | None = col("integer")
    files_failed: int | None = col("integer")
    files_duplicate: int | None = col("integer")
    pages_extracted: int | None = col("integer")
    removed_files: str | None = col("varchar")
    failed_files: str | None = col("varchar")
    files_moved: int | None = col("integer")
    moved_files: str | None = col("varchar")
    files_quarantined: int | None = col("integer")
    quarantined_files: str | None = col("varchar")
    ingest_seconds: float | None = col("double")
    dbt_seconds: float | None = col("double")
    checks_seconds: float | None = col("double")
    dbt_status: str | None = col("varchar")
    checks_status: str | None = col("varchar")
    checks_failed: int | None = col("integer")
    exit_status: int | None = col("integer")
    published: bool | None = col("boolean")
    code_version: str | None = col("varchar")
    raw_fingerprint: str | None = col("varchar")
    executor: str | None = col("varchar")
    jobs: int | None = col("integer")


@dataclass
class QuarantineRow:
    """raw.quarantine: a report set aside by the last build, because its rows break the warehouse's contract."""

    report_id: str = col("varchar not null")
    test_name: str = col("varchar not null")
    failing_rows: int | None = col("integer")
    message: str | None = col("varchar")
    quarantined_at: datetime | None = col("timestamp")


@dataclass
class CheckResultRow:
    """quality.check_results: one row per report, check and evaluated subject, with the verdict of Great
    Expectations (passed). family, suite and severity are the check catalogue's (reference.check_catalog)."""

    report_id: str = col("varchar not null", doc="The report (marts.dim_report.report_id).")
    family: str | None = col("varchar", doc="The check's family in the catalogue: tables, document or narrative.")
    suite: str | None = col("varchar", doc="The Great Expectations suite that validated the row "
                            "(functional, economic, summary, three_public, codes, document, narrative).")
    check_name: str = col("varchar not null", doc="The check (reference.check_catalog; unique within its suite).")
    severity: str = col("varchar not null", doc="error (a failure makes the report failed_checks) or warning.")
    table_no: int | None = col("integer", doc="The standard table (1-9) of the subject; NULL for a line of the "
                               "text outside the tables.")
    subject: str = col("varchar not null", doc="What was checked, starting with the two-digit table number "
                       "(03 20103 basic).")
    expected: object = col("decimal(18, 2)", doc="What the other cells imply (blank = 0); 1 for the code checks.")
    observed: object = col("decimal(18, 2)", doc="The printed amount of the subject (blank = 0); 1 or 0 for "
                           "the code checks.")
    difference: object = col("decimal(18, 2)", doc="observed - expected.")
    tolerance: object = col("decimal(18, 2)", doc="Rounding tolerance: 0.005 x the printed addends, rounded "
                            "up to the cent, at least 0.01; 0 for the code checks.")
    passed: bool | None = col("boolean", doc="|difference| <= tolerance, as Great Expectations found it; "
                              "NULL for a check that could not run (not run is not passed).")
    page: int | None = col("integer", doc="The PDF page of the subject.")
    message: str | None = col("varchar", doc="What was printed and what is wrong, in words (or why the check "
                              "could not run).")
    printed_value: str | None = col("varchar", doc="What the report printed, in its words (the amount; the line "
                                    "of text quoted; 'not printed').")
    expected_value: str | None = col("varchar", doc="What the check expected there, in the same words.")
    checked_at: datetime | None = col("timestamp", doc="When the checks ran (UTC).")


#: Every table Python writes, by qualified name, with the primary key of those that have a composite one.
TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "raw.files": (FileRow, ()),
    "raw.reports": (ReportRow, ()),
    "raw.report_tables": (ReportTableRow, ("report_id", "table_no")),
    "raw.table_columns": (TableColumnRow, ("report_id", "table_no", "col_no")),
    "raw.cells": (CellRow, ("report_id", "table_no", "row_no", "col_no")),
    "raw.text_lines": (TextLineRow, ("report_id", "page", "line_no")),
    "raw.contents": (ContentsRow, ("report_id", "entry_no")),
    "raw.narrative_sentences": (SentenceRow, ("report_id", "sentence_no")),
    "raw.narrative_claims": (ClaimRow, ("report_id", "claim_no")),
    "raw.runs": (RunRow, ()),
    "raw.quarantine": (QuarantineRow, ("report_id", "test_name")),
    "quality.check_results": (CheckResultRow, ()),
}

#: The raw tables that hold what was read from the files (not the run log): their content decides whether
#: dbt and the checks have anything new to do.
EXTRACTED_TABLES = ("raw.files", "raw.reports", "raw.report_tables", "raw.table_columns", "raw.cells",
                    "raw.text_lines", "raw.contents", "raw.narrative_sentences", "raw.narrative_claims")
#: The tables that hold one report's rows, children first (deleted in this order).
REPORT_TABLES = ("raw.narrative_claims", "raw.narrative_sentences", "raw.contents", "raw.text_lines", "raw.cells",
                 "raw.table_columns", "raw.report_tables", "raw.reports")


def columns(row_class: type) -> list[str]:
    return [f.name for f in fields(row_class)]


def column_type(f) -> str:
    """A field's bare SQL type, without its constraints: what an added column and a typed read of a
    temporary file take (both must agree with the DDL on the type)."""
    return f.metadata["sql"].replace("primary key", "").replace("not null", "").strip()


def create_table(name: str) -> str:
    row_class, key = TABLES[name]
    parts = [f"    {f.name} {f.metadata['sql']}" for f in fields(row_class)]
    if key:
        parts.append(f"    primary key ({', '.join(key)})")
    return f"create table if not exists {name} (\n" + ",\n".join(parts) + "\n);"


def ddl() -> str:
    schemas = sorted({name.split(".")[0] for name in TABLES})
    return "\n".join([f"create schema if not exists {s};" for s in schemas] + [create_table(n) for n in TABLES])


def ensure(con) -> None:
    """Create the schemas and tables that are missing, and add the columns a warehouse made by an older
    version lacks (appended, nullable: inserts always name their columns)."""
    con.execute(ddl())
    for name, (row_class, _) in TABLES.items():
        schema_name, table = name.split(".")
        present = {c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema_name, table]).fetchall()}
        for f in fields(row_class):
            if f.name not in present:
                con.execute(f"alter table {name} add column {f.name} {column_type(f)}")


def comments(name: str) -> list[str]:
    """COMMENT statements for a table and its documented columns (duckdb_tables(), duckdb_columns())."""
    row_class, _ = TABLES[name]

    def quoted(text: str) -> str:
        return "'" + " ".join(text.split()).replace("'", "''") + "'"

    out = [f"comment on table {name} is {quoted(row_class.__doc__ or '')}"]
    out += [f"comment on column {name}.{f.name} is {quoted(f.metadata['doc'])}"
            for f in fields(row_class) if f.metadata.get("doc")]
    return out


def insert_sql(name: str) -> str:
    names = columns(TABLES[name][0])
    return f"insert into {name} ({', '.join(names)}) values ({', '.join('?' for _ in names)})"


def values(row) -> list:
    return list(astuple(row))


#: DuckDB settings of the connections that write raw rows and check results: small statements, one after
#: another, beside the reading workers. One thread (DuckDB's per-thread buffers are not needed), and a
#: checkpoint once a megabyte is in the write-ahead log, so what was written is on disk and not held in
#: memory until the end of the run (both together save a tenth of the writer's memory).
WRITER_SETTINGS = {"threads": 1, "checkpoint_threshold": "1MB"}


class WriteConnection:
    """A write connection to a warehouse being built, its tables made sure of (`ensure`); a context manager."""

    def __init__(self, path):
        import duckdb

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(path), config=WRITER_SETTINGS)
        ensure(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
