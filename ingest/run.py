"""Ingest a set of PDFs into the raw schema: decide what to read, read it (in parallel), write it.

Reading a file (`extract_file`) is a pure function of the file, run in worker processes; the warehouse is
written by this process only. A file that fails is recorded with its error and never stops the others.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IngestError
from .load import FileRecord, RawWriter
from .read_report import PARSER_VERSION, Report, read_report


@dataclass
class InputFile:
    source_file: str  # name as recorded: relative to the folder given, or the file name
    path: Path


@dataclass
class IngestSummary:
    loaded: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, message)
    removed: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def extracted(self) -> int:
        return len(self.new) + len(self.changed)


def collect_inputs(paths: Iterable[Path | str]) -> list[InputFile]:
    """Files named directly, and every *.pdf below each folder named (recorded relative to that folder)."""
    inputs: dict[str, InputFile] = {}
    for given in paths:
        given = Path(given)
        if given.is_dir():
            for path in sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"):
                name = path.relative_to(given).as_posix()
                inputs[name] = InputFile(name, path.resolve())
        elif given.exists():
            inputs[given.name] = InputFile(given.name, given.resolve())
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
    return list(inputs.values())


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


@dataclass
class Extraction:
    """What a worker sends back for one file."""

    source_file: str
    report: Report | None
    error: str | None = None
    error_code: str | None = None


def extract_file(item: InputFile) -> Extraction:
    """Read one PDF; never raises (a failure comes back as an error message with its code)."""
    try:
        return Extraction(item.source_file, read_report(item.path))
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
           progress: Callable[[str, str], None] | None = None) -> IngestSummary:
    """Ingest files into raw.*; with `prune`, forget files that are no longer among the inputs."""
    inputs = collect_inputs(paths)
    summary = IngestSummary()
    jobs = max(1, jobs or os.cpu_count() or 1)
    with RawWriter(warehouse) as writer:
        todo: list[tuple[InputFile, str | None]] = []
        seen_sha: dict[str, str] = {}
        for item in inputs:
            sha = file_sha256(item.path)
            previous = writer.file_record(item.source_file)
            unchanged = (previous is not None and sha is not None and previous[0] == sha
                         and previous[2] == PARSER_VERSION and previous[1] in ("loaded", "duplicate", "failed"))
            if unchanged and not force:
                summary.unchanged.append(item.source_file)
                if previous[1] == "loaded":
                    seen_sha[sha] = item.source_file
                if progress:
                    progress(item.source_file, "unchanged")
                continue
            (summary.changed if previous is not None else summary.new).append(item.source_file)
            todo.append((item, sha))

        # The same bytes under another name are recorded once, as a duplicate of the first.
        to_read: list[InputFile] = []
        duplicates: list[tuple[InputFile, str, str]] = []
        for item, sha in todo:
            first = seen_sha.get(sha) if sha else None
            if first is None and sha:
                known = writer.loaded_file_with_sha(sha)
                first = known[0] if known and known[0] != item.source_file else None
            if first is not None:
                duplicates.append((item, sha, first))
            else:
                if sha:
                    seen_sha[sha] = item.source_file
                to_read.append(item)

        for extraction in _map(extract_file, to_read, jobs):
            item = next(i for i in to_read if i.source_file == extraction.source_file)
            _record(writer, item, extraction, summary)
            if progress:
                progress(item.source_file, "loaded" if extraction.report else "failed")
        for item, sha, first in duplicates:
            first_record = writer.file_record(first)
            writer.write(FileRecord(item.source_file, str(item.path), sha, item.path.stat().st_size,
                                    None, "duplicate", f"same content as {first}", None, first,
                                    first_record[3] if first_record else None, PARSER_VERSION))
            summary.duplicate.append(item.source_file)
            if progress:
                progress(item.source_file, "duplicate")

        if prune:
            names = {i.source_file for i in inputs}
            for (name,) in writer.con.execute("select source_file from raw.files").fetchall():
                if name not in names:
                    writer.remove_file(name)
                    summary.removed.append(name)
    return summary


def _map(function, items: list, jobs: int):
    if jobs <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, len(items))) as pool:
        yield from pool.map(function, items)


def _record(writer: RawWriter, item: InputFile, extraction: Extraction, summary: IngestSummary) -> None:
    size = item.path.stat().st_size if item.path.exists() else None
    report = extraction.report
    if report is None:
        writer.write(FileRecord(item.source_file, str(item.path), file_sha256(item.path), size, None, "failed",
                                extraction.error, extraction.error_code, parser_version=PARSER_VERSION))
        summary.failed.append((item.source_file, extraction.error or ""))
        return
    writer.write(FileRecord(item.source_file, str(item.path), report.sha256, report.size_bytes or size,
                            report.page_count, "loaded", None, None, None, report.report_id, PARSER_VERSION,
                            producer=report.producer, warnings="; ".join(report.warnings) or None), report)
    summary.loaded.append(item.source_file)
