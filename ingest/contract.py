"""The Python side of the vocabularies the warehouse, the command line and the docs share.

Each name here is stored in the warehouse or printed to operators, so it is a contract: the README and
docs/ describe every one of them (tests/test_docs.py fails otherwise), and the dbt models accept exactly
these values (their accepted_values tests are checked against this module).
"""

from __future__ import annotations

# raw.files.status: what became of one input file.
FILE_STATUSES = {
    "loaded": "read; its tables are in the warehouse",
    "failed": "could not be read; error_code and error say why",
    "duplicate": "the same bytes as another input file (duplicate_of); read once, under the other name",
}
# marts.source_files.status: the same, and what the last build did with a loaded report.
PUBLISHED_FILE_STATUSES = {
    **FILE_STATUSES,
    "quarantined": "read, but its rows break the warehouse's contract: kept out of the marts (error says why)",
}

# raw.files.error_code of a failed file.
ERROR_CODES = {
    "empty_file": "the file has 0 bytes",
    "not_pdf": "the file is not a PDF (the message says what it looks like)",
    "truncated": "the PDF is cut off or damaged",
    "encrypted": "the PDF needs a password, or its restriction could not be removed",
    "scanned": "the PDF holds page images without a text layer that OCR could not read (blank, no table "
               "found, OCR off or unavailable)",
    "not_final_accounts": "none of the nine standard tables was found",
    "budget_report": "a 部门预算 / 单位预算 (budget) report: juesuan reads final accounts",
    "template": "a blank template or draft: placeholders (XX, ××, 某某, YYYY) and no amounts",
    "too_large": "over a per-file limit: too many pages, or reading it needed more memory than allowed",
    "timeout": "reading it took longer than the per-file time limit",
    "parse_error": "the tables could not be read (a bug or a PDF that breaks a library: please report it)",
}

# Exit status of `juesuan build` / `juesuan ingest`: the sum of these bits (2 alone is a usage error).
EXIT_OK = 0
EXIT_FILES_FAILED = 1
EXIT_USAGE = 2
EXIT_CHECKS_FAILED = 4
EXIT_DBT_FAILED = 8
EXIT_LOCKED = 16
EXIT_CRASHED = 32
EXIT_BITS = {
    EXIT_FILES_FAILED: "some files read in this run failed",
    EXIT_CHECKS_FAILED: "a reconciliation check failed",
    EXIT_DBT_FAILED: "dbt build failed: the build is not published",
    EXIT_LOCKED: "another build of the same warehouse is running: nothing was done",
    EXIT_CRASHED: "an unexpected error stopped the run: nothing was published",
}

# raw.table_columns.role: what a printed column holds.
COLUMN_ROLES = {
    "code": "a classification code printed whole (2010301)",
    "code_class": "the 类 piece of a code printed over three columns (201)",
    "code_kuan": "the 款 piece (06)",
    "code_xiang": "the 项 piece (01)",
    "name": "a row label (科目名称, 项目)",
    "line_no": "the 行次 of a summary table",
    "amount": "an amount column",
}
CODE_ROLES = ("code", "code_class", "code_kuan", "code_xiang")

# raw.report_tables.flavor: how a table part was read (several parts give a comma-separated list).
FLAVORS = {
    "lattice/vector": "camelot lattice, rulings read from the PDF's vector graphics",
    "lattice/combined": "camelot lattice, rulings also found in the rendered page",
    "text": "a table printed without rulings, read from the alignment of its characters",
    "ocr": "a page without a text layer: rulings found in the page image, text recognised by OCR "
           "(raw.cells.confidence)",
    "ocr/text": "a page without a text layer and a table without rulings: recognised characters read by "
                "their alignment",
}

# `juesuan build/ingest --ocr`: which pages are read by OCR.
OCR_MODES = {
    "auto": "pages without a text layer (a scan, or the scanned pages of a mixed file)",
    "off": "none: a file without any text layer fails as scanned, scanned pages of a mixed file are skipped",
    "force": "every page, its text layer ignored (for a text layer that does not say what is printed)",
}
DEFAULT_OCR_MODE = "auto"

# `juesuan build/ingest --max-pages`: a file with more pages than this is not a report (the largest run to
# about 150): it is rejected before it is read, unless the operator raises the limit.
DEFAULT_MAX_PAGES = 400

# raw.runs.dbt_status and raw.runs.checks_status.
STAGE_STATUSES = {
    "ok": "ran, nothing failed",
    "failed": "ran, something failed",
    "error": "could not run to the end",
    "skipped": "not needed: raw data and code unchanged since the last complete build",
    "not_run": "not part of this run (ingest), or an earlier stage failed",
}
