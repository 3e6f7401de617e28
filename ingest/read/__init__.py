"""Reading one PDF: ``read_report(path) -> Report``, a pure function of the file.

The modules, in the order a report is read: `source` (vet the file, open it once as a `document`), `text`
(characters and lines), `titles` and `metadata` (what the text says), `contents` (the 目录's entries),
`kind` (a budget report or a template rather than final accounts?), `tables` (which way each page is read:
`parts.lattice` with camelot, `parts.unruled` from the alignment of the text), `cells` and `amounts` (what
a printed cell holds), `assemble` (parts into logical tables), `report` (all of it together).
Nothing here opens the warehouse, and importing this package loads no PDF library: `report` does.
"""

from __future__ import annotations


def read_report(path, **kwargs):
    """Read one final-accounts PDF (see `ingest.read.report.read_report`)."""
    from .report import read_report as _read_report

    return _read_report(path, **kwargs)
