"""Write the `raw` schema of the warehouse. The only writer of raw.* (see docs/raw_schema.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from .read_report import Report

DDL = """
create schema if not exists raw;
create table if not exists raw.files (
    source_file varchar primary key,
    source_path varchar,
    sha256 varchar,
    size_bytes bigint,
    page_count integer,
    status varchar not null,
    error varchar,
    error_code varchar,
    warnings varchar,
    duplicate_of varchar,
    report_id varchar,
    parser_version varchar,
    ingested_at timestamp not null
);
create table if not exists raw.reports (
    report_id varchar primary key,
    source_file varchar not null,
    sha256 varchar not null,
    title varchar,
    region varchar,
    department varchar,
    fiscal_year integer,
    unit varchar,
    page_count integer,
    producer varchar
);
create table if not exists raw.report_tables (
    report_id varchar not null,
    table_no integer not null,
    title_zh varchar,
    caption varchar,
    unit varchar,
    first_page integer,
    last_page integer,
    is_empty boolean,
    n_rows integer,
    flavor varchar,
    accuracy double,
    primary key (report_id, table_no)
);
create table if not exists raw.table_columns (
    report_id varchar not null,
    table_no integer not null,
    col_no integer not null,
    block_no integer not null,
    header_zh varchar,
    role varchar not null,
    primary key (report_id, table_no, col_no)
);
create table if not exists raw.cells (
    report_id varchar not null,
    table_no integer not null,
    row_no integer not null,
    col_no integer not null,
    row_kind varchar not null,
    page integer not null,
    text varchar,
    primary key (report_id, table_no, row_no, col_no)
);
create table if not exists raw.runs (
    run_id varchar primary key,
    command varchar not null,
    started_at timestamp not null,
    ended_at timestamp,
    files_new integer,
    files_changed integer,
    files_unchanged integer,
    files_removed integer,
    files_failed integer,
    files_duplicate integer,
    pages_extracted integer,
    removed_files varchar,
    failed_files varchar,
    ingest_seconds double,
    dbt_seconds double,
    checks_seconds double,
    dbt_status varchar,
    checks_status varchar,
    checks_failed integer,
    exit_status integer,
    published boolean,
    code_version varchar,
    raw_fingerprint varchar,
    executor varchar,
    jobs integer
);
"""

RUN_COLUMNS = (
    "run_id", "command", "started_at", "ended_at", "files_new", "files_changed", "files_unchanged",
    "files_removed", "files_failed", "files_duplicate", "pages_extracted", "removed_files", "failed_files",
    "ingest_seconds", "dbt_seconds", "checks_seconds", "dbt_status", "checks_status", "checks_failed",
    "exit_status", "published", "code_version", "raw_fingerprint", "executor", "jobs",
)


@dataclass
class FileRecord:
    source_file: str
    source_path: str
    sha256: str | None
    size_bytes: int | None
    page_count: int | None
    status: str
    error: str | None = None
    error_code: str | None = None
    duplicate_of: str | None = None
    report_id: str | None = None
    parser_version: str | None = None
    producer: str | None = None
    warnings: str | None = None


class RawWriter:
    """Writes raw.* rows; every file's rows are replaced in one transaction, so a re-ingest never duplicates."""

    def __init__(self, path: Path | str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.con = duckdb.connect(str(path))
        self.con.execute(DDL)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "RawWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- look-ups --------------------------------------------------------------------------------------
    def loaded_file_with_sha(self, sha256: str) -> tuple[str, str] | None:
        """(source_file, report_id) of a loaded file with these bytes."""
        row = self.con.execute(
            "select source_file, report_id from raw.files where sha256 = ? and status = 'loaded' "
            "order by ingested_at limit 1", [sha256]).fetchone()
        return (row[0], row[1]) if row else None

    def file_record(self, source_file: str) -> tuple | None:
        return self.con.execute("select sha256, status, parser_version, report_id from raw.files where source_file = ?",
                                [source_file]).fetchone()

    # -- writes ----------------------------------------------------------------------------------------
    def _delete_report(self, report_id: str) -> None:
        for table in ("raw.cells", "raw.table_columns", "raw.report_tables", "raw.reports"):
            self.con.execute(f"delete from {table} where report_id = ?", [report_id])

    def _orphaned(self, report_id: str | None, except_file: str) -> bool:
        if not report_id:
            return False
        other = self.con.execute(
            "select count(*) from raw.files where report_id = ? and source_file <> ? and status = 'loaded'",
            [report_id, except_file]).fetchone()[0]
        return other == 0

    def write(self, record: FileRecord, report: Report | None = None) -> None:
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        self.con.execute("begin transaction")
        try:
            previous = self.file_record(record.source_file)
            if previous and previous[3] and previous[3] != record.report_id and self._orphaned(previous[3], record.source_file):
                self._delete_report(previous[3])  # the file changed: its old report goes
            self.con.execute("delete from raw.files where source_file = ?", [record.source_file])
            self.con.execute(
                "insert into raw.files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record.source_file, record.source_path, record.sha256, record.size_bytes, record.page_count,
                 record.status, record.error, record.error_code, record.warnings, record.duplicate_of,
                 record.report_id,
                 record.parser_version, now])
            if report is not None:
                self._write_report(record, report)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise

    def remove_file(self, source_file: str) -> None:
        """Forget a file that disappeared from the input folder, and its report if no other file has it."""
        self.con.execute("begin transaction")
        previous = self.file_record(source_file)
        if previous and self._orphaned(previous[3], source_file):
            self._delete_report(previous[3])
        self.con.execute("delete from raw.files where source_file = ?", [source_file])
        self.con.execute("commit")

    def record_run(self, run: dict) -> None:
        """Insert one row of raw.runs (keys: RUN_COLUMNS; missing ones are NULL) and checkpoint."""
        unknown = set(run) - set(RUN_COLUMNS)
        if unknown:
            raise ValueError(f"raw.runs has no columns {sorted(unknown)}")
        self.con.execute(f"insert into raw.runs ({', '.join(RUN_COLUMNS)}) values "
                         f"({', '.join('?' for _ in RUN_COLUMNS)})", [run.get(c) for c in RUN_COLUMNS])
        self.con.execute("checkpoint")

    def _write_report(self, record: FileRecord, report: Report) -> None:
        rid = report.report_id
        self._delete_report(rid)
        meta = report.meta
        self.con.execute("insert into raw.reports values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [rid, record.source_file, report.sha256, meta.title, meta.region, meta.department,
                          meta.fiscal_year, meta.unit, report.page_count, record.producer])
        tables, columns, cells = [], [], []
        for table_no, found in sorted(report.tables.items()):
            table = found.table
            tables.append([rid, table_no, found.title_zh, found.caption, found.unit, found.first_page,
                           found.last_page, table.is_empty, len(table.rows), table.flavor, table.accuracy])
            for col_no, col in enumerate(table.columns):
                columns.append([rid, table_no, col_no, col.block_no, col.header_zh, col.role])
            for row_no, row in enumerate(table.rows):
                for col_no, text in enumerate(row.cells):
                    cells.append([rid, table_no, row_no, col_no, row.kind, row.page,
                                  text.strip() if text and text.strip() else None])
        if tables:
            self.con.executemany("insert into raw.report_tables values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tables)
        if columns:
            self.con.executemany("insert into raw.table_columns values (?, ?, ?, ?, ?, ?)", columns)
        if cells:
            self._insert_cells(cells)

    def _insert_cells(self, cells: list[list]) -> None:
        import pandas as pd

        frame = pd.DataFrame(cells, columns=["report_id", "table_no", "row_no", "col_no", "row_kind", "page", "text"])
        self.con.register("new_cells", frame)
        try:
            self.con.execute("insert into raw.cells select * from new_cells")
        finally:
            self.con.unregister("new_cells")
