"""The `juesuan` command group and the options its commands share."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..paths import DEFAULT_WAREHOUSE

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
EXECUTORS = ("local", "dask")  # build.executors.EXECUTORS, without importing the build layer for --help

console = Console(stderr=True)


def warehouse_option(function=None, *, help: str = "DuckDB file of the warehouse."):
    def decorate(f):
        return click.option("--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
                            default=DEFAULT_WAREHOUSE, show_default=True, help=help)(f)
    return decorate(function) if function is not None else decorate


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


def main() -> None:  # python -m ingest
    cli(prog_name="juesuan")
