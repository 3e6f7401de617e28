"""The run log (raw.runs): what each `juesuan build` / `juesuan ingest` did, and what a run may skip.

Rows are written by `RawWriter.record_run` into the copy being built, so a published warehouse holds the
log of the runs that made it. A build may skip `dbt build` and the checks when the previous published
build ran them on the same raw data (`raw_fingerprint`) with the same code (`build.versions`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .schema import EXTRACTED_TABLES


def new_run_id(started: datetime) -> str:
    return f"{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def raw_fingerprint(con) -> str:
    """Hash of what raw.* holds: per table, its row count and an order-independent hash of its rows
    (rows are unique by their primary keys, so no two cancel out)."""
    digest = hashlib.sha256()
    for table in EXTRACTED_TABLES:
        row = con.execute(f"select count(*), coalesce(bit_xor(hash(t)), 0) from {table} t").fetchone()
        digest.update(f"{table}:{row[0]}:{row[1]};".encode())
    return digest.hexdigest()[:16]


@dataclass
class PreviousBuild:
    run_id: str
    raw_fingerprint: str
    code_version: str
    checks_status: str
    checks_failed: int


def last_complete_build(con) -> PreviousBuild | None:
    """The latest published build whose dbt build and checks ran (or were rightly skipped) to the end."""
    if not _has_table(con, "raw", "runs"):
        return None
    row = con.execute(
        "select run_id, raw_fingerprint, code_version, checks_status, coalesce(checks_failed, 0) from raw.runs "
        "where command = 'build' and published and dbt_status in ('ok', 'skipped') "
        "and checks_status in ('ok', 'failed', 'skipped') order by started_at desc limit 1").fetchone()
    if row is None:
        return None
    return PreviousBuild(*row)


def build_state(warehouse: Path):
    """(raw_fingerprint, last_complete_build, marts_built) of a warehouse, read through one read-only
    connection: what decides whether a build has anything to do."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return raw_fingerprint(con), last_complete_build(con), marts_built(con)
    finally:
        con.close()


def marts_built(con) -> bool:
    return _has_table(con, "marts", "dim_report") and _has_table(con, "quality", "check_results")


def _has_table(con, schema: str, table: str) -> bool:
    return con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                       [schema, table]).fetchone()[0] > 0


def last_runs(warehouse: Path, n: int = 10) -> list[dict]:
    """The last `n` runs recorded in the warehouse, newest first (read-only: never blocks a build)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        if not _has_table(con, "raw", "runs"):
            return []
        cursor = con.execute("select * from raw.runs order by started_at desc limit ?", [n])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()
