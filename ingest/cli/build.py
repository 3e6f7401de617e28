"""`juesuan build` and `juesuan ingest`: one run over a set of PDFs, with progress and a summary.

The summary goes to standard output, one fact per line and never wrapped, so a log greps; the progress
display goes to standard error and only on a terminal.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..build.executors import OCR_PAGE_SECONDS, Limits
from ..contract import DEFAULT_MAX_PAGES, DEFAULT_OCR_MODE, EXIT_CRASHED, EXIT_LOCKED, EXIT_USAGE, OCR_MODES
from ..paths import DEFAULT_DOCS_DIR
from .app import CONTEXT_SETTINGS, cli, console, executor_options, jobs_option, warehouse_option
from .render import format_checks, format_dbt

#: How many of the warnings of the files read in a run the summary shows (all are in raw.files.warnings).
SHOWN_WARNINGS = 5
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a process stopped by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM

out = Console(soft_wrap=True, highlight=False)  # the summary: stdout, lines as long as they are


class _Terminated(BaseException):
    """SIGTERM: unwind like Ctrl-C (workers stopped, the copy discarded), then exit 143."""


def limit_options(function):
    function = click.option("--ocr", "ocr", type=click.Choice(list(OCR_MODES)), default=DEFAULT_OCR_MODE,
                            show_default=True,
                            help="Which pages to read by OCR: auto, those without a text layer (scans); off, "
                                 "none (a scan fails as scanned); force, every page.")(function)
    function = click.option("--ocr-timeout", "ocr_page_seconds", type=click.FloatRange(min=1),
                            default=OCR_PAGE_SECONDS, show_default=True,
                            help="Seconds more one file may take for each page it reads by OCR.")(function)
    function = click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES,
                            show_default=True,
                            help="Reject a file with more pages than this before reading it.")(function)
    # the defaults are Limits' own, so that the command and the library bound a file alike
    function = click.option("--timeout", "seconds", type=click.FloatRange(min=1), default=Limits.seconds,
                            show_default=True, help="Seconds one file may take to read.")(function)
    return click.option("--max-memory", "memory_mib", type=click.IntRange(min=256), default=Limits.memory_mib,
                        show_default=True, help="MiB of memory reading one file may take.")(function)


class _Display:
    """On a terminal: the stage, how far it has got, and its running time."""

    def __init__(self, total_files: int):
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=console, disable=not console.is_terminal,
                                 transient=True)
        self.task = self.progress.add_task("reading PDFs", total=total_files)

    def __enter__(self):
        self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        self.progress.__exit__(*exc)

    def file(self, name: str, status: str) -> None:
        if status != "removed":
            self.progress.update(self.task, advance=1, description=f"reading PDFs ({status}: {name})")

    def ocr(self, name: str, done: int, total: int) -> None:
        self.progress.update(self.task, description=f"reading PDFs (OCR page {done + (done < total)} of {total}: {name})")

    def stage(self, name: str) -> None:
        titles = {"dbt": "dbt build", "checks": "reconciliation checks", "publish": "publishing"}
        if name in titles:
            self.progress.update(self.task, visible=False)
            self.task = self.progress.add_task(titles[name], total=None)

    def node(self, done: int, total: int | None) -> None:
        self.progress.update(self.task, completed=done, total=total)


def _run(command: str, inputs: tuple[Path, ...], warehouse: Path, jobs: int | None, force: bool,
         executor: str, scheduler: str | None, *, memory_mib: int, seconds: float, max_pages: int,
         ocr: str = DEFAULT_OCR_MODE, ocr_page_seconds: float = OCR_PAGE_SECONDS,
         docs_dir: Path | None = None, allow_removal: bool = False):
    from ..build.executors import ExecutorError, Limits
    from ..build.ingest import RemovalRefused
    from ..build.inputs import NoInputs, collect_inputs
    from ..build.pipeline import Interrupted, build_warehouse
    from ..warehouse.publish import BuildLocked

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask.")
    if not inputs:
        raise click.UsageError("give the PDFs to read: files, or folders that hold them "
                               f"(e.g. juesuan {command} data/samples/).")
    try:
        total = len(collect_inputs(inputs))
    except FileNotFoundError as exc:
        raise click.UsageError(f"{exc}. Give PDF files or folders that hold them.")
    except NoInputs as exc:
        _stop(f"{exc}; {warehouse} is unchanged", EXIT_USAGE)

    stopping: list[int] = []

    def on_signal(number, frame):
        stopping.append(number)
        raise KeyboardInterrupt if number == signal.SIGINT else _Terminated()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        with _Display(total) as display:
            result = build_warehouse(
                list(inputs), warehouse, command=command, jobs=jobs, force=force, docs_dir=docs_dir,
                executor=executor, scheduler=scheduler, allow_removal=allow_removal,
                limits=Limits(memory_mib=memory_mib, seconds=seconds, ocr_page_seconds=ocr_page_seconds),
                max_pages=max_pages, ocr=ocr, progress=display.file, on_ocr=display.ocr,
                on_stage=display.stage, on_node=display.node,
                should_stop=lambda: bool(stopping))
    except (KeyboardInterrupt, _Terminated, Interrupted):
        how = "terminated (SIGTERM)" if signal.SIGTERM in stopping else "stopped (Ctrl-C)"
        _stop(f"the {command} was {how}: nothing was published, {warehouse} is unchanged",
              EXIT_TERMINATED if signal.SIGTERM in stopping else EXIT_INTERRUPTED)
    except BuildLocked as exc:
        _stop(f"not started: {exc}", EXIT_LOCKED)
    except (RemovalRefused, NoInputs) as exc:
        _stop(f"not published: {exc}", EXIT_USAGE)
    except ExecutorError as exc:
        _stop(f"nothing published: {exc}", EXIT_CRASHED)
    except OSError as exc:
        _stop(f"cannot write {warehouse} or beside it ({exc.strerror or exc}: {exc.filename or warehouse}); "
              "nothing was changed", EXIT_USAGE)
    except Exception as exc:  # a bug: say so in the exit status, the published warehouse is untouched
        console.print_exception()
        _stop(f"the {command} stopped ({type(exc).__name__}: {exc}); the published warehouse {warehouse} "
              "is unchanged", EXIT_CRASHED)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    result.elapsed = time.monotonic() - started
    _report_files(result)
    return result


def _stop(message: str, status: int):
    out.print(message)
    sys.exit(status)


def _report_files(result) -> None:
    summary = result.summary
    if result.discarded_stale:
        out.print("discarded the unfinished copy of a build that was stopped")
    counts = [f"{len(summary.loaded)} loaded", f"{len(summary.duplicate)} duplicate",
              f"{len(summary.unchanged)} unchanged", f"{len(summary.failed)} failed"]
    counts += [f"{len(v)} {k}" for k, v in (("moved", summary.moved), ("removed", summary.removed),
                                              ("quarantined", result.quarantined)) if v]
    out.print("files: " + ", ".join(counts))
    for old, new in summary.moved:
        out.print(f"  moved {old} -> {new}: the same bytes under a new path (not read again)")
    for name in summary.removed:
        out.print(f"  removed {name}: no longer among the inputs")
    for name, message in summary.failed:
        out.print(f"  FAILED (new) {name}: {message}")
    for name, message in result.known_failed:
        out.print(f"  failed (known, unchanged since an earlier run) {name}: {message}")
    for name, message in result.quarantined:
        out.print(f"  QUARANTINED {name}: {message}")
    if summary.warnings:
        out.print(f"warnings: {len(summary.warnings)} in the files read"
                  + (f" (the first {SHOWN_WARNINGS}; all in raw.files.warnings)" if len(summary.warnings) > SHOWN_WARNINGS else ""))
        for name, warning in summary.warnings[:SHOWN_WARNINGS]:
            out.print(f"  {name}: {warning}")


def _report_build(result) -> None:
    if result.skip_reason:
        out.print(f"dbt build and checks skipped: {result.skip_reason}"
                  + (f" ({result.checks_failed} checks failed then)" if result.checks_failed else ""))
    if result.quarantined_first is not None:
        out.print("dbt build found reports that break the warehouse's contract; they are quarantined "
                  "and the build ran again without them")
    if result.dbt_outcome is not None:
        out.print(format_dbt(result.dbt_outcome))
    if result.checks_error:
        out.print(f"the reconciliation checks could not run: {result.checks_error}")
    if result.checks is not None:
        out.print(format_checks(result.checks))


def _report_publication(result, warehouse: Path) -> None:
    if result.published:
        out.print(f"published {warehouse} (run {result.run_id}, {result.elapsed:.1f} s"
                  + (f"; the replaced one is kept as {result.previous.name})" if result.previous else ")"))
    else:
        out.print(f"not published: {warehouse} is unchanged; this build is kept as "
                  f"{result.kept_as} (juesuan status --warehouse {result.kept_as})")
    out.print(f"exit status {result.exit_status}" + (f" ({_bits(result.exit_status)})" if result.exit_status else ""))


def _bits(status: int) -> str:
    from ..contract import EXIT_BITS

    return "; ".join(meaning for bit, meaning in EXIT_BITS.items() if status & bit)


@cli.command("ingest", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@executor_options
@limit_options
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
def ingest_command(inputs, warehouse, jobs, executor, scheduler, memory_mib, seconds, max_pages, ocr,
                   ocr_page_seconds, force):
    """Read PDFs (files or folders of *.pdf) into the raw schema only.

    Unchanged files (same sha256, same extraction version) are skipped; a file that cannot be read is
    recorded with its error in raw.files and the others go on. Like build, it works on a copy and swaps it
    in, so readers are never blocked. Exit status 1 while the warehouse holds a file that failed (16:
    another build is running, 32: the run stopped on an unexpected error, 2: a usage error or no PDF among
    the inputs, 130/143: stopped by Ctrl-C / SIGTERM, nothing published).

    Example:

        juesuan ingest --warehouse /tmp/w.duckdb data/samples/jiaozuo-2024.pdf
    """
    result = _run("ingest", inputs, warehouse, jobs, force, executor, scheduler, memory_mib=memory_mib,
                  seconds=seconds, max_pages=max_pages, ocr=ocr, ocr_page_seconds=ocr_page_seconds)
    _report_publication(result, warehouse)
    sys.exit(result.exit_status)


@cli.command("build", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@executor_options
@limit_options
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
@click.option("--allow-removal", is_flag=True,
              help="Publish even when more than half of the warehouse's reports are no longer among the inputs.")
@click.option("--docs/--no-docs", default=False, help="Also write the Great Expectations Data Docs.")
def build_command(inputs, warehouse, jobs, executor, scheduler, memory_mib, seconds, max_pages, ocr,
                  ocr_page_seconds, force, allow_removal, docs):
    """The whole job: ingest the PDFs, run `dbt build`, then the reconciliation checks.

    INPUTS are PDF files or folders (searched for *.pdf, sub-folders included). Files no longer among the
    inputs are removed from the warehouse, but a build that would remove more than half of its reports
    refuses (--allow-removal publishes anyway); the same bytes under a new path are a move, not read
    again. The build runs on a copy (WAREHOUSE.building) that is renamed onto WAREHOUSE when done; the
    replaced one is kept as WAREHOUSE.previous. When neither the files nor the code changed since the last
    build, dbt and the checks are skipped. Each run is logged in raw.runs (see `juesuan status`).

    Exit status is the sum of: 1 the warehouse holds a file that failed or a quarantined report, 4 one of
    its reconciliation checks fails, 8 dbt build failed (the build is not published; it is kept as
    WAREHOUSE.failed), 16 another build of this warehouse is running (nothing done), 32 an unexpected
    error stopped the build (nothing published). 2: a usage error, no PDF among the inputs, or a refused
    removal (nothing changed); 130/143: stopped by Ctrl-C / SIGTERM (nothing published); 0: everything
    loaded and added up.

    Example:

        juesuan build --warehouse data/warehouse.duckdb data/samples/
    """
    result = _run("build", inputs, warehouse, jobs, force, executor, scheduler, memory_mib=memory_mib,
                  seconds=seconds, max_pages=max_pages, ocr=ocr, ocr_page_seconds=ocr_page_seconds,
                  docs_dir=DEFAULT_DOCS_DIR if docs else None,
                  allow_removal=allow_removal)
    _report_build(result)
    _report_publication(result, warehouse)
    sys.exit(result.exit_status)
