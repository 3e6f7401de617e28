"""Write the `raw` schema of the warehouse: the only writer of raw.* (see docs/raw_schema.md).

Rows arrive as the dataclasses of `warehouse.schema`; turning a read report into rows is the build's job
(`build.record`), so this module knows tables, not PDFs.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

from . import schema
from .schema import (CellRow, ClaimRow, ContentsRow, FileRow, ReportRow, ReportTableRow, RunRow, SentenceRow,
                     TableColumnRow, TextLineRow)


@dataclass
class ReportRows:
    """Everything one report puts in the raw schema besides its raw.files row."""

    report: ReportRow
    tables: list[ReportTableRow] = field(default_factory=list)
    columns: list[TableColumnRow] = field(default_factory=list)
    cells: list[CellRow] = field(default_factory=list)
    text_lines: list[TextLineRow] = field(default_factory=list)
    contents: list[ContentsRow] = field(default_factory=list)
    sentences: list[SentenceRow] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)

    def batches(self):
        yield "raw.report_tables", self.tables
        yield "raw.table_columns", self.columns
        yield "raw.cells", self.cells
        yield "raw.text_lines", self.text_lines
        yield "raw.contents", self.contents
        yield "raw.narrative_sentences", self.sentences
        yield "raw.narrative_claims", self.claims


@dataclass(frozen=True)
class KnownFile:
    """What raw.files holds about one file."""

    source_file: str
    sha256: str | None
    status: str
    parser_version: str | None
    report_id: str | None
    duplicate_of: str | None
    source_path: str | None


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def known_files(path: Path | str) -> dict[str, KnownFile]:
    """Every file a warehouse knows, by name, read through a read-only connection (none when there is no
    warehouse yet, or it has no raw.files)."""
    if not Path(path).exists():
        return {}
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        exists = con.execute("select count(*) from information_schema.tables "
                             "where table_schema = 'raw' and table_name = 'files'").fetchone()[0]
        if not exists:
            return {}
        rows = con.execute("select source_file, sha256, status, parser_version, report_id, duplicate_of, "
                           "source_path from raw.files order by ingested_at, source_file").fetchall()
    finally:
        con.close()
    return {r[0]: KnownFile(*r) for r in rows}


class RawWriter(schema.WriteConnection):
    """Writes raw.* rows; every file's rows are replaced in one transaction, so a re-ingest never duplicates."""

    # -- look-ups --------------------------------------------------------------------------------------
    def file_record(self, source_file: str) -> tuple | None:
        """(sha256, status, parser_version, report_id) of a file, or None when the file is new."""
        return self.con.execute("select sha256, status, parser_version, report_id from raw.files where source_file = ?",
                                [source_file]).fetchone()

    # -- writes ----------------------------------------------------------------------------------------
    def _delete_report(self, report_id: str) -> None:
        for table in schema.REPORT_TABLES:
            self.con.execute(f"delete from {table} where report_id = ?", [report_id])

    def _orphaned(self, report_id: str | None, except_file: str) -> bool:
        if not report_id:
            return False
        other = self.con.execute(
            "select count(*) from raw.files where report_id = ? and source_file <> ? and status = 'loaded'",
            [report_id, except_file]).fetchone()[0]
        return other == 0

    def write(self, row: FileRow, report: ReportRows | None = None) -> None:
        """Replace the rows of one file (and of its report, when given) in one transaction."""
        row.ingested_at = row.ingested_at or utcnow()
        self.con.execute("begin transaction")
        try:
            previous = self.file_record(row.source_file)
            if previous and previous[3] and previous[3] != row.report_id and self._orphaned(previous[3], row.source_file):
                self._delete_report(previous[3])  # the file changed: its old report goes
            self.con.execute("delete from raw.files where source_file = ?", [row.source_file])
            self.con.execute(schema.insert_sql("raw.files"), schema.values(row))
            if report is not None:
                self._write_report(report)
            self.con.execute("commit")
        except Exception:
            self.con.execute("rollback")
            raise

    def move_file(self, old: str, new: str, new_path: str) -> None:
        """The same bytes under a new name: the file's row, its report's source_file and the duplicates
        that name it follow the file; nothing is read again. A row already under the new name (a
        duplicate of the file, say) gives way."""
        self.con.execute("begin transaction")
        try:
            self.con.execute("delete from raw.files where source_file = ?", [new])
            self.con.execute("update raw.files set source_file = ?, source_path = ? where source_file = ?",
                             [new, new_path, old])
            self.con.execute("update raw.files set duplicate_of = ? where duplicate_of = ?", [new, old])
            self.con.execute("update raw.reports set source_file = ? where source_file = ?", [new, old])
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

    def record_run(self, run: RunRow) -> None:
        """Insert one row of raw.runs and checkpoint (the run log is the last thing a run writes)."""
        self.con.execute(schema.insert_sql("raw.runs"), schema.values(run))
        self.con.execute("checkpoint")

    def _write_report(self, rows: ReportRows) -> None:
        self._delete_report(rows.report.report_id)
        self.con.execute(schema.insert_sql("raw.reports"), schema.values(rows.report))
        for name, batch in rows.batches():
            if batch:
                self._insert_many(name, batch)

    def _insert_many(self, name: str, rows: list) -> None:
        """Insert many rows at once, through newline-delimited JSON that DuckDB reads with the table's own
        column types: much faster than one statement per row, and with no data-frame library to load
        (amounts go as text, so Decimal values arrive exact)."""
        columns = [(f.name, schema.column_type(f)) for f in fields(schema.TABLES[name][0])]
        fd, temporary = tempfile.mkstemp(prefix="juesuan-", suffix=".ndjson")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                for row in rows:
                    out.write(json.dumps({n: _json_value(getattr(row, n)) for n, _ in columns}, ensure_ascii=False))
                    out.write("\n")
            types = "{" + ", ".join(f"'{n}': '{t.upper()}'" for n, t in columns) + "}"
            names = ", ".join(n for n, _ in columns)
            self.con.execute(f"insert into {name} ({names}) select {names} from read_json(?, "
                             f"format = 'newline_delimited', columns = {types})", [temporary])
        finally:
            os.unlink(temporary)


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value
