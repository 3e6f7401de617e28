"""A read report as rows of the raw schema (the one place that knows both a Report and the raw tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..warehouse.raw import ReportRows
from ..warehouse.schema import CellRow, ReportRow, ReportTableRow, TableColumnRow

if TYPE_CHECKING:  # the reader's modules load the PDF libraries: only its types are needed here
    from ..read.report import Report


def report_rows(report: Report, source_file: str, producer: str | None) -> ReportRows:
    rid = report.report_id
    meta = report.meta
    rows = ReportRows(ReportRow(rid, source_file, report.sha256, meta.title, meta.region, meta.department,
                                meta.department_type, meta.fiscal_year, meta.unit, report.page_count, producer))
    for table_no, found in sorted(report.tables.items()):
        table = found.table
        rows.tables.append(ReportTableRow(rid, table_no, found.title_zh, found.caption, found.unit,
                                          found.first_page, found.last_page, table.is_empty, len(table.rows),
                                          table.flavor, table.accuracy))
        for col_no, column in enumerate(table.columns):
            rows.columns.append(TableColumnRow(rid, table_no, col_no, column.block_no, column.header_zh,
                                               column.role))
        for row_no, row in enumerate(table.rows):
            for col_no, text in enumerate(row.cells):
                rows.cells.append(CellRow(rid, table_no, row_no, col_no, row.kind, row.page,
                                          text.strip() if text and text.strip() else None))
    return rows
