"""Reconciliation checks (issue 4): validate `quality.check_comparisons` with Great Expectations.

`juesuan build` calls :func:`run_checks` after `dbt build`. The comparisons themselves are dbt models
(`dbt_project/models/checks/`, schema `quality`): one row per report, check and subject with the printed
amount (observed), what the other cells imply (expected) and the rounding tolerance, all DECIMAL(18,2).
GX 1.x cannot validate DuckDB directly, so the rows are read into pandas, amounts kept as
``decimal.Decimal`` (never floats), and validated with built-in expectations, one suite per mart family
(`expectations/suites/*.json`, listed in `expectations/checkpoint.json`):

* ``ExpectColumnPairValuesAToBeGreaterThanB(tolerance >= abs_difference)`` once for error-level and once
  for warning-level rows, with result format COMPLETE naming each failing row by
  (report_id, check_name, subject);
* shape expectations (unique key, no NULLs, known check names) that must hold for the results to mean
  anything: if one fails, :class:`ChecksInvalid` is raised and nothing is written.

Then, in one transaction:

* ``quality.check_results`` is replaced: one row per evaluated subject, ``passed`` taken from GX's
  unexpected rows and cross-checked against ``abs_difference <= tolerance`` computed in DuckDB;
* ``marts.dim_report.status`` is set to ``'failed_checks'`` for every report with a failed error-level
  check. dim_report is a dbt table, so this is an UPDATE after `dbt build`; the next `dbt build`
  recreates it and the next `run_checks` sets the status again.

GX runs offline in an ephemeral context: ``GX_ANALYTICS_ENABLED=false``, analytics disabled in the
context config, in-memory stores. Data Docs are written only when ``docs_dir`` is given (the project's
folder is `expectations/data_docs/`, git-ignored).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"
DEFAULT_DOCS_DIR = EXPECTATIONS_DIR / "data_docs"

COLUMNS = (
    "report_id", "family", "check_name", "severity", "table_no", "subject",
    "expected", "observed", "difference", "tolerance", "abs_difference", "passed_sql",
)


class ChecksError(Exception):
    """Base class of the errors of :func:`run_checks`."""


class ChecksNotBuilt(ChecksError):
    """The warehouse has no quality.check_comparisons (dbt build has not run, or failed)."""


class ChecksInvalid(ChecksError):
    """The comparisons are malformed, or GX and DuckDB disagree: the results cannot be trusted."""


class CheckFailure(NamedTuple):
    """One failed comparison: observed (printed) differs from expected by more than the tolerance."""

    report_id: str
    check_name: str
    subject: str
    expected: Decimal
    observed: Decimal


@dataclass
class CheckSummary:
    """What :func:`run_checks` found. ``failures`` are the failed error-level checks only."""

    checks_run: int = 0
    checks_failed: int = 0
    failures: list[CheckFailure] = field(default_factory=list)
    warnings: list[CheckFailure] = field(default_factory=list)
    failed_reports: list[str] = field(default_factory=list)
    report_labels: dict[str, str] = field(default_factory=dict)
    docs_index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no error-level check failed (warnings do not count)."""
        return self.checks_failed == 0

    def format(self, *, max_lines: int = 50) -> str:
        """Short plain-text summary for the CLI: counts, then each failure by report, check and subject."""
        n_reports = len(self.failed_reports)
        head = (
            f"checks: {self.checks_run} run, {self.checks_failed} failed"
            + (f" in {n_reports} report{'s' if n_reports != 1 else ''}" if n_reports else "")
            + (f", {len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}" if self.warnings else "")
        )
        lines = [head]
        shown = [("FAIL", f) for f in self.failures] + [("warn", f) for f in self.warnings]
        for kind, f in shown[:max_lines]:
            label = self.report_labels.get(f.report_id, f.report_id)
            if f.check_name.endswith(("_known", "_matches")):
                detail = "not in the classification seed" if f.check_name.endswith("_known") else "name differs from the seed"
            else:
                detail = f"printed {f.observed}, expected {f.expected} (off by {f.observed - f.expected})"
            lines.append(f"  {kind} {label}  {f.check_name}  {f.subject}: {detail}")
        if len(shown) > max_lines:
            lines.append(f"  … {len(shown) - max_lines} more: query quality.check_results where not passed")
        if self.docs_index is not None:
            lines.append(f"  data docs: {self.docs_index}")
        return "\n".join(lines)


def load_config(expectations_dir: Path = EXPECTATIONS_DIR) -> dict:
    """expectations/checkpoint.json with each validation's suite JSON loaded under the key 'suite_json'."""
    config = json.loads((expectations_dir / "checkpoint.json").read_text(encoding="utf-8"))
    for v in config["validations"]:
        v["suite_json"] = json.loads((expectations_dir / v["suite"]).read_text(encoding="utf-8"))
    return config


def _read_comparisons(con) -> list[tuple]:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'quality' and table_name = 'check_comparisons'"
    ).fetchone()[0]
    if not exists:
        raise ChecksNotBuilt(
            "quality.check_comparisons is not in the warehouse: run `dbt build` "
            "(juesuan build does) before the checks"
        )
    return con.execute(
        f"""
        select {', '.join(COLUMNS[:-1])}, abs_difference <= tolerance as passed_sql
        from quality.check_comparisons
        order by report_id, family, check_name, subject
        """
    ).fetchall()


def _gx_context(docs_dir: Path | None, site_name: str):
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    sites = {}
    if docs_dir is not None:
        sites[site_name] = {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False,
        data_docs_sites=sites,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _key(row: dict) -> tuple[str, str, str]:
    return (row["report_id"], row["check_name"], row["subject"])


def validate(rows: list[tuple], *, docs_dir: Path | None = None,
             expectations_dir: Path = EXPECTATIONS_DIR) -> tuple[dict[tuple[str, str, str], bool], Path | None]:
    """Validate comparison rows (COLUMNS order) with the GX suites.

    Returns ``passed`` per (report_id, check_name, subject) as GX decided it, and the Data Docs index
    (when docs_dir is given). Raises ChecksInvalid when a shape expectation fails, when a row is not
    covered by exactly one comparison expectation, or when GX and the SQL comparison disagree.
    """
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # before the first import of great_expectations
    import great_expectations as gx
    import pandas as pd

    config = load_config(expectations_dir)
    context = _gx_context(docs_dir, config["data_docs_site"])
    datasource = context.data_sources.add_pandas("check_comparisons")
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for col in ("expected", "observed", "difference", "tolerance", "abs_difference"):
        frame[col] = frame[col].astype(object)  # Decimal objects, never floats

    families = {v["family"] for v in config["validations"]}
    unknown = sorted(set(frame["family"]) - families)
    if unknown:
        raise ChecksInvalid(f"check families without a suite in expectations/checkpoint.json: {unknown}")

    passed: dict[tuple[str, str, str], bool] = {}
    for v in config["validations"]:
        family, suite_json = v["family"], v["suite_json"]
        suite = gx.ExpectationSuite(
            name=suite_json["name"], expectations=suite_json["expectations"],
            meta=suite_json.get("meta"), notes=suite_json.get("notes"),
        )
        if len(suite.expectations) != len(suite_json["expectations"]):  # GX drops invalid ones with a log line
            raise ChecksInvalid(f"{v['suite']}: {len(suite_json['expectations']) - len(suite.expectations)} "
                                "expectation(s) are not valid GX 1.x configurations")
        suite = context.suites.add(suite)
        batch = datasource.add_dataframe_asset(family).add_batch_definition_whole_dataframe(family)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=family, data=batch, suite=suite)
        )
        part = frame[frame["family"] == family].reset_index(drop=True)
        result = definition.run(batch_parameters={"dataframe": part}, result_format=config["result_format"])

        covered = 0
        failed_keys: set[tuple[str, str, str]] = set()
        for r in result.results:
            cfg = r.expectation_config
            if r.exception_info and r.exception_info.get("raised_exception"):
                raise ChecksInvalid(f"{suite.name}: {cfg.type} raised {r.exception_info.get('exception_message')}")
            if (cfg.meta or {}).get("role") == "comparison":
                covered += r.result.get("element_count", 0)
                failed_keys |= {_key(u) for u in r.result.get("unexpected_index_list") or []}
            elif not r.success:
                sample = r.result.get("partial_unexpected_index_list") or r.result.get("partial_unexpected_list")
                raise ChecksInvalid(f"{suite.name}: {cfg.type} {cfg.kwargs} failed, e.g. {sample}")
        if covered != len(part):
            raise ChecksInvalid(f"{suite.name}: {len(part)} rows but the comparison expectations saw {covered}")
        for row in part.to_dict("records"):
            key = _key(row)
            passed[key] = key not in failed_keys
            if passed[key] != bool(row["passed_sql"]):
                raise ChecksInvalid(f"GX and DuckDB disagree on {key}: GX passed={passed[key]}, "
                                    f"|{row['difference']}| <= {row['tolerance']} is {row['passed_sql']}")

    docs_index = None
    if docs_dir is not None:
        context.build_data_docs(site_names=[config["data_docs_site"]])
        from ingest.build.data_docs import make_offline  # the pages load CSS, JS and fonts from the site

        make_offline(Path(docs_dir))
        docs_index = Path(docs_dir) / "index.html"
    return passed, docs_index


def run_checks(warehouse: Path, *, docs_dir: Path | None = None) -> CheckSummary:
    """Validate quality.check_comparisons, write quality.check_results, mark failed reports.

    ``warehouse`` is the DuckDB file `dbt build` just built (no other process may hold it open).
    ``docs_dir``: build GX Data Docs there (e.g. :data:`DEFAULT_DOCS_DIR`); None builds none.
    """
    import duckdb
    import pandas as pd

    con = duckdb.connect(str(warehouse))
    try:
        rows = _read_comparisons(con)
        passed, docs_index = validate(rows, docs_dir=docs_dir)

        verdicts = pd.DataFrame(
            [(*k, v) for k, v in passed.items()], columns=["report_id", "check_name", "subject", "passed"]
        )
        checked_at = datetime.now(timezone.utc).replace(tzinfo=None)
        con.register("gx_verdicts", verdicts)
        con.execute("begin transaction")
        con.execute("create schema if not exists quality")
        con.execute(
            """
            create or replace table quality.check_results as
            select
                c.report_id, c.check_name, c.severity, c.table_no, c.subject,
                c.expected, c.observed, c.difference, c.tolerance,
                cast(v.passed as boolean) as passed,
                cast(? as timestamp) as checked_at
            from quality.check_comparisons as c
            inner join gx_verdicts as v
                on v.report_id = c.report_id and v.check_name = c.check_name and v.subject = c.subject
            order by c.report_id, c.table_no, c.check_name, c.subject
            """,
            [checked_at],
        )
        written = con.execute("select count(*) from quality.check_results").fetchone()[0]
        if written != len(rows):
            con.execute("rollback")
            raise ChecksInvalid(f"wrote {written} check results for {len(rows)} comparisons")
        failed_reports = [r for (r,) in con.execute(
            "select distinct report_id from quality.check_results "
            "where severity = 'error' and not passed order by report_id"
        ).fetchall()]
        has_dim_report = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'dim_report' and table_type = 'BASE TABLE'"
        ).fetchone()[0]
        labels: dict[str, str] = {}
        if has_dim_report:
            con.execute(
                "update marts.dim_report set status = 'failed_checks' where report_id in "
                "(select report_id from quality.check_results where severity = 'error' and not passed)"
            )
            if _has_columns(con, "marts", "dim_report", ("source_file",)):
                labels = dict(con.execute(
                    "select report_id, coalesce(source_file, report_id) from marts.dim_report"
                ).fetchall())
        con.execute("commit")
        con.unregister("gx_verdicts")

        def failures(severity: str) -> list[CheckFailure]:
            return [CheckFailure(*r) for r in con.execute(
                "select report_id, check_name, subject, expected, observed from quality.check_results "
                "where severity = ? and not passed order by report_id, table_no, check_name, subject",
                [severity],
            ).fetchall()]

        errors = failures("error")
        return CheckSummary(
            checks_run=len(rows),
            checks_failed=len(errors),
            failures=errors,
            warnings=failures("warning"),
            failed_reports=failed_reports,
            report_labels=labels,
            docs_index=docs_index,
        )
    finally:
        con.close()


def _has_columns(con, schema: str, table: str, columns: tuple[str, ...]) -> bool:
    present = {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchall()}
    return set(columns) <= present


def main(argv: list[str] | None = None) -> int:
    """python -m ingest.checks WAREHOUSE [--docs DIR]: exit 0 all error-level checks pass, 1 some
    failed, 2 the checks could not run."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m ingest.checks", description=main.__doc__)
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--docs", type=Path, nargs="?", const=DEFAULT_DOCS_DIR, default=None,
                        help=f"build GX Data Docs (default folder {DEFAULT_DOCS_DIR})")
    args = parser.parse_args(argv)
    try:
        summary = run_checks(args.warehouse, docs_dir=args.docs)
    except ChecksError as exc:
        print(f"checks could not run: {exc}")
        return 2
    print(summary.format())
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
