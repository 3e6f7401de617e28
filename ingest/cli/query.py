"""`juesuan query` and `juesuan export`: quick looks in SQL, and the marts for other tools (read-only)."""

from __future__ import annotations

from pathlib import Path

import click

from .app import CONTEXT_SETTINGS, cli, warehouse_option
from .render import format_csv, format_table

FORMATS = ("parquet", "csv")  # warehouse.access.FORMATS


@cli.command("export", context_settings=CONTEXT_SETTINGS)
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True,
              help="File format: Parquet keeps the DECIMAL types; CSV has a header row.")
@warehouse_option(help="DuckDB file of the warehouse (opened read-only).")
def export_command(out_dir, fmt, warehouse):
    """Write every table and view of schema marts to DIR, one file each (DIR/<table>.parquet or .csv).

    Files of the same name are overwritten; DIR is created when missing.

    Example:

        juesuan export --format csv --warehouse data/warehouse.duckdb /tmp/marts
    """
    from ..warehouse.access import WarehouseError, export_marts

    try:
        written = export_marts(warehouse, out_dir, fmt)
    except WarehouseError as exc:
        raise click.ClickException(str(exc))
    for path in written:
        click.echo(str(path))


@cli.command("query", context_settings=CONTEXT_SETTINGS)
@click.argument("sql")
@warehouse_option(help="DuckDB file of the warehouse (opened read-only).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (header row, empty for NULL) instead of a table.")
def query_command(sql, warehouse, as_csv):
    """Run one SQL statement on the warehouse (read-only) and print the result.

    The analyst tables are in schema marts (dim_report, fct_functional, cmp_department_year …); the
    checks in schema quality. Amounts print exactly as stored.

    Example:

        juesuan query "select region, department_type, personnel_share from marts.cmp_department_year order by personnel_share desc"
    """
    import duckdb

    from ..warehouse.access import WarehouseError, run_query

    try:
        columns, rows = run_query(warehouse, sql)
    except WarehouseError as exc:
        raise click.ClickException(str(exc))
    except duckdb.Error as exc:
        raise click.ClickException(
            f"{exc}\nThe tables are in schemas marts, quality and reference; list them with: "
            "juesuan query \"select table_schema, table_name from information_schema.tables\""
        )
    if not columns:
        return
    click.echo(format_csv(columns, rows) if as_csv else format_table(columns, rows), nl=not as_csv)
