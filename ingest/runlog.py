"""The run log (raw.runs): what each `juesuan build` / `juesuan ingest` did, and what a run may skip.

Rows are written by load.RawWriter.record_run into the copy being built, so a published warehouse holds
the log of the runs that made it. A build may skip `dbt build` and the checks when the previous published
build ran them on the same raw data (`raw_fingerprint`) with the same transformation code
(`build_fingerprint`: the dbt project, the expectations, the modules that run them, the parser version).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .read_report import PARSER_VERSION

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_BUILD_INPUTS = (
    ("dbt_project", ("models", "seeds", "macros", "tests", "dbt_project.yml", "profiles.yml")),
    ("expectations", ("suites", "checkpoint.json")),
    ("ingest", ("transform.py", "checks.py")),
)


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_run_id(started: datetime) -> str:
    return f"{started:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def build_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash of everything that turns raw.* into marts.* and quality.* (not the PDFs' extraction)."""
    digest = hashlib.sha256(PARSER_VERSION.encode())
    for folder, names in _BUILD_INPUTS:
        for name in names:
            base = root / folder / name
            files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
            for path in files:
                if not path.is_file() or "__pycache__" in path.parts:
                    continue
                digest.update(path.relative_to(root).as_posix().encode() + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def code_version() -> str:
    return f"juesuan {__version__}; parser {PARSER_VERSION}; build {build_fingerprint()}"


RAW_TABLES = ("raw.files", "raw.reports", "raw.report_tables", "raw.table_columns", "raw.cells")


def raw_fingerprint(con) -> str:
    """Hash of what raw.* holds: per table, its row count and an order-independent hash of its rows
    (rows are unique by their primary keys, so no two cancel out)."""
    digest = hashlib.sha256()
    for table in RAW_TABLES:
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


def format_runs(runs: list[dict]) -> str:
    """Plain text, one line per run: a cron mail and a terminal read it the same way."""
    header = (f"{'run':<22} {'command':<7} {'started (UTC)':<19} {'secs':>6} {'new':>4} {'chg':>4} {'same':>5} "
              f"{'rm':>4} {'fail':>4} {'dbt':<8} {'checks':<8} {'chk!':>4} {'exit':>4}  published")
    lines = [header]
    for r in runs:
        secs = (r["ended_at"] - r["started_at"]).total_seconds() if r.get("ended_at") else None
        lines.append(
            f"{r['run_id']:<22} {r['command']:<7} {r['started_at']:%Y-%m-%d %H:%M:%S} "
            f"{'' if secs is None else f'{secs:.1f}':>6} {_n(r['files_new']):>4} {_n(r['files_changed']):>4} "
            f"{_n(r['files_unchanged']):>5} {_n(r['files_removed']):>4} {_n(r['files_failed']):>4} "
            f"{r['dbt_status'] or '-':<8} {r['checks_status'] or '-':<8} {_n(r['checks_failed']):>4} "
            f"{_n(r['exit_status']):>4}  {'yes' if r['published'] else 'no'}")
        if r.get("removed_files"):
            lines.append(f"    removed: {r['removed_files']}")
        if r.get("failed_files"):
            lines.append(f"    failed: {r['failed_files']}")
    return "\n".join(lines)


def _n(value) -> str:
    return "-" if value is None else str(value)
