"""`juesuan query` and `juesuan export`: quick looks in SQL, and the marts for other tools (read-only)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

from ..contract import EXIT_USAGE
from .app import CONTEXT_SETTINGS, cli, warehouse_option
from .render import format_csv, format_table

FORMATS = ("parquet", "csv")  # warehouse.access.FORMATS, without importing it for --help


def _fail(message: str, status: int = 1):
    click.echo(message, err=True)
    sys.exit(status)


@cli.command("export", context_settings=CONTEXT_SETTINGS)
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True,
              help="File format: Parquet keeps the DECIMAL types; CSV has a header row.")
@click.option("--bom/--no-bom", default=True, show_default=True,
              help="Start CSV files with a UTF-8 byte-order mark, so that Excel on a Chinese Windows reads "
                   "the Chinese labels right.")
@warehouse_option(help="DuckDB file of the warehouse (opened read-only).")
def export_command(out_dir, fmt, bom, warehouse):
    """Write every table and view of schema marts to DIR, one file each (DIR/<table>.parquet or .csv).

    Files of the same name are overwritten; DIR is created when missing. CSV files are UTF-8 with a
    byte-order mark (Excel opens them with the Chinese labels intact); amounts are printed exactly, without
    thousands separators. Exit status 2 when there is no warehouse or DIR cannot be written.

    Example:

        juesuan export --format csv --warehouse data/warehouse.duckdb /tmp/marts
    """
    from ..warehouse.access import CannotWrite, WarehouseError, WarehouseMissing, export_marts

    try:
        written = export_marts(warehouse, out_dir, fmt, bom=bom)
    except (WarehouseMissing, CannotWrite) as exc:
        _fail(str(exc), EXIT_USAGE)
    except WarehouseError as exc:
        _fail(str(exc))
    for path in written:
        click.echo(str(path))


@cli.command("query", context_settings=CONTEXT_SETTINGS)
@click.argument("sql")
@warehouse_option(help="DuckDB file of the warehouse (opened read-only).")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (header row, empty for NULL) instead of a table.")
def query_command(sql, warehouse, as_csv):
    """Run SQL on the warehouse (read-only) and print the result of each statement.

    The analyst tables are in schema marts (dim_report, fct_functional, cmp_department_year …); the
    checks in schema quality. On a terminal, tables are fitted to its width (long text cut with …) and
    amounts printed with thousands separators; piped or with --csv, amounts are printed exactly as stored.
    Exit status 2 when the SQL is empty or there is no warehouse, 1 when a statement fails.

    Example:

        juesuan query "select region, department_type, personnel_share from marts.cmp_department_year order by personnel_share desc"
    """
    import duckdb

    from ..warehouse.access import WarehouseError, WarehouseMissing, run_query

    if not sql.strip().strip(";").strip():
        _fail("no SQL given: pass one or more statements, e.g. juesuan query \"select * from marts.dim_report\"",
              EXIT_USAGE)
    try:
        results = run_query(warehouse, sql)
    except WarehouseMissing as exc:
        _fail(str(exc), EXIT_USAGE)
    except WarehouseError as exc:
        _fail(str(exc))
    except duckdb.Error as exc:
        _fail(f"{exc}\nThe tables are in schemas marts, quality and reference; list them with: "
              "juesuan query \"select table_schema, table_name from information_schema.tables\"")
    terminal = sys.stdout.isatty()
    width = shutil.get_terminal_size().columns if terminal else None
    shown = [r for r in results if r[1]]
    for number, (statement, columns, rows) in enumerate(shown, start=1):
        if len(shown) > 1:
            click.echo(("" if number == 1 else "\n") + f"-- {statement.strip()}")
        if as_csv:
            click.echo(format_csv(columns, rows), nl=False)
        else:
            click.echo(format_table(columns, rows, max_width=width, grouped=terminal))
