"""`juesuan build` and `juesuan ingest`: one run over a set of PDFs, with progress and a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..contract import EXIT_CRASHED, EXIT_LOCKED
from ..paths import DEFAULT_DOCS_DIR, SAMPLES_DIR
from .app import CONTEXT_SETTINGS, cli, console, executor_options, jobs_option, warehouse_option
from .render import format_checks, format_dbt


def _run(command: str, inputs: tuple[Path, ...], warehouse: Path, jobs: int | None, force: bool,
         executor: str, scheduler: str | None, docs_dir: Path | None = None) :
    from ..build.executors import ExecutorError
    from ..build.inputs import collect_inputs
    from ..build.pipeline import build_warehouse
    from ..warehouse.publish import BuildLocked

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask.")
    paths = list(inputs) or [SAMPLES_DIR]
    try:
        total = len(collect_inputs(paths))
    except FileNotFoundError as exc:
        raise click.UsageError(f"{exc}. Give PDF files or folders that hold them.")
    show = console.is_terminal
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, disable=not show, transient=True) as bar:
        task = bar.add_task("reading PDFs", total=total)

        def step(name: str, status: str) -> None:
            if status != "removed":
                bar.update(task, advance=1, description=f"{status}: {name}")

        def stage(name: str) -> None:
            if name in ("dbt", "checks"):
                bar.update(task, description=f"{name} …")

        try:
            result = build_warehouse(paths, warehouse, command=command, jobs=jobs, force=force, docs_dir=docs_dir,
                         executor=executor, scheduler=scheduler, progress=step, on_stage=stage)
        except BuildLocked as exc:
            console.print(f"[red]not started[/red]: {exc}", highlight=False)
            sys.exit(EXIT_LOCKED)
        except ExecutorError as exc:
            console.print(f"[red]nothing published[/red]: {exc}", highlight=False)
            sys.exit(EXIT_CRASHED)
        except Exception as exc:  # a bug: say so in the exit status, the published warehouse is untouched
            console.print_exception()
            console.print(f"[red]the {command} stopped ({type(exc).__name__}); the published warehouse "
                          f"{warehouse} is unchanged[/red]", highlight=False)
            sys.exit(EXIT_CRASHED)
    summary = result.summary
    if result.discarded_stale:
        console.print("discarded the unfinished copy of a build that was stopped", highlight=False)
    console.print(f"files: {len(summary.loaded)} loaded, {len(summary.duplicate)} duplicate, "
                  f"{len(summary.unchanged)} unchanged, {len(summary.failed)} failed"
                  + (f", {len(summary.removed)} removed" if summary.removed else ""), highlight=False)
    for name in summary.removed:
        console.print(f"  removed {name}: no longer among the inputs", highlight=False)
    for name, message in summary.failed:
        console.print(f"  [red]failed[/red] {name}: {message}", markup=True, highlight=False)
    return result


def _report_build(result: RunResult) -> None:
    if result.skip_reason:
        console.print(f"dbt build and checks skipped: {result.skip_reason}"
                      + (f" ({result.checks_failed} checks failed then)" if result.checks_failed else ""),
                      highlight=False)
    if result.dbt_outcome is not None:
        console.print(format_dbt(result.dbt_outcome), highlight=False)
    if result.checks_error:
        console.print(f"[red]the reconciliation checks could not run[/red]: {result.checks_error}",
                      highlight=False)
    if result.checks is not None:
        console.print(format_checks(result.checks), highlight=False)


def _report_publication(result: RunResult, warehouse: Path) -> None:
    if result.published:
        console.print(f"published {warehouse} (run {result.run_id}"
                      + (f"; the replaced one is kept as {result.previous.name})" if result.previous else ")"),
                      highlight=False)
    else:
        console.print(f"[red]not published[/red]: {warehouse} is unchanged; this build is kept as "
                      f"{result.kept_as} (juesuan status --warehouse {result.kept_as})", highlight=False)


@cli.command("ingest", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@executor_options
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
def ingest_command(inputs, warehouse, jobs, executor, scheduler, force):
    """Read PDFs (files or folders of *.pdf) into the raw schema only.

    Unchanged files (same sha256, same parser version) are skipped; a file that cannot be read is recorded
    with its error in raw.files and the others go on. Like build, it works on a copy and swaps it in, so
    readers are never blocked. Exit status 1 when any file failed (16: another build is running,
    32: the run stopped on an unexpected error).

    Example:

        juesuan ingest --warehouse /tmp/w.duckdb data/samples/jiaozuo-2024.pdf
    """
    result = _run("ingest", inputs, warehouse, jobs, force, executor, scheduler)
    _report_publication(result, warehouse)
    sys.exit(result.exit_status)


@cli.command("build", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@executor_options
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
@click.option("--docs/--no-docs", default=False, help="Also write the Great Expectations Data Docs.")
def build_command(inputs, warehouse, jobs, executor, scheduler, force, docs):
    """The whole job: ingest the PDFs, run `dbt build`, then the reconciliation checks.

    With no INPUTS it builds data/warehouse.duckdb from data/samples/. Files no longer among the inputs are
    removed from the warehouse. The build runs on a copy (WAREHOUSE.building) that is renamed onto
    WAREHOUSE when done; the replaced one is kept as WAREHOUSE.previous. When neither the files nor the
    code changed since the last build, dbt and the checks are skipped. Each run is logged in raw.runs
    (see `juesuan status`).

    Exit status is the sum of: 1 some files failed to read, 4 a reconciliation check failed,
    8 dbt build failed (the build is not published; it is kept as WAREHOUSE.failed), 16 another build of
    this warehouse is running (nothing done), 32 an unexpected error stopped the build (nothing published).
    2 is a usage error; 0 means everything loaded and added up.

    Example:

        juesuan build --warehouse data/warehouse.duckdb data/samples/
    """
    result = _run("build", inputs, warehouse, jobs, force, executor, scheduler,
                  docs_dir=DEFAULT_DOCS_DIR if docs else None)
    _report_build(result)
    _report_publication(result, warehouse)
    sys.exit(result.exit_status)
