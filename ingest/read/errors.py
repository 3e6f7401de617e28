"""Why a file could not be read. Each error carries a stable ``code`` (one of ``contract.ERROR_CODES``),
stored in raw.files.error_code, and a message that says what is wrong with the file and, where there is
one, what to do about it."""

from __future__ import annotations


class IngestError(Exception):
    """A file could not be ingested. ``code`` is stable (stored in the warehouse); the message is for people."""

    code = "parse_error"

    def __init__(self, message: str, *, file: str | None = None, page: int | None = None,
                 table_no: int | None = None, page_count: int | None = None):
        super().__init__(message)
        self.file = file
        self.page = page
        self.table_no = table_no
        self.page_count = page_count  # of a PDF that opened: known even when it cannot be read


class EmptyFile(IngestError):
    code = "empty_file"


class NotPdf(IngestError):
    code = "not_pdf"


class TruncatedPdf(IngestError):
    code = "truncated"


class EncryptedPdf(IngestError):
    code = "encrypted"


class ScannedPdf(IngestError):
    code = "scanned"


class NotFinalAccounts(IngestError):
    code = "not_final_accounts"


class BudgetReport(IngestError):
    code = "budget_report"


class TemplateReport(IngestError):
    code = "template"


class TooLarge(IngestError):
    code = "too_large"


class TimedOut(IngestError):
    code = "timeout"


class TableParseError(IngestError):
    code = "parse_error"
