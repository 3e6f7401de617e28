"""Quarantine: a report whose rows break the warehouse's contract is set aside; the others are published.

dbt's data tests state the contract of the marts (a report names its department, every amount column has
a measure, every summary line a label …). A failing test keeps its rows (``store_failures``, schema
``audit``). When every failed test's rows name the reports they belong to, those reports are quarantined
(raw.quarantine, with the test and the offending rows in words), the staging models leave them out, and
`dbt build` runs once more without them. A failure that names no report (a model that does not compile, a
seed's test, a test whose rows carry no report_id) is the code's fault: the build fails as before and is
not published.
"""

from __future__ import annotations

from ..warehouse.quality import QualityStore
from ..warehouse.raw import utcnow
from ..warehouse.schema import QuarantineRow
from .dbt import DbtFailure, DbtOutcome

AUDIT_SCHEMA = "audit"
#: Columns that say where a row is, shown first when a row is put in words.
_WHERE = ("table_no", "page", "row_no", "col_no", "header_zh", "item_zh", "name_printed", "func_code",
          "econ_code", "measure")
_MAX_SHOWN = 3


def quarantine_for(outcome: DbtOutcome, store: QualityStore) -> list[QuarantineRow] | None:
    """The reports to set aside for the failed tests of `outcome`, or None when some failure is not a
    report's (then nothing is quarantined)."""
    if outcome.error or not outcome.failures:
        return None
    rows: list[QuarantineRow] = []
    now = utcnow()
    for failure in outcome.failures:
        if failure.resource_type != "test" or not failure.relation:
            return None
        columns, sample, count = store.failing_rows(failure.relation, limit=1000)
        if "report_id" not in columns:
            return None
        by_report: dict[str, list[dict]] = {}
        for values in sample:
            row = dict(zip(columns, values))
            if row["report_id"] is None:
                return None
            by_report.setdefault(row["report_id"], []).append(row)
        for report_id, report_rows in by_report.items():
            rows.append(QuarantineRow(report_id, failure.name, len(report_rows),
                                      _in_words(failure, report_rows), now))
    return rows or None


def _in_words(failure: DbtFailure, rows: list[dict]) -> str:
    where = f"{failure.model}.{failure.column}" if failure.model and failure.column else failure.model or ""
    value = rows[0].get(failure.column) if failure.column else None
    what = {
        "not_null": f"{where} is empty",
        "unique": f"{where} is not unique",
        "accepted_values": f"{where} = {value!r} is not one of its accepted values",
        "relationships": f"{where} = {value!r} has no match",
    }.get(failure.test or "", f"the test {failure.name} fails")
    shown = "; ".join(_row_in_words(r) for r in rows[:_MAX_SHOWN])
    more = f" (and {len(rows) - _MAX_SHOWN} more)" if len(rows) > _MAX_SHOWN else ""
    return f"{what} in {len(rows)} row{'s' if len(rows) != 1 else ''} (dbt test {failure.name}): {shown}{more}"


def _row_in_words(row: dict) -> str:
    keys = [k for k in _WHERE if row.get(k) is not None]
    keys += [k for k, v in row.items() if k not in keys and k != "report_id" and v is not None]
    return ", ".join(f"{k} {row[k]}" for k in keys[:6]) or "a row with no other value"
