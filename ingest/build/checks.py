"""The reconciliation checks: validate `quality.check_comparisons` with Great Expectations.

`juesuan build` calls :func:`run_checks` after `dbt build`. The comparisons themselves are dbt models
(`dbt_project/models/checks/`, schema `quality`): one row per report, check and subject with the printed
amount (observed), what the other cells imply (expected) and the rounding tolerance, all DECIMAL(18,2).
GX 1.x cannot validate DuckDB directly, so the rows are read into pandas, amounts kept as
``decimal.Decimal`` (never floats), and validated with built-in expectations, one suite per suite of the
check catalogue (`dbt_project/seeds/check_catalog.csv`, the seed the check models join), each built from
the one template `expectations/suites/template.json` (:func:`build_suites`):

* ``ExpectColumnPairValuesAToBeGreaterThanB(tolerance >= abs_difference)`` once for error-level and once
  for warning-level rows, with result format COMPLETE naming each failing row by
  (report_id, check_name, subject);
* shape expectations (unique key, no NULLs, only the check names the catalogue lists for the suite)
  that must hold for the results to mean anything: if one fails, :class:`ChecksInvalid` is raised and
  nothing is written.

Then ``quality.check_results`` is replaced in one transaction: one row per evaluated subject, ``passed``
taken from GX's unexpected rows and cross-checked against ``abs_difference <= tolerance`` computed in
DuckDB. The reports' status (``marts.dim_report.status``) is derived from it by dbt.

GX runs offline in an ephemeral context: ``GX_ANALYTICS_ENABLED=false``, analytics disabled in the
context config, in-memory stores. Data Docs are written only when ``docs_dir`` is given (the project's
folder is `expectations/data_docs/`, git-ignored).
"""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..paths import DBT_PROJECT_DIR, DEFAULT_DOCS_DIR, EXPECTATIONS_DIR
from ..warehouse.quality import COMPARISON_COLUMNS, ComparisonsMissing, QualityStore

#: The check catalogue: the dbt seed that the check models join for family and severity.
CATALOG_CSV = DBT_PROJECT_DIR / "seeds" / "check_catalog.csv"

#: The columns of a comparison row as `validate` takes it.
COLUMNS = (*COMPARISON_COLUMNS, "passed_sql")


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
    page: int | None = None
    message: str | None = None
    family: str | None = None  # tables, document or narrative


@dataclass
class CheckSummary:
    """What :func:`run_checks` found. ``failures`` are the failed error-level checks only; ``checks_run``
    counts the checks that ran, ``checks_not_run`` those that could not (a table they need is missing)."""

    checks_run: int = 0
    checks_failed: int = 0
    checks_not_run: int = 0
    failures: list[CheckFailure] = field(default_factory=list)
    warnings: list[CheckFailure] = field(default_factory=list)
    failed_reports: list[str] = field(default_factory=list)
    report_labels: dict[str, str] = field(default_factory=dict)
    docs_index: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no error-level check failed (warnings do not count)."""
        return self.checks_failed == 0


class CatalogEntry(NamedTuple):
    """One check of the catalogue (a row of dbt_project/seeds/check_catalog.csv)."""

    check_name: str
    suite: str
    family: str  # tables, document or narrative
    severity: str  # error or warning
    tables: str  # two-digit codes of the standard tables it reads, space-separated
    needs: str  # each, all or none: which of them it cannot run without (see check_not_run)
    invariant: str
    subject_example: str


def load_catalog(path: Path = CATALOG_CSV) -> list[CatalogEntry]:
    """The check catalogue, in its order (which is also the order of the suites)."""
    with open(path, newline="", encoding="utf-8") as f:
        return [CatalogEntry(**row) for row in csv.DictReader(f)]


def _fill(node, values: dict):
    """The template node with each string "$name" replaced by values[name] (any JSON value) and "$name"
    inside longer strings by its text."""
    if isinstance(node, dict):
        return {k: _fill(v, values) for k, v in node.items() if not k.startswith("_")}
    if isinstance(node, list):
        return [_fill(v, values) for v in node]
    if isinstance(node, str):
        if node.startswith("$") and node[1:] in values:
            return copy.deepcopy(values[node[1:]])
        for name, value in values.items():
            if isinstance(value, str):
                node = node.replace(f"${name}", value)
    return node


def build_suites(catalog: list[CatalogEntry], template: dict) -> dict[str, dict]:
    """One GX suite JSON per suite of the catalogue, in catalogue order: the template with the suite's
    name, the check names it accepts and its checks' invariants as notes."""
    suites: dict[str, list[CatalogEntry]] = {}
    for entry in catalog:
        suites.setdefault(entry.suite, []).append(entry)
    return {
        suite: _fill(template, {
            "suite": suite,
            "check_names": [e.check_name for e in entries],
            "notes": "; ".join(f"{e.check_name} ({e.severity}): {e.invariant}" for e in entries),
        })
        for suite, entries in suites.items()
    }


def load_config(expectations_dir: Path = EXPECTATIONS_DIR, catalog_path: Path = CATALOG_CSV) -> dict:
    """expectations/checkpoint.json with one validation per catalogue suite, its suite JSON (built from the
    template) under the key 'suite_json'."""
    config = json.loads((expectations_dir / "checkpoint.json").read_text(encoding="utf-8"))
    template = json.loads((expectations_dir / config["suite_template"]).read_text(encoding="utf-8"))
    config["validations"] = [{"suite": suite, "suite_json": suite_json}
                             for suite, suite_json in build_suites(load_catalog(catalog_path), template).items()]
    return config


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
    # a check that could not run has nothing to validate: its verdict is None (not run is not passed)
    passed: dict[tuple[str, str, str], bool | None] = {
        _key(row): None for row in frame[~frame["evaluated"].astype(bool)].to_dict("records")}
    frame = frame[frame["evaluated"].astype(bool)].reset_index(drop=True)

    suites = {v["suite"] for v in config["validations"]}
    unknown = sorted(set(frame["suite"]) - suites)
    if unknown:
        raise ChecksInvalid(f"suites the check catalogue ({CATALOG_CSV.name}) does not list: {unknown}")

    for v in config["validations"]:
        suite_name, suite_json = v["suite"], v["suite_json"]
        suite = gx.ExpectationSuite(
            name=suite_json["name"], expectations=suite_json["expectations"],
            meta=suite_json.get("meta"), notes=suite_json.get("notes"),
        )
        if len(suite.expectations) != len(suite_json["expectations"]):  # GX drops invalid ones with a log line
            raise ChecksInvalid(f"{suite.name}: {len(suite_json['expectations']) - len(suite.expectations)} "
                                "expectation(s) are not valid GX 1.x configurations")
        suite = context.suites.add(suite)
        batch = datasource.add_dataframe_asset(suite_name).add_batch_definition_whole_dataframe(suite_name)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_name, data=batch, suite=suite)
        )
        part = frame[frame["suite"] == suite_name].reset_index(drop=True)
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
        from .data_docs import make_offline  # the pages load CSS, JS and fonts from the site

        make_offline(Path(docs_dir))
        docs_index = Path(docs_dir) / "index.html"
    return passed, docs_index


def run_checks(warehouse: Path, *, docs_dir: Path | None = None) -> CheckSummary:
    """Validate quality.check_comparisons and write quality.check_results.

    ``warehouse`` is the DuckDB file `dbt build` just built (no other process may hold it open).
    ``docs_dir``: build GX Data Docs there (e.g. :data:`DEFAULT_DOCS_DIR`); None builds none.
    """
    with QualityStore(warehouse) as store:
        try:
            rows = store.comparisons()
        except ComparisonsMissing as exc:
            raise ChecksNotBuilt(str(exc)) from exc
        passed, docs_index = validate(rows, docs_dir=docs_dir)
        written = store.write_results(passed, datetime.now(timezone.utc).replace(tzinfo=None))
        if written != len(rows):
            raise ChecksInvalid(f"wrote {written} check results for {len(rows)} comparisons")
        errors = [CheckFailure(*r) for r in store.failures("error")]
        not_run = store.not_run_count()
        return CheckSummary(
            checks_run=len(rows) - not_run,
            checks_failed=len(errors),
            checks_not_run=not_run,
            failures=errors,
            warnings=[CheckFailure(*r) for r in store.failures("warning")],
            failed_reports=sorted({f.report_id for f in errors}),
            report_labels=store.report_labels(),
            docs_index=docs_index,
        )


def build_docs_site(warehouse: Path, out: Path) -> tuple[Path, int, int]:
    """GX Data Docs of a warehouse's check comparisons in ``out``, replacing what was there.

    Opens ``warehouse`` read-only and writes nothing to it. The site is built in a new folder beside
    ``out`` and moved into place when complete. Returns the index page, the number of comparisons
    validated and the number that failed.
    """
    from ..warehouse.quality import read_comparisons
    from .data_docs import DataDocsError

    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / "index.html").is_file():
        raise DataDocsError(f"{out} is not empty and holds no Data Docs (no index.html): not replacing it")
    try:
        rows = read_comparisons(warehouse)
    except ComparisonsMissing as exc:
        raise ChecksNotBuilt(str(exc)) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        passed, _ = validate(rows, docs_dir=building)  # validate calls make_offline on the new site
        previous = out.with_name(out.name + ".previous")
        shutil.rmtree(previous, ignore_errors=True)
        if out.exists():
            out.rename(previous)
        building.rename(out)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return out / "index.html", len(passed), sum(not ok for ok in passed.values())
