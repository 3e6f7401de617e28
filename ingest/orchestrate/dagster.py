"""Dagster definitions of the nightly build: ``dagster dev -m ingest.orchestrate.dagster``.

    raw (the inbox's PDFs read into raw.*) ─▶ every dbt seed and model ─▶ quality.check_results
        └─ one step, `juesuan_build`: one call of build.pipeline.build_warehouse, one atomic publication
    asset checks (step `juesuan_checks`, read-only on the published warehouse):
        raw: files_loaded (warn)        quality/check_<suite>: reconciled (error), one per GX suite

**One build, one publication.** The assets are the products of one `juesuan build`
(:func:`ingest.build.pipeline.build_warehouse`), run by a single multi-asset step that cannot be subset.
Splitting it into an ingest step and a dbt step would either publish twice (analysts would see tonight's
raw.* beside last night's marts between the steps, and ``<warehouse>.previous`` would be the half-built
state instead of the last good build) or hold the copy and its lock across steps and processes, and
re-implement what the pipeline alone knows: the removal guard, the quarantine of a report whose rows break
dbt's tests and the second `dbt build` without it, the skip when raw data and code are unchanged, the
run row in raw.runs and the exit bits. So `dbt build` runs where `juesuan build` runs it, on the copy
``<warehouse>.building`` (through JUESUAN_WAREHOUSE, usage stats off), and the Dagster run publishes
exactly what `juesuan build` would, or nothing.

**dagster-dbt** gives the dbt assets: their keys (``[schema, name]``, as analysts query them), lineage,
descriptions, columns and groups come from the project's manifest through ``build_dbt_asset_specs``. The
manifest is parsed once per version of ``dbt_project/`` (``dbt parse`` with anonymous usage stats off,
kept in ``dbt_project/target/dagster/``). A build that ran dbt materialises every model with its row
count in the published warehouse; a build that skipped dbt (nothing changed) materialises only ``raw``
(the run is logged in raw.runs); a build whose `dbt build` failed publishes nothing and fails the step.

**Checks** read ``quality.check_results``, the verdicts the build's Great Expectations run wrote, in the
published warehouse: the same thing the exit status describes. A failed error-level comparison fails its
suite's asset check, with the count and the first failures (file, page, subject, amounts, the message in
words) in the metadata.

**Configuration**: the resource ``juesuan`` (inbox, warehouse, jobs, allow_removal), from run config or
the environment (JUESUAN_INBOX, JUESUAN_WAREHOUSE), defaults ``data/samples`` and
``data/warehouse.duckdb``; relative paths are taken from the project root. The schedule
``juesuan_nightly_schedule`` runs the job ``juesuan_nightly`` at 02:30 in the machine's time zone, like
the README's crontab line.
"""

# no `from __future__ import annotations`: Dagster reads the context and resource annotations at run time
import graphlib
import hashlib
import json
import os
import tempfile
import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject, build_dbt_asset_specs
from pydantic import Field

from ..build.checks import load_catalog
from ..build.dbt import env_var
from ..build.versions import DBT_INPUTS, hash_files
from ..contract import EXIT_LOCKED, EXIT_USAGE
from ..paths import DBT_PROJECT_DIR, PROJECT_ROOT

NIGHTLY_CRON = "30 2 * * *"  # the README's crontab line
RAW_KEY = dg.AssetKey("raw")
CHECK_RESULTS_KEY = dg.AssetKey(["quality", "check_results"])
#: The suites of the check catalogue (dbt_project/seeds/check_catalog.csv), in its order: one GX suite
#: each, and one dbt model each, quality.check_<suite>, whose comparisons it validates.
SUITES = tuple(dict.fromkeys(entry.suite for entry in load_catalog()))
EXAMPLES = 5  # failures shown in a check's metadata

MANIFEST_DIR = DBT_PROJECT_DIR / "target" / "dagster"


# --------------------------------------------------------------------------------------- configuration
class JuesuanWarehouse(dg.ConfigurableResource):
    """The inbox the nightly build reads and the warehouse it publishes (relative paths: from the project
    root, like the `juesuan` command's defaults)."""

    inbox: str = Field(default="data/samples", description="Folder of PDFs (searched recursively).")
    warehouse: str = Field(default="data/warehouse.duckdb", description="DuckDB file published.")
    jobs: int | None = Field(default=None, description="Files read in parallel (default: the cores).")
    allow_removal: bool = Field(
        default=False, description="Let a build remove more than half of the reports (juesuan build "
                                   "--allow-removal): off, so that an unmounted inbox empties nothing.")

    def inbox_path(self) -> Path:
        return _from_root(self.inbox)

    def warehouse_path(self) -> Path:
        return _from_root(self.warehouse)


def _from_root(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else PROJECT_ROOT / p


# --------------------------------------------------------------------------------------- dbt manifest
def _dbt_fingerprint() -> str:
    import dbt.version

    digest = hashlib.sha256(dbt.version.__version__.encode())
    hash_files(digest, DBT_PROJECT_DIR, DBT_INPUTS)
    return digest.hexdigest()


def dbt_manifest() -> Path:
    """The project's manifest.json, parsed again only when dbt_project/ (or dbt) changed.

    Parsed into a temporary folder and moved into place, so that two processes loading the definitions
    at once (the webserver's code server and a run) never read a half-written file."""
    manifest = MANIFEST_DIR / "manifest.json"
    stamp = MANIFEST_DIR / "manifest.fingerprint"
    fingerprint = _dbt_fingerprint()
    if manifest.is_file() and stamp.is_file() and stamp.read_text() == fingerprint:
        return manifest
    from dbt.cli.main import dbtRunner

    MANIFEST_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=MANIFEST_DIR) as tmp:
        args = ["parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                "--target-path", str(Path(tmp) / "target"), "--log-path", str(Path(tmp) / "logs"),
                "--quiet", "--log-level", "none", "--no-use-colors", "--no-partial-parse",
                # nothing may reach the network (and no .user.yml id file in the project)
                "--no-send-anonymous-usage-stats"]
        # parsing opens no database; the profile's path points into the temporary folder all the same
        with env_var("JUESUAN_WAREHOUSE", str(Path(tmp) / "parse.duckdb")):
            res = dbtRunner().invoke(args)
        if not res.success:
            raise RuntimeError(f"dbt parse of {DBT_PROJECT_DIR} failed: {res.exception}")
        os.replace(Path(tmp) / "target" / "manifest.json", manifest)
        (Path(tmp) / "stamp").write_text(fingerprint)
        os.replace(Path(tmp) / "stamp", stamp)
    return manifest


class JuesuanTranslator(DagsterDbtTranslator):
    """dbt nodes as the warehouse names them: ``[schema, name]`` (marts/fct_functional), grouped by schema;
    every raw.* source is the ingest asset ``raw``, quality.check_results the checks' verdicts."""

    def get_asset_key(self, dbt_resource_props) -> dg.AssetKey:
        schema = dbt_resource_props["schema"]
        if dbt_resource_props["resource_type"] == "source":
            return RAW_KEY if schema == "raw" else dg.AssetKey([schema, dbt_resource_props["name"]])
        return dg.AssetKey([schema, dbt_resource_props.get("alias") or dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props) -> str | None:
        return dbt_resource_props["schema"]


def _dbt_assets() -> tuple[list[dg.AssetSpec], dict[dg.AssetKey, str]]:
    """The specs of every dbt seed and model, and the relation (schema.name) each one builds."""
    path = dbt_manifest()
    manifest = json.loads(path.read_text(encoding="utf-8"))
    translator = JuesuanTranslator(settings=DagsterDbtTranslatorSettings(
        enable_asset_checks=False,  # dbt's tests run inside the build; their failures quarantine reports
        enable_duplicate_source_asset_keys=True,  # the raw.* sources are one asset, `raw`
    ))
    project = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=MANIFEST_DIR)
    specs = list(build_dbt_asset_specs(manifest=manifest, dagster_dbt_translator=translator, project=project))
    relations = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] in ("model", "seed"):
            key = translator.get_asset_key(node)
            relations[key] = f"{node['schema']}.{node.get('alias') or node['name']}"
    return specs, relations


DBT_SPECS, RELATIONS = _dbt_assets()

RAW_SPEC = dg.AssetSpec(
    RAW_KEY, group_name="raw", kinds={"duckdb", "python"},
    description="raw.*: the PDFs of the inbox read into the raw schema (raw.files, raw.reports, raw.cells …, "
                "docs/raw_schema.md), new and changed files only, files gone from the inbox removed; every "
                "run adds a row to raw.runs.")
# Written from quality.check_comparisons, but drawn without that edge: marts.dim_report (a view) reads the
# verdicts and quality.check_codes reads marts.dim_report, so the edge would close a cycle in the graph.
CHECK_RESULTS_SPEC = dg.AssetSpec(
    CHECK_RESULTS_KEY, group_name="quality", kinds={"duckdb", "python"},
    skippable=True,  # not rewritten by a build that skips the checks (nothing changed)
    description="quality.check_results: every comparison of quality.check_comparisons with its verdict, "
                "validated by the Great Expectations suites of expectations/ after `dbt build`.")

BUILD_SPECS = [RAW_SPEC, *DBT_SPECS, CHECK_RESULTS_SPEC]
#: Dagster takes a multi-asset's results in the order of its graph (quality.check_results comes before
#: marts.dim_report, whose view reads it).
BUILD_ORDER = list(graphlib.TopologicalSorter(
    {spec.key: {dep.asset_key for dep in spec.deps} for spec in BUILD_SPECS}).static_order())


# --------------------------------------------------------------------------------------- the build
@dg.multi_asset(
    name="juesuan_build",
    specs=BUILD_SPECS,
    can_subset=False,  # one build: ingest, dbt build and checks on one copy, published once
    description="One `juesuan build` of the inbox: on a copy of the warehouse, published atomically.",
)
def juesuan_build(context: dg.AssetExecutionContext, juesuan: JuesuanWarehouse):
    from ..build.executors import ExecutorError
    from ..build.ingest import RemovalRefused
    from ..build.inputs import NoInputs
    from ..build.pipeline import build_warehouse
    from ..warehouse.publish import BuildLocked

    inbox, warehouse = juesuan.inbox_path(), juesuan.warehouse_path()
    context.log.info(f"juesuan build --warehouse {warehouse} {inbox}")
    try:
        result = build_warehouse([inbox], warehouse, command="build", jobs=juesuan.jobs,
                                 allow_removal=juesuan.allow_removal,
                                 on_stage=lambda stage: context.log.info(f"stage: {stage}"))
    except BuildLocked as exc:
        raise dg.Failure(f"not started: {exc}; retry later", metadata={"exit_status": EXIT_LOCKED}) from exc
    except (RemovalRefused, NoInputs, FileNotFoundError) as exc:
        raise dg.Failure(f"not published: {exc}; {warehouse} is unchanged",
                         metadata={"exit_status": EXIT_USAGE}) from exc
    except ExecutorError as exc:
        raise dg.Failure(f"nothing published: {exc}") from exc

    summary = result.summary
    if not result.published:
        outcome = result.dbt_outcome
        failures = outcome.failures if outcome is not None else []
        lines = [f"- {f.name} ({f.resource_type}, {f.status}): {f.message}" for f in failures[:EXAMPLES]]
        raise dg.Failure(
            f"dbt build failed: nothing was published, {warehouse} is the last good build; the failed build "
            f"is kept as {result.kept_as} (juesuan status --warehouse {result.kept_as})",
            metadata={"exit_status": result.exit_status, "run_id": result.run_id,
                      "kept_as": dg.MetadataValue.path(str(result.kept_as)),
                      "dbt_error": (outcome.error if outcome is not None else None) or "",
                      "dbt_failures": dg.MetadataValue.md("\n".join(lines) or "(none listed)")})

    done: dict[dg.AssetKey, dict] = {}  # what the build made, yielded below in the graph's order
    done[RAW_KEY] = {
        "run_id": result.run_id,
        "exit_status": result.exit_status,
        "warehouse": dg.MetadataValue.path(str(warehouse)),
        "inbox": dg.MetadataValue.path(str(inbox)),
        "files_new": len(summary.new), "files_changed": len(summary.changed),
        "files_unchanged": len(summary.unchanged), "files_moved": len(summary.moved),
        "files_removed": len(summary.removed), "files_failed": len(summary.failed),
        "files_duplicate": len(summary.duplicate), "files_quarantined": len(result.quarantined),
        "pages_extracted": summary.pages, "warnings": len(summary.warnings),
        "dbt": f"skipped: {result.skip_reason}" if result.skip_reason else result.dbt_status,
        "checks": result.checks_status,
    }
    if result.skip_reason:
        context.log.info(f"dbt build and checks skipped: {result.skip_reason}")
    if result.dbt_status == "ok":
        counts = _row_counts(warehouse)
        for spec in DBT_SPECS:
            relation = RELATIONS.get(spec.key)
            metadata = {"relation": relation or ""}
            if relation in counts:
                metadata["dagster/row_count"] = dg.MetadataValue.int(counts[relation])
            done[spec.key] = metadata
    if result.checks_status in ("ok", "failed"):
        checks = result.checks
        done[CHECK_RESULTS_KEY] = {
            "dagster/row_count": dg.MetadataValue.int(checks.checks_run),
            "failed_error_level": checks.checks_failed, "failed_warning_level": len(checks.warnings)}
    elif result.checks_status == "error":
        context.log.error(f"the checks could not run: {result.checks_error}")
    for key in BUILD_ORDER:
        if key in done:
            yield dg.MaterializeResult(asset_key=key, metadata=done[key])


def _row_counts(warehouse: Path) -> dict[str, int]:
    """Rows of every table and view the dbt project builds, in the published warehouse."""
    from ..warehouse.access import connect_read_only

    con = connect_read_only(warehouse)
    try:
        present = {f"{s}.{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables").fetchall()}
        return {r: con.execute(f"select count(*) from {r}").fetchone()[0]
                for r in sorted(set(RELATIONS.values()) & present)}
    finally:
        con.close()


# --------------------------------------------------------------------------------------- asset checks
def _suite_key(suite: str) -> dg.AssetKey:
    return dg.AssetKey(["quality", f"check_{suite}"])


CHECK_SPECS = [
    dg.AssetCheckSpec(
        "files_loaded", asset=RAW_KEY,
        description="Every file of the inbox loaded: none failed (raw.files) and no report quarantined "
                    "(raw.quarantine). Exit bit 1 of `juesuan build`."),
    *(dg.AssetCheckSpec(
        "reconciled", asset=_suite_key(suite), additional_deps=[CHECK_RESULTS_KEY],
        description=f"Every error-level comparison of the {suite} suite in quality.check_results is within "
                    f"its tolerance (Great Expectations; the checks of the catalogue with suite {suite}). "
                    f"Exit bit 4.")
      for suite in SUITES),
]


@dg.multi_asset_check(specs=CHECK_SPECS, name="juesuan_checks",
                      description="The published warehouse's verdicts: failed files and reconciliation checks.")
def juesuan_checks(context: dg.AssetCheckExecutionContext, juesuan: JuesuanWarehouse):
    from ..warehouse.access import WarehouseError, connect_read_only

    warehouse = juesuan.warehouse_path()
    try:
        con = connect_read_only(warehouse)
    except WarehouseError as exc:
        for spec in CHECK_SPECS:
            yield dg.AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=False,
                                      severity=_severity(spec), metadata={"error": str(exc)})
        return
    try:
        yield _files_loaded(con)
        yield from _reconciled(con)
    finally:
        con.close()


def _severity(spec: dg.AssetCheckSpec) -> dg.AssetCheckSeverity:
    return dg.AssetCheckSeverity.WARN if spec.name == "files_loaded" else dg.AssetCheckSeverity.ERROR


def _files_loaded(con) -> dg.AssetCheckResult:
    failed = con.execute("select source_file, coalesce(error_code, ''), coalesce(error, '') from raw.files "
                         "where status = 'failed' order by source_file").fetchall()
    quarantined = con.execute(
        "select coalesce(r.source_file, q.report_id), q.test_name, coalesce(q.message, '') "
        "from raw.quarantine q left join raw.reports r using (report_id) order by 1, 2").fetchall()
    rows = [(name, f"failed: {code}", message) for name, code, message in failed]
    rows += [(name, f"quarantined: {test}", message) for name, test, message in quarantined]
    return dg.AssetCheckResult(
        asset_key=RAW_KEY, check_name="files_loaded", passed=not rows, severity=dg.AssetCheckSeverity.WARN,
        metadata={"files_failed": len(failed), "reports_quarantined": len(quarantined),
                  "examples": dg.MetadataValue.md(_table(("file", "what", "message"), rows[:EXAMPLES]))})


def _reconciled(con) -> Iterator[dg.AssetCheckResult]:
    build = con.execute(
        "select run_id, checks_status from raw.runs where command = 'build' and published "
        "order by started_at desc limit 1").fetchone()
    has_results = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'quality' "
        "and table_name = 'check_results'").fetchone()[0] == 1
    problem = None
    if build is None or not has_results:
        problem = "no build has checked this warehouse yet"
    elif build[1] == "error":
        problem = f"the checks could not run in build {build[0]} (see `juesuan status`)"
    rows = [] if problem else con.execute(
        """
        select r.suite, r.severity, r.passed, coalesce(f.source_file, r.report_id), r.page, r.check_name,
               r.subject, r.expected, r.observed, r.difference, r.tolerance, r.message
        from quality.check_results r
        left join raw.reports f using (report_id)
        order by 4, r.table_no, r.check_name, r.subject
        """).fetchall()
    for suite in SUITES:
        key = _suite_key(suite)
        if problem:
            yield dg.AssetCheckResult(asset_key=key, check_name="reconciled", passed=False,
                                      severity=dg.AssetCheckSeverity.ERROR, metadata={"error": problem})
            continue
        mine = [r for r in rows if r[0] == suite]
        # passed is NULL for a check that could not run: not passed, and not failed either (as exit bit 4)
        errors = [r[3:] for r in mine if r[1] == "error" and r[2] is False]
        warnings = [r for r in mine if r[1] != "error" and r[2] is False]
        yield dg.AssetCheckResult(
            asset_key=key, check_name="reconciled", passed=not errors, severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "build_run_id": build[0],
                "evaluated": sum(r[2] is not None for r in mine),
                "not_run": sum(r[2] is None for r in mine),
                "failed": len(errors),
                "failed_warning_level": len(warnings),
                "examples": dg.MetadataValue.md(_table(
                    ("file", "page", "check", "subject", "expected", "observed", "difference", "tolerance",
                     "message"), errors[:EXAMPLES])),
            })


def _table(header: tuple[str, ...], rows: list[tuple]) -> str:
    if not rows:
        return "(none)"
    def cell(value) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------- job, schedule
def _local_timezone() -> str:
    """The machine's time zone (IANA name), where cron would run the README's line; UTC if unknown."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(os.readlink("/etc/localtime").split("zoneinfo/", 1)[-1])
    except OSError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text().strip())
    except OSError:
        pass
    for name in candidates:
        if name and not name.startswith("/"):
            try:
                zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
            return name
    return "UTC"


nightly_job = dg.define_asset_job(
    "juesuan_nightly", selection=dg.AssetSelection.all(),
    description="The nightly build: the inbox into the warehouse (one `juesuan build`), then its checks.")

nightly_schedule = dg.ScheduleDefinition(
    name="juesuan_nightly_schedule", job=nightly_job, cron_schedule=NIGHTLY_CRON,
    execution_timezone=_local_timezone(),
    description="Every night at 02:30, like `30 2 * * * … juesuan build` in a crontab.")

defs = dg.Definitions(
    assets=[juesuan_build],
    asset_checks=[juesuan_checks],
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    resources={"juesuan": JuesuanWarehouse(
        inbox=os.environ.get("JUESUAN_INBOX", "data/samples"),
        warehouse=os.environ.get("JUESUAN_WAREHOUSE", "data/warehouse.duckdb"),
    )},
)
