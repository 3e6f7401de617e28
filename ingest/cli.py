"""The `juesuan` command: a thin shell over ingest.pipeline (ingest.run, ingest.transform, ingest.checks)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .executors import EXECUTORS, ExecutorError
from .pipeline import (EXIT_CHECKS_FAILED, EXIT_CRASHED, EXIT_DBT_FAILED, EXIT_FILES_FAILED, EXIT_LOCKED,
                       RunResult)
from .publish import BuildLocked
from .run import collect_inputs

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_INPUT = PROJECT_ROOT / "data" / "samples"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

__all__ = ["cli", "EXIT_FILES_FAILED", "EXIT_CHECKS_FAILED", "EXIT_DBT_FAILED", "EXIT_LOCKED", "EXIT_CRASHED"]

console = Console(stderr=True)


def warehouse_option(function):
    return click.option("--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
                        default=DEFAULT_WAREHOUSE, show_default=True,
                        help="DuckDB file of the warehouse.")(function)


def jobs_option(function):
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Files read in parallel (default: the number of cores).")(function)


def executor_options(function):
    function = click.option("--scheduler", metavar="ADDRESS", default=None,
                            help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask; "
                                 "without it a local Dask cluster of --jobs workers is started).")(function)
    return click.option("--executor", type=click.Choice(EXECUTORS), default="local", show_default=True,
                        help="Where PDFs are read: local processes, or a Dask distributed cluster.")(function)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="juesuan")
def cli():
    """juesuan: department final accounts (部门决算) PDFs into a DuckDB warehouse.

    Camelot reads the nine standard tables (公开01表 … 公开09表) of each PDF into the raw schema; dbt turns
    them into classification facts (schema marts); Great Expectations checks that they add up.

    Example:

        juesuan build data/samples/
    """


def _run(command: str, inputs: tuple[Path, ...], warehouse: Path, jobs: int | None, force: bool,
         executor: str, scheduler: str | None, docs_dir: Path | None = None) -> RunResult:
    from .pipeline import run

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask.")
    paths = list(inputs) or [DEFAULT_INPUT]
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
            result = run(paths, warehouse, command=command, jobs=jobs, force=force, docs_dir=docs_dir,
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
        console.print(result.dbt_outcome.summary(), highlight=False)
    if result.checks_error:
        console.print(f"[red]the reconciliation checks could not run[/red]: {result.checks_error}",
                      highlight=False)
    if result.checks is not None:
        console.print(result.checks.format(), highlight=False)


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
    from .checks import DEFAULT_DOCS_DIR

    result = _run("build", inputs, warehouse, jobs, force, executor, scheduler,
                  docs_dir=DEFAULT_DOCS_DIR if docs else None)
    _report_build(result)
    _report_publication(result, warehouse)
    sys.exit(result.exit_status)


@cli.command("status", context_settings=CONTEXT_SETTINGS)
@warehouse_option
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many runs to show, newest first.")
def status_command(warehouse, count):
    """The last runs of build and ingest on a warehouse (from raw.runs): when, how long, files new /
    changed / unchanged / removed / failed, dbt and checks (ok, failed, skipped), exit status.

    Reads with a read-only connection, so it works while a build runs. A build whose dbt step failed is
    not published; it is shown from WAREHOUSE.failed when that is newer than WAREHOUSE.

    Example:

        juesuan status --warehouse data/warehouse.duckdb -n 5
    """
    from .publish import sibling
    from .runlog import format_runs, last_runs

    if not warehouse.exists():
        raise click.UsageError(f"{warehouse}: no such warehouse. Build one with `juesuan build`.")
    click.echo(format_runs(last_runs(warehouse, count)))
    failed = sibling(warehouse, ".failed")
    if failed.exists() and failed.stat().st_mtime > warehouse.stat().st_mtime:
        click.echo(f"\nnewer, not published (dbt build failed): {failed}")
        click.echo(format_runs(last_runs(failed, 1)))


def main() -> None:  # python -m ingest
    cli(prog_name="juesuan")


if __name__ == "__main__":
    main()

from .export import export_command, query_command  # noqa: E402
cli.add_command(export_command, "export")
cli.add_command(query_command, "query")
