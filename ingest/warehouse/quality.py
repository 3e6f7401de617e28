"""quality.*: read the comparisons dbt built, write the verdicts of the checks (quality.check_results)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from . import schema

#: The columns of quality.check_comparisons the checks read, in this order, then the SQL verdict.
COMPARISON_COLUMNS = (
    "report_id", "suite", "check_name", "severity", "table_no", "subject",
    "expected", "observed", "difference", "tolerance", "abs_difference", "evaluated",
)


class ComparisonsMissing(Exception):
    """The warehouse has no quality.check_comparisons (dbt build has not run, or failed)."""


def read_comparisons(path: Path | str) -> list[tuple]:
    """The rows of quality.check_comparisons of a warehouse, read through a read-only connection."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return _comparisons(con)
    finally:
        con.close()


def _comparisons(con) -> list[tuple]:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'quality' and table_name = 'check_comparisons'").fetchone()[0]
    if not exists:
        raise ComparisonsMissing("quality.check_comparisons is not in the warehouse: run `dbt build` "
                                 "(juesuan build does) before the checks")
    return con.execute(
        f"select {', '.join(COMPARISON_COLUMNS)}, abs_difference <= tolerance as passed_sql "
        "from quality.check_comparisons order by report_id, suite, check_name, subject").fetchall()


class QualityStore(schema.WriteConnection):
    """A write connection to a warehouse being built, for the checks' input and output."""

    def comparisons(self) -> list[tuple]:
        """Rows of quality.check_comparisons (COMPARISON_COLUMNS, then abs_difference <= tolerance)."""
        return _comparisons(self.con)

    def write_results(self, verdicts: dict[tuple[str, str, str], bool], checked_at: datetime) -> int:
        """Replace quality.check_results: each comparison with its verdict, keyed (report, check, subject);
        None for a check that could not run. Returns the number of rows written."""
        import pandas as pd

        frame = pd.DataFrame([(*key, passed) for key, passed in verdicts.items()],
                             columns=["report_id", "check_name", "subject", "passed"])
        names = schema.columns(schema.CheckResultRow)
        self.con.register("gx_verdicts", frame)
        try:
            self.con.execute("begin transaction")
            existing = [c for (c,) in self.con.execute(
                "select column_name from duckdb_columns() where schema_name = 'quality' "
                "and table_name = 'check_results' order by column_index").fetchall()]
            if existing != names:
                # a warehouse built before the table gained columns: it is replaced whole anyway
                self.con.execute("drop table quality.check_results")
                self.con.execute(schema.create_table("quality.check_results"))
            else:
                self.con.execute("delete from quality.check_results")
            self.con.execute(
                f"""
                insert into quality.check_results ({', '.join(names)})
                select c.report_id, c.family, c.suite, c.check_name, c.severity, c.table_no, c.subject,
                       c.expected, c.observed, c.difference, c.tolerance,
                       cast(v.passed as boolean), c.page, c.message, c.printed_value, c.expected_value,
                       cast(? as timestamp)
                from quality.check_comparisons as c
                inner join gx_verdicts as v
                    on v.report_id = c.report_id and v.check_name = c.check_name and v.subject = c.subject
                order by c.report_id, c.table_no, c.check_name, c.subject
                """, [checked_at])
            for statement in schema.comments("quality.check_results"):
                self.con.execute(statement)
            written = self.con.execute("select count(*) from quality.check_results").fetchone()[0]
            if written != len(verdicts):
                self.con.execute("rollback")
                return written
            self.con.execute("commit")
            return written
        finally:
            self.con.unregister("gx_verdicts")

    def failures(self, severity: str) -> list[tuple]:
        """(report_id, check_name, subject, expected, observed, page, message, family) of the failed checks
        of one severity."""
        return self.con.execute(
            "select report_id, check_name, subject, expected, observed, page, message, family "
            "from quality.check_results where severity = ? and not passed "
            "order by report_id, table_no, check_name, subject", [severity]).fetchall()

    def not_run_count(self) -> int:
        """Checks recorded as not run (passed NULL) in quality.check_results."""
        return self.con.execute("select count(*) from quality.check_results where passed is null").fetchone()[0]

    # -- quarantine ------------------------------------------------------------------------------------
    def failing_rows(self, relation: str, limit: int = 20) -> tuple[list[str], list[tuple], int]:
        """(columns, the first rows, how many) of a failed dbt test's stored failures."""
        cursor = self.con.execute(f"select * from {relation} limit {int(limit)}")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        count = self.con.execute(f"select count(*) from {relation}").fetchone()[0]
        return columns, rows, count

    def replace_quarantine(self, rows: list[schema.QuarantineRow]) -> None:
        self.con.execute("begin transaction")
        self.con.execute("delete from raw.quarantine")
        if rows:
            self.con.executemany(schema.insert_sql("raw.quarantine"), [schema.values(r) for r in rows])
        self.con.execute("commit")

    def quarantined(self) -> list[tuple[str, str, str]]:
        """(report_id, source file, message) of every quarantined report."""
        return self.con.execute(
            "select q.report_id, coalesce(r.source_file, q.report_id), q.message from raw.quarantine q "
            "left join raw.reports r using (report_id) order by 2, q.test_name").fetchall()

    def failed_files(self) -> list[tuple[str, str]]:
        """(source_file, error) of every file the warehouse holds as failed."""
        return self.con.execute("select source_file, coalesce(error, '') from raw.files where status = 'failed' "
                                "order by source_file").fetchall()

    def failed_check_count(self) -> int:
        """Failed error-level checks in quality.check_results."""
        return self.con.execute("select count(*) from quality.check_results where severity = 'error' "
                                "and not passed").fetchone()[0]

    def drop_schema(self, name: str) -> None:
        self.con.execute(f"drop schema if exists {name} cascade")

    def report_labels(self) -> dict[str, str]:
        """report_id → source file, for messages (empty before dbt has built marts.dim_report)."""
        columns = {c for (c,) in self.con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'marts' and table_name = 'dim_report'").fetchall()}
        if "source_file" not in columns:
            return {}
        return dict(self.con.execute(
            "select report_id, coalesce(source_file, report_id) from marts.dim_report").fetchall())
