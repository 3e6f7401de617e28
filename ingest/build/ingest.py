"""Ingest a set of PDFs into the raw schema: decide what to read, read it (in parallel), write it.

A file is known by its path (`build.inputs`), a report by its bytes:

* a file whose bytes and extraction version are unchanged is not read again;
* the same bytes under a new path, the old path gone, is a **move**: the file's row and its report's
  ``source_file`` follow it, nothing is read again, and the run lists the move;
* a second copy of the same bytes beside the first is a ``duplicate`` of it (read once); when the first
  goes, the copy takes its place (a move too);
* a file gone from the inputs is removed with its report. A build that would remove more than half of the
  reports the warehouse holds refuses (:class:`RemovalRefused`) unless the operator allows it.

Reading a file (`extract_file`) is a pure function of the file, run in worker processes with a memory
ceiling and a time limit (`build.executors`); the warehouse is written by this process only, once the
files are read (their rows wait in a temporary file meanwhile). A file that fails is recorded with its
error and never stops the others.
"""

from __future__ import annotations

import functools
import logging
import pickle
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..contract import DEFAULT_MAX_PAGES, DEFAULT_OCR_MODE
from ..read.version import extraction_version
from ..warehouse.raw import KnownFile, RawWriter, known_files
from ..warehouse.schema import FileRow
from . import executors
from .executors import Limits, Notice
from .inputs import InputFile, collect_inputs, file_sha256
from .record import report_rows

if TYPE_CHECKING:
    from ..warehouse.raw import ReportRows

#: A build may remove at most this share of the reports the warehouse holds without --allow-removal.
MAX_REMOVED_SHARE = 0.5


class RemovalRefused(Exception):
    """The build would remove more than half of the warehouse's reports (an unmounted share, a wrong path)."""

    def __init__(self, removed: list[str], held: int):
        self.removed = removed
        self.held = held
        listed = ", ".join(removed[:10]) + (f" … and {len(removed) - 10} more" if len(removed) > 10 else "")
        super().__init__(f"this build would remove {len(removed)} of the {held} reports in the warehouse "
                         f"(their files are no longer among the inputs: {listed}); nothing was changed. "
                         "If that is what you want, run it again with --allow-removal.")


@dataclass
class IngestSummary:
    loaded: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)  # (old name, new name)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (file, what was noticed), files read now
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    pages: int = 0  # pages of the files extracted in this run

    @property
    def extracted(self) -> int:
        return len(self.new) + len(self.changed)


@dataclass
class Loaded:
    """A report read, as the warehouse stores it: the worker turns the Report into rows, so that the
    process that writes the warehouse never loads the PDF reader (nor its libraries) to receive it."""

    report_id: str
    sha256: str
    size_bytes: int | None
    page_count: int
    warnings: list[str]
    rows: ReportRows


@dataclass
class Extraction:
    """What a worker sends back for one file."""

    source_file: str
    report: Loaded | None
    error: str | None = None
    error_code: str | None = None
    page_count: int | None = None  # of a file that opened but could not be read


log = logging.getLogger(__name__)

# pdfium (under camelot and the reader) is not thread-safe: a Dask worker with several threads reads one
# file at a time. Processes (the local workers, single-threaded Dask workers) never wait on it.
_PDFIUM_LOCK = threading.Lock()


def extract_file(item: InputFile, *, max_pages: int | None = DEFAULT_MAX_PAGES, ocr: str = DEFAULT_OCR_MODE,
                 ocr_threads: int | None = None) -> Extraction:
    """Read one PDF; never raises (a failure comes back as an error message with its code).

    A pure function of the file: it runs in worker processes (local workers or Dask workers) and writes
    nothing; the caller writes what it returns. ``ocr``: which pages are read by OCR (``contract.OCR_MODES``),
    with ``ocr_threads`` recognition threads; how far OCR has got is sent to the supervisor
    (`executors.notify`), which allows the file more time for it.
    """
    from ..read.errors import IngestError
    from ..read.report import read_report

    def on_ocr(done: int, total: int, page: int) -> None:
        executors.notify(Notice(done, total))

    try:
        with _PDFIUM_LOCK:
            report = read_report(item.path, sha256=item.sha256, max_pages=max_pages, ocr=ocr,
                                 ocr_threads=ocr_threads, on_ocr=on_ocr)
        return Extraction(item.source_file, Loaded(report.report_id, report.sha256, report.size_bytes,
                                                   report.page_count, report.warnings,
                                                   report_rows(report, item.source_file, report.producer)))
    except IngestError as exc:
        return Extraction(item.source_file, None, str(exc), exc.code, exc.page_count)
    except MemoryError:
        return _over_limit(item, "too_large", "reading it needed more memory than the worker may take")
    except Exception as exc:  # a bug or a PDF that breaks a library: record it, go on with the others
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Extraction(item.source_file, None,
                          f"{item.source_file}: could not parse the tables ({type(exc).__name__}: {exc} at "
                          f"{Path(where.filename).name}:{where.lineno}); please report this file",
                          "parse_error")


def _over_limit(item: InputFile, kind: str, detail: str) -> Extraction:
    """The result of a file whose reading was stopped (see `build.executors`)."""
    if kind == "crashed":
        return Extraction(item.source_file, None, f"{item.source_file}: {detail} while reading it; the other "
                          "files went on. Please report this file.", "parse_error")
    advice = ("raise the limit (--timeout) if it is a real report" if kind == "timeout"
              else "raise the limit (--max-memory) if it is a real report")
    return Extraction(item.source_file, None, f"{item.source_file}: {detail}; it was stopped and not read "
                      f"({advice})", kind)


@dataclass
class _Plan:
    """What a run does with each input and each known file, decided before anything is written."""

    unchanged: list[InputFile] = field(default_factory=list)
    to_read: list[InputFile] = field(default_factory=list)
    duplicates: list[tuple[InputFile, str]] = field(default_factory=list)  # (copy, name of the first)
    moves: list[tuple[str, InputFile]] = field(default_factory=list)  # (old name, file now)
    removals: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def _plan(inputs: list[InputFile], known: dict[str, KnownFile], version: str, *, force: bool,
          prune: bool) -> _Plan:
    plan = _Plan()
    names = {item.source_file for item in inputs}
    # files the warehouse knows that are gone, by their bytes: moved, or removed. A build's inputs are the
    # whole collection, so a file not among them is gone; `ingest` may be given a few files, so for it a
    # file is gone only when it is no longer on disk.
    gone: dict[str, list[str]] = {}
    for name, row in known.items():
        if name not in names and row.sha256 and (prune or not (row.source_path and Path(row.source_path).exists())):
            gone.setdefault(row.sha256, []).append(name)
    for candidates in gone.values():  # the loaded file first: it holds the report
        candidates.sort(key=lambda n: (known[n].status != "loaded", n))
    rows: dict[str, KnownFile] = {n: r for n, r in known.items() if n in names}
    for item in inputs:
        row = known.get(item.source_file)
        candidates = gone.get(item.sha256) or []
        if row is None and candidates:
            old = candidates[0]  # a new path with the bytes of a file that is gone: moved
        elif row is not None and row.status == "duplicate" and row.duplicate_of in candidates:
            old = row.duplicate_of  # the first copy is gone: this one takes its place
        else:
            continue
        candidates.remove(old)
        plan.moves.append((old, item))
        rows[item.source_file] = known[old]
    moved = {old for old, _ in plan.moves}
    gone_for_good = {n: r for n, r in known.items() if n not in names and n not in moved}
    # a build removes them; `ingest` (no pruning) leaves them alone, and they still hold their reports
    plan.removals = sorted(gone_for_good) if prune else []
    kept = {} if prune else gone_for_good

    # which file holds each report's bytes once the moves are made
    holder: dict[str, str] = {}
    for name, row in list(rows.items()) + list(kept.items()):
        if row.status == "loaded" and row.sha256:
            holder.setdefault(row.sha256, name)

    for item in inputs:
        row = rows.get(item.source_file)
        unchanged = (row is not None and item.sha256 is not None and row.sha256 == item.sha256
                     and row.parser_version == version and row.status in ("loaded", "duplicate", "failed")
                     and (row.status != "duplicate" or row.sha256 in holder))
        if unchanged and not force:
            plan.unchanged.append(item)
            continue
        (plan.changed if row is not None else plan.new).append(item.source_file)
        first = holder.get(item.sha256) if item.sha256 else None
        if first is not None and first != item.source_file:
            plan.duplicates.append((item, first))
        else:
            if item.sha256:
                holder[item.sha256] = item.source_file
            plan.to_read.append(item)
    return plan


def ingest(paths: Iterable[Path | str], warehouse: Path | str, *, jobs: int | None = None,
           prune: bool = False, force: bool = False, allow_removal: bool = False,
           progress: Callable[[str, str], None] | None = None,
           executor: str = "local", scheduler: str | None = None, client=None,
           limits: Limits = Limits(), max_pages: int | None = DEFAULT_MAX_PAGES, ocr: str = DEFAULT_OCR_MODE,
           on_ocr: Callable[[str, int, int], None] | None = None) -> IngestSummary:
    """Ingest files into raw.*; with `prune`, forget files that are no longer among the inputs.

    Files are read by `extract_file` on the chosen executor (see `build.executors`): ``local`` runs
    `jobs` supervised worker processes (default: the cores), ``dask`` sends them to the Dask scheduler at
    ``scheduler`` (or to ``client``). Either way this process is the only writer. Raises NoInputs when the
    paths hold no PDF, and RemovalRefused (before writing anything) when pruning would remove more than
    half of the reports and ``allow_removal`` is not set. ``ocr`` is the ``--ocr`` mode;
    ``on_ocr(source_file, done, total)`` is called as the local workers read pages by OCR.
    """
    inputs = collect_inputs(paths)
    version = extraction_version(ocr)
    for item in inputs:
        item.sha256 = file_sha256(item.path)
    summary = IngestSummary()
    known = known_files(warehouse)
    plan = _plan(inputs, known, version, force=force, prune=prune)
    held = sum(1 for row in known.values() if row.status == "loaded")
    removed_reports = [n for n in plan.removals if known[n].status == "loaded"]
    if held and len(removed_reports) > MAX_REMOVED_SHARE * held and not allow_removal:
        raise RemovalRefused(removed_reports, held)
    for item in plan.unchanged:
        summary.unchanged.append(item.source_file)
        if progress:
            progress(item.source_file, "unchanged")
    summary.new, summary.changed = plan.new, plan.changed

    # The files are read with the warehouse closed and their rows spooled to a temporary file, then written
    # in one go: the workers' memory and DuckDB's are never needed at the same time. (A run writes to a
    # working copy that is published only once it is whole, so writing at the end loses nothing.)
    with tempfile.TemporaryFile(prefix="juesuan-read-", dir=Path(warehouse).parent) as spool:
        by_name = {item.source_file: item for item in plan.to_read}
        read = functools.partial(extract_file, max_pages=max_pages, ocr=ocr,
                                 ocr_threads=_ocr_threads(executor, jobs, len(plan.to_read)))
        notice = (lambda item, n: on_ocr(item.source_file, n.ocr_done, n.ocr_total)) if on_ocr else None
        for extraction in executors.map_unordered(read, plan.to_read, executor=executor, jobs=jobs,
                                                  scheduler=scheduler, client=client, limits=limits,
                                                  on_limit=_over_limit, on_notice=notice):
            pickle.dump(extraction, spool, protocol=pickle.HIGHEST_PROTOCOL)
            if extraction.report is not None:
                summary.pages += extraction.report.page_count or 0
            if progress:
                progress(extraction.source_file, "loaded" if extraction.report else "failed")
        spool.seek(0)

        with RawWriter(warehouse) as writer:
            for old, item in plan.moves:
                writer.move_file(old, item.source_file, str(item.path))
                summary.moved.append((old, item.source_file))
                log.info("moved %s -> %s", old, item.source_file)
            for extraction in _spooled(spool):
                _record(writer, by_name[extraction.source_file], extraction, summary, version)
            for item, first in plan.duplicates:
                first_record = writer.file_record(first)
                writer.write(FileRow(item.source_file, str(item.path), item.sha256, item.path.stat().st_size,
                                     None, "duplicate", f"same content as {first}", duplicate_of=first,
                                     report_id=first_record[3] if first_record else None,
                                     parser_version=version))
                summary.duplicate.append(item.source_file)
                if progress:
                    progress(item.source_file, "duplicate")
            for name in plan.removals:
                writer.remove_file(name)
                summary.removed.append(name)
                log.info("removed %s: no longer among the inputs", name)
                if progress:
                    progress(name, "removed")
    return summary


def _spooled(spool) -> Iterator[Extraction]:
    """The extractions pickled to `spool`, one at a time."""
    while True:
        try:
            yield pickle.load(spool)
        except EOFError:
            return


def _ocr_threads(executor: str, jobs: int | None, files: int) -> int:
    """Recognition threads per worker: the cores of this machine shared among the files read at once (one
    file read alone on 2 cores gets both). Dask workers run one thread each."""
    if executor != "local" or not files:
        return 1
    workers = min(max(1, jobs or executors.default_jobs()), files)
    return max(1, executors.default_jobs() // workers)


def _record(writer: RawWriter, item: InputFile, extraction: Extraction, summary: IngestSummary,
            version: str) -> None:
    size = item.path.stat().st_size if item.path.exists() else None
    report = extraction.report
    if report is None:
        writer.write(FileRow(item.source_file, str(item.path), item.sha256, size, extraction.page_count,
                             "failed", extraction.error, extraction.error_code, parser_version=version))
        summary.failed.append((item.source_file, extraction.error or ""))
        return
    writer.write(FileRow(item.source_file, str(item.path), report.sha256, report.size_bytes or size,
                         report.page_count, "loaded", warnings="; ".join(report.warnings) or None,
                         report_id=report.report_id, parser_version=version),
                 report.rows)
    summary.loaded.append(item.source_file)
    summary.warnings += [(item.source_file, warning) for warning in report.warnings]
