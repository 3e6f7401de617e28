"""A read report as rows of the raw schema (the one place that knows both a Report and the raw tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..warehouse.raw import ReportRows
from ..warehouse.schema import (CellRow, ClaimRow, ContentsRow, ReportRow, ReportTableRow, SentenceRow,
                                TableColumnRow, TextLineRow)

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
                                          table.flavor, table.accuracy, found.department))
        for col_no, column in enumerate(table.columns):
            rows.columns.append(TableColumnRow(rid, table_no, col_no, column.block_no, column.header_zh,
                                               column.role))
        for row_no, row in enumerate(table.rows):
            confidence = row.confidence or [None] * len(row.cells)
            for col_no, (text, sure) in enumerate(zip(row.cells, confidence)):
                kept = text.strip() if text and text.strip() else None
                rows.cells.append(CellRow(rid, table_no, row_no, col_no, row.kind, row.page, kept,
                                          sure if kept is not None else None))
    for page in report.pages:
        rows.text_lines += [TextLineRow(rid, page.page, line_no, line.text, line.x0, line.y0, line.x1, line.y1)
                            for line_no, line in enumerate(page.lines)]
    rows.contents = [ContentsRow(rid, e.entry_no, e.page, e.line_no, e.text, e.part_no, e.table_no, e.page_ref)
                     for e in report.contents]
    narrative = report.narrative
    if narrative is not None:
        for sentence in narrative.sentences:
            status, unread = narrative.status_of(sentence)
            rows.sentences.append(SentenceRow(
                rid, sentence.sentence_no, sentence.paragraph_no, sentence.page, sentence.last_page,
                sentence.part_no, sentence.section_no, sentence.section_title, sentence.subsection_no,
                sentence.subsection_title, sentence.item_no, sentence.heading, sentence.text, status,
                "; ".join(unread) or None))
        claim_columns = [n for n in ClaimRow.__dataclass_fields__ if n != "report_id"]
        for claim in narrative.claims:
            rows.claims.append(ClaimRow(rid, *(getattr(claim, n) for n in claim_columns)))
    return rows
