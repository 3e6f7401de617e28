"""`juesuan status`: the last runs of a warehouse, from its run log."""

from __future__ import annotations

import sys

import click

from ..contract import EXIT_USAGE
from .app import CONTEXT_SETTINGS, cli, warehouse_option
from .render import format_runs


@cli.command("status", context_settings=CONTEXT_SETTINGS)
@warehouse_option
@click.option("-n", "count", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many runs to show, newest first.")
def status_command(warehouse, count):
    """The last runs of build and ingest on a warehouse (from raw.runs): when, how long, files new /
    changed / unchanged / moved / removed / failed, dbt and checks (ok, failed, skipped), exit status; and
    whether a build of it is running now. Exit status 2 when there is no warehouse.

    Reads with a read-only connection, so it works while a build runs. A build whose dbt step failed is
    not published; it is shown from WAREHOUSE.failed when that is newer than WAREHOUSE.

    Example:

        juesuan status --warehouse data/warehouse.duckdb -n 5
    """
    from ..warehouse.publish import build_running, sibling
    from ..warehouse.runlog import last_runs

    running = build_running(warehouse)
    if not warehouse.exists():
        click.echo(f"no warehouse at {warehouse}: build one first, e.g. "
                   f"`juesuan build --warehouse {warehouse} data/samples/`"
                   + (f" (a build of it is running now: {running})" if running else ""), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"a build of {warehouse} is running now ({running})" if running
               else f"no build of {warehouse} is running")
    click.echo(format_runs(last_runs(warehouse, count)))
    failed = sibling(warehouse, ".failed")
    if failed.exists() and failed.stat().st_mtime > warehouse.stat().st_mtime:
        click.echo(f"\nnewer, not published (dbt build failed): {failed}")
        click.echo(format_runs(last_runs(failed, 1)))
