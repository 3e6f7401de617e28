"""The `juesuan` command: a thin shell over ingest.run, ingest.transform and ingest.checks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .run import IngestSummary, collect_inputs, ingest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DEFAULT_INPUT = PROJECT_ROOT / "data" / "samples"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

# Exit status: a bit for each kind of trouble, so a scheduler can tell them apart (2 is a usage error).
EXIT_FILES_FAILED = 1
EXIT_CHECKS_FAILED = 4
EXIT_DBT_FAILED = 8

console = Console(stderr=True)


def warehouse_option(function):
    return click.option("--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
                        default=DEFAULT_WAREHOUSE, show_default=True,
                        help="DuckDB file of the warehouse.")(function)


def jobs_option(function):
    return click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                        help="Files read in parallel (default: the number of cores).")(function)


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="juesuan")
def cli():
    """juesuan: department final accounts (部门决算) PDFs into a DuckDB warehouse.

    Camelot reads the nine standard tables (公开01表 … 公开09表) of each PDF into the raw schema; dbt turns
    them into classification facts (schema marts); Great Expectations checks that they add up.

    Example:

        juesuan build data/samples/
    """


def _run_ingest(inputs: tuple[Path, ...], warehouse: Path, jobs: int | None, prune: bool,
                force: bool) -> IngestSummary:
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
            bar.update(task, advance=1, description=f"{status}: {name}")

        summary = ingest(paths, warehouse, jobs=jobs, prune=prune, force=force, progress=step)
    console.print(f"files: {len(summary.loaded)} loaded, {len(summary.duplicate)} duplicate, "
                  f"{len(summary.unchanged)} unchanged, {len(summary.failed)} failed"
                  + (f", {len(summary.removed)} removed" if summary.removed else ""))
    for name, message in summary.failed:
        console.print(f"  [red]failed[/red] {name}: {message}", markup=True, highlight=False)
    return summary


@cli.command("ingest", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
def ingest_command(inputs, warehouse, jobs, force):
    """Read PDFs (files or folders of *.pdf) into the raw schema only.

    Unchanged files (same sha256, same parser version) are skipped; a file that cannot be read is recorded
    with its error in raw.files and the others go on. Exit status 1 when any file failed.

    Example:

        juesuan ingest --warehouse /tmp/w.duckdb data/samples/jiaozuo-2024.pdf
    """
    summary = _run_ingest(inputs, warehouse, jobs, prune=False, force=force)
    sys.exit(EXIT_FILES_FAILED if summary.failed else 0)


@cli.command("build", context_settings=CONTEXT_SETTINGS)
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@warehouse_option
@jobs_option
@click.option("--force", is_flag=True, help="Read every file again, even when it is unchanged.")
@click.option("--docs/--no-docs", default=False, help="Also write the Great Expectations Data Docs.")
def build_command(inputs, warehouse, jobs, force, docs):
    """The whole job: ingest the PDFs, run `dbt build`, then the reconciliation checks.

    With no INPUTS it builds data/warehouse.duckdb from data/samples/. Files no longer among the inputs are
    removed from the warehouse.

    Exit status is the sum of: 1 some files failed to read, 4 a reconciliation check failed,
    8 dbt build failed (2 is a usage error). 0 means everything loaded and added up.

    Example:

        juesuan build --warehouse data/warehouse.duckdb data/samples/
    """
    from .checks import DEFAULT_DOCS_DIR, ChecksError, run_checks
    from .transform import run_dbt

    status = 0
    summary = _run_ingest(inputs, warehouse, jobs, prune=True, force=force)
    if summary.failed:
        status |= EXIT_FILES_FAILED
    outcome = run_dbt(warehouse)
    console.print(outcome.summary(), highlight=False)
    if not outcome.success:
        status |= EXIT_DBT_FAILED
        sys.exit(status)
    try:
        checks = run_checks(warehouse, docs_dir=DEFAULT_DOCS_DIR if docs else None)
    except ChecksError as exc:
        console.print(f"[red]the reconciliation checks could not run[/red]: {exc}", highlight=False)
        sys.exit(status | EXIT_CHECKS_FAILED)
    console.print(checks.format(), highlight=False)
    if checks.checks_failed:
        status |= EXIT_CHECKS_FAILED
    sys.exit(status)


def main() -> None:  # python -m ingest
    cli(prog_name="juesuan")


if __name__ == "__main__":
    main()

from .export import export_command, query_command  # noqa: E402
cli.add_command(export_command, "export")
cli.add_command(query_command, "query")
