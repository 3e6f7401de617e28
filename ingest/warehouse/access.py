"""Read-only access to a published warehouse: `juesuan query`, `juesuan export`, `juesuan status`.

Every connection here is read-only, so it runs beside a notebook or another reader (and beside a build,
which never writes the published file). `export_marts` writes every table and view of schema `marts` with
DuckDB's own COPY (Parquet keeps the DECIMAL types; CSV prints amounts exactly, e.g. `16421400.00`).
`run_query` returns the columns and rows of one SQL statement.
"""

from __future__ import annotations

from pathlib import Path

FORMATS = ("parquet", "csv")


class WarehouseError(Exception):
    """The warehouse cannot be opened or holds no marts; the message says what to do."""


class WarehouseMissing(WarehouseError):
    """There is no warehouse at the path given."""


class CannotWrite(WarehouseError):
    """The export folder (or a file in it) cannot be written."""


def connect_read_only(warehouse: Path):
    import duckdb

    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise WarehouseMissing(
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


def export_marts(warehouse: Path, out_dir: Path, fmt: str = "parquet", *, bom: bool = True) -> list[Path]:
    """Write every table and view of schema marts to `out_dir/<name>.<fmt>`; returns the files written.

    CSV files start with a UTF-8 byte-order mark unless ``bom`` is False: Excel on a Chinese Windows reads a
    CSV without one in the local code page (GBK) and garbles every Chinese label."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    con = connect_read_only(warehouse)
    try:
        names = marts_relations(con)
        if not names:
            raise WarehouseError(
                f"{warehouse} has no schema marts: run `juesuan build --warehouse {warehouse}` first"
            )
        import duckdb

        out_dir = Path(out_dir)
        options = "format parquet" if fmt == "parquet" else "format csv, header true"
        written = []
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            for name in names:
                target = (out_dir / f"{name}.{fmt}").resolve()
                quoted = str(target).replace("'", "''")
                con.execute(f'copy (select * from marts."{name}") to \'{quoted}\' ({options})')
                if fmt == "csv" and bom:
                    target.write_bytes(b"\xef\xbb\xbf" + target.read_bytes())
                written.append(target)
        except (OSError, duckdb.IOException, duckdb.PermissionException) as exc:
            raise CannotWrite(f"cannot write the export to {out_dir}: {getattr(exc, 'strerror', None) or exc}") from exc
        return written
    finally:
        con.close()


def run_query(warehouse: Path, sql: str) -> list[tuple[str, list[str], list[tuple]]]:
    """Each statement of `sql` with its column names and rows (no columns for a statement without a result
    set), on a read-only connection; duckdb.Error propagates."""
    con = connect_read_only(warehouse)
    try:
        results = []
        for statement in con.extract_statements(sql):
            cursor = con.cursor()
            cursor.execute(statement)
            if cursor.description is None:
                results.append((statement.query, [], []))
            else:
                results.append((statement.query, [d[0] for d in cursor.description], cursor.fetchall()))
        return results
    finally:
        con.close()
