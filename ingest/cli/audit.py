"""`juesuan audit`: what the checks found in each report, as HTML pages or plain text (read-only)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..contract import EXIT_USAGE
from .app import CONTEXT_SETTINGS, cli, warehouse_option

FORMATS = ("text", "html")


@cli.command("audit", context_settings=CONTEXT_SETTINGS)
@warehouse_option(help="DuckDB file of the warehouse (opened read-only).")
@click.option("--html", "html_dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Write DIR/index.html and one page per report (self-contained: no network needed).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="text (the default without --html) prints to standard output, for a terminal or a mail; "
                   "html needs --html DIR.")
@click.option("--report", "reports", multiple=True, metavar="REPORT",
              help="Only this report: its report_id, file name or department (repeatable).")
def audit_command(warehouse, html_dir, fmt, reports):
    """What the checks last run found in each report: errors, warnings and the checks that could not run
    (a table they need is missing), each with its page, what was printed and what was expected.

    Reads marts.report_audit and quality.findings through a read-only connection, so it runs beside a
    build or a notebook. With --html DIR it writes DIR/index.html (every report, sortable by errors) and
    DIR/<report_id>.html (its findings grouped by table and section); the pages load nothing from the
    network. Exit status 0 when written (whatever the findings), 2 when there is no warehouse, it holds no
    audit, or DIR cannot be written.

    Example:

        juesuan audit --warehouse data/warehouse.duckdb --html /tmp/audit
    """
    from ..warehouse.access import WarehouseError, WarehouseMissing
    from ..warehouse.audit import AuditMissing, load_audit
    from .audit_pages import format_text, write_site

    fmt = fmt or ("html" if html_dir is not None else "text")
    if fmt == "html" and html_dir is None:
        click.echo("--format html writes pages: give the folder with --html DIR", err=True)
        sys.exit(EXIT_USAGE)
    try:
        audits = load_audit(warehouse, list(reports) or None)
    except (WarehouseMissing, AuditMissing) as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    except WarehouseError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if reports and not audits:
        click.echo(f"no report matches {', '.join(reports)}: give a report_id, file name or department "
                   "(juesuan query \"select report_id, source_file, department from marts.dim_report\")", err=True)
        sys.exit(EXIT_USAGE)
    if fmt == "text":
        click.echo(format_text(audits), nl=False)
        return
    try:
        written = write_site(audits, html_dir)
    except OSError as exc:
        click.echo(f"cannot write the audit pages to {html_dir}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    errors = sum(a.errors for a in audits)
    click.echo(f"{written[0]}: {len(audits)} report{'s' if len(audits) != 1 else ''}, {errors} error"
               f"{'s' if errors != 1 else ''}, {len(written) - 1} report page{'s' if len(written) != 2 else ''}")
