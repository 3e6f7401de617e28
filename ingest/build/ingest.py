"""Ingest a set of PDFs into the raw schema: decide what to read, read it (in parallel), write it.

Reading a file (`extract_file`) is a pure function of the file, run in worker processes; the warehouse is
written by this process only. A file that fails is recorded with its error and never stops the others.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..read.version import extraction_version
from ..warehouse.raw import RawWriter
from ..warehouse.schema import FileRow
from . import executors
from .inputs import InputFile, collect_inputs, file_sha256
from .record import report_rows

if TYPE_CHECKING:
    from ..read.report import Report


@dataclass
class IngestSummary:
    loaded: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    removed: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    pages: int = 0  # pages of the files extracted in this run

    @property
    def extracted(self) -> int:
        return len(self.new) + len(self.changed)


@dataclass
class Extraction:
    """What a worker sends back for one file."""

    source_file: str
    report: Report | None
    error: str | None = None
    error_code: str | None = None


log = logging.getLogger(__name__)

# pdfium (under camelot and the reader) is not thread-safe: a Dask worker with several threads reads one
# file at a time. Processes (the local pool, single-threaded Dask workers) never wait on it.
_PDFIUM_LOCK = threading.Lock()


def extract_file(item: InputFile) -> Extraction:
    """Read one PDF; never raises (a failure comes back as an error message with its code).

    A pure function of the file: it runs in worker processes (local pool or Dask workers) and writes
    nothing; the caller writes what it returns.
    """
    from ..read.errors import IngestError
    from ..read.report import read_report

    try:
        with _PDFIUM_LOCK:
            report = read_report(item.path, sha256=item.sha256)
        return Extraction(item.source_file, report)
    except IngestError as exc:
        return Extraction(item.source_file, None, str(exc), exc.code)
    except Exception as exc:  # a bug or a PDF that breaks a library: record it, go on with the others
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Extraction(item.source_file, None,
                          f"{item.source_file}: could not parse the tables ({type(exc).__name__}: {exc} at "
                          f"{Path(where.filename).name}:{where.lineno}); please report this file",
                          "parse_error")


def ingest(paths: Iterable[Path | str], warehouse: Path | str, *, jobs: int | None = None,
           prune: bool = False, force: bool = False,
           progress: Callable[[str, str], None] | None = None,
           executor: str = "local", scheduler: str | None = None, client=None) -> IngestSummary:
    """Ingest files into raw.*; with `prune`, forget files that are no longer among the inputs.

    Files are read by `extract_file` on the chosen executor (see `build.executors`): ``local`` runs a pool
    of `jobs` processes (default: the cores; 1 reads in this process), ``dask`` sends them to the Dask
    scheduler at ``scheduler`` (or to ``client``). Either way this process is the only writer.
    """
    inputs = collect_inputs(paths)
    version = extraction_version()
    summary = IngestSummary()
    with RawWriter(warehouse) as writer:
        todo: list[InputFile] = []
        seen_sha: dict[str, str] = {}
        for item in inputs:
            item.sha256 = file_sha256(item.path)
            previous = writer.file_record(item.source_file)
            unchanged = (previous is not None and item.sha256 is not None and previous[0] == item.sha256
                         and previous[2] == version and previous[1] in ("loaded", "duplicate", "failed"))
            if unchanged and not force:
                summary.unchanged.append(item.source_file)
                if previous[1] == "loaded":
                    seen_sha[item.sha256] = item.source_file
                if progress:
                    progress(item.source_file, "unchanged")
                continue
            (summary.changed if previous is not None else summary.new).append(item.source_file)
            todo.append(item)

        # The same bytes under another name are recorded once, as a duplicate of the first.
        to_read: list[InputFile] = []
        duplicates: list[tuple[InputFile, str]] = []
        for item in todo:
            first = seen_sha.get(item.sha256) if item.sha256 else None
            if first is None and item.sha256:
                known = writer.loaded_file_with_sha(item.sha256)
                first = known[0] if known and known[0] != item.source_file else None
            if first is not None:
                duplicates.append((item, first))
            else:
                if item.sha256:
                    seen_sha[item.sha256] = item.source_file
                to_read.append(item)

        by_name = {item.source_file: item for item in to_read}
        for extraction in executors.map_unordered(extract_file, to_read, executor=executor, jobs=jobs,
                                        scheduler=scheduler, client=client):
            item = by_name[extraction.source_file]
            _record(writer, item, extraction, summary, version)
            if extraction.report is not None:
                summary.pages += extraction.report.page_count or 0
            if progress:
                progress(item.source_file, "loaded" if extraction.report else "failed")
        for item, first in duplicates:
            first_record = writer.file_record(first)
            writer.write(FileRow(item.source_file, str(item.path), item.sha256, item.path.stat().st_size,
                                 None, "duplicate", f"same content as {first}", None, None, first,
                                 first_record[3] if first_record else None, version))
            summary.duplicate.append(item.source_file)
            if progress:
                progress(item.source_file, "duplicate")

        if prune:
            names = {i.source_file for i in inputs}
            for name in writer.source_files():
                if name not in names:
                    writer.remove_file(name)
                    summary.removed.append(name)
                    log.info("removed %s: no longer among the inputs", name)
                    if progress:
                        progress(name, "removed")
    return summary


def _record(writer: RawWriter, item: InputFile, extraction: Extraction, summary: IngestSummary,
            version: str) -> None:
    size = item.path.stat().st_size if item.path.exists() else None
    report = extraction.report
    if report is None:
        writer.write(FileRow(item.source_file, str(item.path), item.sha256, size, None, "failed",
                             extraction.error, extraction.error_code, parser_version=version))
        summary.failed.append((item.source_file, extraction.error or ""))
        return
    writer.write(FileRow(item.source_file, str(item.path), report.sha256, report.size_bytes or size,
                         report.page_count, "loaded", None, None, "; ".join(report.warnings) or None, None,
                         report.report_id, version),
                 report_rows(report, item.source_file, report.producer))
    summary.loaded.append(item.source_file)
