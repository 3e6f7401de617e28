"""What the audit of each report found, read from a published warehouse (read-only): `juesuan audit`.

`marts.report_audit` gives one row per report (counts and the verdict), `quality.findings` one row per
check that failed or could not run. Both are views over `quality.check_results`, so they are the checks
last run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .access import WarehouseError, connect_read_only

FINDING_COLUMNS = ("rank", "outcome", "severity", "family", "suite", "check_name", "table_no", "section", "page",
                   "subject", "printed_value", "expected_value", "message")
REPORT_COLUMNS = ("report_id", "source_file", "region", "department", "fiscal_year", "checks_run",
                  "checks_passed", "errors", "warnings", "checks_not_run", "document_errors", "tables_read_by_ocr",
                  "verdict")


class AuditMissing(WarehouseError):
    """The warehouse holds no audit (built by a version without marts.report_audit / quality.findings)."""


@dataclass(frozen=True)
class Finding:
    """One check that failed or could not run (a row of quality.findings)."""

    rank: int
    outcome: str  # failed or not_run
    severity: str  # error or warning
    family: str
    suite: str
    check_name: str
    table_no: int | None
    section: str
    page: int | None
    subject: str
    printed_value: str | None
    expected_value: str | None
    message: str

    @property
    def level(self) -> str:
        """error, warning or not_run: how the finding is shown."""
        return "not_run" if self.outcome == "not_run" else self.severity


@dataclass
class ReportAudit:
    """One report's audit (a row of marts.report_audit) and its findings, most severe first."""

    report_id: str
    source_file: str | None
    region: str | None
    department: str | None
    fiscal_year: int | None
    checks_run: int
    checks_passed: int
    errors: int
    warnings: int
    checks_not_run: int
    document_errors: int
    tables_read_by_ocr: int  # tables read by OCR from page images: a failure there may be a misreading
    verdict: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How people name the report: its department and year, else its file."""
        if self.department:
            return f"{self.department} {self.fiscal_year}" if self.fiscal_year else self.department
        return self.source_file or self.report_id

    def sections(self) -> list[tuple[str, list[Finding]]]:
        """The findings grouped by section (the tables in their order, then the parts of the text by page),
        each group in rank order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.section, []).append(finding)

        def order(item):
            name, findings = item
            tables = [f.table_no for f in findings if f.table_no is not None]
            pages = [f.page for f in findings if f.page is not None]
            return (0 if tables else 1, min(tables) if tables else 0, min(pages) if pages else 10 ** 6, name)

        return sorted(groups.items(), key=order)

    @property
    def ocr_note(self) -> str | None:
        """What the reader must know when OCR read some of the report."""
        if not self.tables_read_by_ocr:
            return None
        n = self.tables_read_by_ocr
        return (f"{n} table{'s' if n != 1 else ''} read by OCR from page images: a check failing there may be "
                "the recogniser's misreading (cells it was unsure of are empty; raw.files.warnings says which)")


def load_audit(warehouse: Path, reports: list[str] | None = None) -> list[ReportAudit]:
    """Every report's audit (or those whose report_id, file name or department is in ``reports``), with
    its findings, most errors first."""
    con = connect_read_only(warehouse)
    try:
        present = {name for (name,) in con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where table_schema || '.' || table_name in ('marts.report_audit', 'quality.findings')").fetchall()}
        if len(present) < 2:
            raise AuditMissing(f"{warehouse} holds no audit (marts.report_audit, quality.findings): build it with "
                               f"this version, e.g. `juesuan build --warehouse {warehouse} PDF_DIR`")
        rows = con.execute(f"select {', '.join(REPORT_COLUMNS)} from marts.report_audit "
                           "order by errors desc, warnings desc, checks_not_run desc, source_file").fetchall()
        audits = [ReportAudit(*row) for row in rows]
        if reports:
            wanted = set(reports)
            audits = [a for a in audits if wanted & {a.report_id, a.source_file, a.department,
                                                     Path(a.source_file or "").name}]
        by_id = {a.report_id: a for a in audits}
        for report_id, *values in con.execute(
                f"select report_id, {', '.join(FINDING_COLUMNS)} from quality.findings "
                "order by report_id, rank").fetchall():
            if report_id in by_id:
                by_id[report_id].findings.append(Finding(*values))
        return audits
    finally:
        con.close()
