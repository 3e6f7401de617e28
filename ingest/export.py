"""`juesuan export` and `juesuan query`: the marts for other tools, and quick looks in SQL.

Both open the warehouse read-only, so they run beside a notebook or another reader (not while a build
writes). `export_marts` writes every table and view of schema `marts` with DuckDB's own COPY (Parquet
keeps the DECIMAL types; CSV prints amounts exactly, e.g. `16421400.00`). `run_query` returns the
columns and rows of one SQL statement; `format_table` lays them out for a terminal, Chinese characters
counted two columns wide.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click

# Not imported from .cli (which imports this module): the same default, data/warehouse.duckdb.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
FORMATS = ("parquet", "csv")


class WarehouseError(Exception):
    """The warehouse cannot be opened or holds no marts; the message says what to do."""


def connect_read_only(warehouse: Path):
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise WarehouseError(
            f"no warehouse at {warehouse}: build one first, e.g. "
            f"`juesuan build --warehouse {warehouse} data/samples/`"
        )
    try:
        return duckdb.connect(str(warehouse), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseError(
                f"{warehouse} is open for writing by another process (a running `juesuan build`, or a "
                f"notebook connected without read_only=True); try again when it has finished"
            ) from exc
        raise WarehouseError(f"cannot open {warehouse}: {exc}") from exc


def marts_relations(con) -> list[str]:
    """Tables and views of schema marts, by name."""
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def export_marts(warehouse: Path, out_dir: Path, fmt: str = "parquet") -> list[Path]:
    """Write every table and view of schema marts to `out_dir/<name>.<fmt>`; returns the files written."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    con = connect_read_only(warehouse)
    try:
        names = marts_relations(con)
        if not names:
            raise WarehouseError(
                f"{warehouse} has no schema marts: run `juesuan build --warehouse {warehouse}` first"
            )
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        options = "format parquet" if fmt == "parquet" else "format csv, header true"
        written = []
        for name in names:
            target = (out_dir / f"{name}.{fmt}").resolve()
            quoted = str(target).replace("'", "''")
            con.execute(f'copy (select * from marts."{name}") to \'{quoted}\' ({options})')
            written.append(target)
        return written
    finally:
        con.close()


def run_query(warehouse: Path, sql: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows of one SQL statement, on a read-only connection (duckdb.Error propagates)."""
    con = connect_read_only(warehouse)
    try:
        cursor = con.cursor()
        cursor.execute(sql)
        if cursor.description is None:  # a statement without a result set
            return [], []
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()
    finally:
        con.close()


def _text(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def format_table(columns: list[str], rows: list[tuple]) -> str:
    """An aligned text table: numbers right-aligned and exact (Decimal as printed), NULL for NULL."""
    cells = [[_text(v) for v in row] for row in rows]
    numeric = [
        all(row[i] is None or isinstance(row[i], (int, float, Decimal)) and not isinstance(row[i], bool)
            for row in rows)
        for i in range(len(columns))
    ]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    lines = [
        "  ".join(_pad(c, w, n) for c, w, n in zip(columns, widths, numeric)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    for row in cells:
        lines.append("  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_csv(columns: list[str], rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _text(v) for v in row])
    return out.getvalue()


# ------------------------------------------------------------------------------------------ commands

def _warehouse_option(function):
    return click.option("--warehouse", "-w", type=click.Path(dir_okay=False, path_type=Path),
                        default=DEFAULT_WAREHOUSE, show_default=True,
                        help="DuckDB file of the warehouse (opened read-only).")(function)


@click.command("export", context_settings=CONTEXT_SETTINGS)
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="parquet", show_default=True,
              help="File format: Parquet keeps the DECIMAL types; CSV has a header row.")
@_warehouse_option
def export_command(out_dir, fmt, warehouse):
    """Write every table and view of schema marts to DIR, one file each (DIR/<table>.parquet or .csv).

    Files of the same name are overwritten; DIR is created when missing.

    Example:

        juesuan export --format csv --warehouse data/warehouse.duckdb /tmp/marts
    """
    try:
        written = export_marts(warehouse, out_dir, fmt)
    except WarehouseError as exc:
        raise click.ClickException(str(exc))
    for path in written:
        click.echo(str(path))


@click.command("query", context_settings=CONTEXT_SETTINGS)
@click.argument("sql")
@_warehouse_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (header row, empty for NULL) instead of a table.")
def query_command(sql, warehouse, as_csv):
    """Run one SQL statement on the warehouse (read-only) and print the result.

    The analyst tables are in schema marts (dim_report, fct_functional, cmp_department_year …); the
    checks in schema quality. Amounts print exactly as stored.

    Example:

        juesuan query "select region, department_type, personnel_share from marts.cmp_department_year order by personnel_share desc"
    """
    import duckdb

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
