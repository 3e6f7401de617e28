"""One run of `juesuan build` or `juesuan ingest`: on a copy of the warehouse, logged, then published.

    copy published → <name>.building ─ ingest (extract new/changed files, prune removed ones)
                                     ─ dbt build + checks (skipped when raw.* and the code are unchanged)
                                     ─ raw.runs row ─ atomic rename onto the published name

A build whose `dbt build` fails is not published (analysts keep the last good warehouse); it is kept as
``<name>.failed``, its run row included, for `juesuan status --warehouse <name>.failed`. Failed files,
quarantined reports and failed checks do not stop publication: they are recorded (raw.files,
raw.quarantine, quality.check_results) and reported in the exit status.

The exit status describes the warehouse the run leaves published: bit 1 while it holds a file that failed
or a quarantined report (whether this run or an earlier one found it), bit 4 while one of its
reconciliation checks fails; bit 8 says this run's `dbt build` failed (nothing was published). The summary
tells new failures from known ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..contract import DEFAULT_MAX_PAGES, DEFAULT_OCR_MODE, EXIT_CHECKS_FAILED, EXIT_DBT_FAILED, EXIT_FILES_FAILED
from ..warehouse import runlog
from ..warehouse.publish import Publication
from ..warehouse.quality import QualityStore
from ..warehouse.raw import RawWriter, utcnow
from ..warehouse.schema import RunRow
from .executors import Limits, default_jobs
from .ingest import IngestSummary, ingest
from .versions import code_version


@dataclass
class RunResult:
    run_id: str
    command: str
    summary: IngestSummary
    exit_status: int = 0
    published: bool = False
    previous: Path | None = None  # where the replaced warehouse was kept (<name>.previous)
    kept_as: Path | None = None  # where an unpublished build was kept (<name>.failed)
    discarded_stale: bool = False  # a killed build's copy was found and removed first
    dbt_status: str = "not_run"  # a key of contract.STAGE_STATUSES
    checks_status: str = "not_run"  # a key of contract.STAGE_STATUSES
    checks_failed: int = 0
    dbt_outcome: object | None = None
    checks: object | None = None
    checks_error: str | None = None
    skip_reason: str | None = None
    stage_seconds: dict[str, float] = field(default_factory=dict)  # copy, ingest, dbt, checks, publish
    quarantined_first: object | None = None  # the dbt outcome that led to the quarantine, when one did
    quarantined: list[tuple[str, str]] = field(default_factory=list)  # (source file, why), all of them
    known_failed: list[tuple[str, str]] = field(default_factory=list)  # failed before, unchanged: (file, why)
    failed_checks_held: int = 0  # failed error-level checks in the warehouse after the run
    elapsed: float = 0.0  # wall time of the whole run, set by the caller


class Interrupted(Exception):
    """The run was asked to stop (Ctrl-C, SIGTERM): nothing is published."""


def build_warehouse(inputs: list[Path], warehouse: Path, *, command: str = "build", jobs: int | None = None,
                    force: bool = False, docs_dir: Path | None = None, executor: str = "local",
                    scheduler: str | None = None, client=None, allow_removal: bool = False,
                    limits: Limits = Limits(), max_pages: int | None = DEFAULT_MAX_PAGES,
                    ocr: str = DEFAULT_OCR_MODE,
                    progress: Callable[[str, str], None] | None = None,
                    on_ocr: Callable[[str, int, int], None] | None = None,
                    on_stage: Callable[[str], None] | None = None,
                    on_node: Callable[[int, int | None], None] | None = None,
                    should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Run `command` ('build': ingest, dbt build, checks; 'ingest': raw only) and publish the result.

    ``on_stage(name)`` is called as each stage starts (copy, ingest, dbt, checks, publish): for progress
    display, and for tests that stop a build in the middle; ``on_node(done, total)`` as each dbt node
    finishes; ``on_ocr(source_file, done, total)`` as pages are read by OCR (``ocr``: the ``--ocr`` mode).
    ``should_stop()`` is asked before publishing: when it says so, :class:`Interrupted` is
    raised and nothing is published. Raises publish.BuildLocked when another build holds the warehouse,
    inputs.NoInputs and ingest.RemovalRefused before anything is changed.
    """
    started = utcnow()
    run_id = runlog.new_run_id(started)
    jobs = jobs or default_jobs()
    stage = on_stage or (lambda name: None)
    seconds: dict[str, float] = {}

    t = time.perf_counter()
    stage("copy")
    with Publication(warehouse) as pub:
        seconds["copy"] = time.perf_counter() - t
        t = time.perf_counter()
        stage("ingest")
        summary = ingest(inputs, pub.building, jobs=jobs, prune=(command == "build"), force=force,
                         allow_removal=allow_removal, progress=progress, executor=executor,
                         scheduler=scheduler, client=client, limits=limits, max_pages=max_pages, ocr=ocr,
                         on_ocr=on_ocr)
        seconds["ingest"] = time.perf_counter() - t
        result = RunResult(run_id, command, summary, discarded_stale=pub.discarded_stale, stage_seconds=seconds)

        fingerprint, previous, built = runlog.build_state(pub.building)
        version = code_version()

        if command == "build":
            if force or docs_dir is not None or previous is None or not built:
                reason = None
            elif previous.raw_fingerprint == fingerprint and previous.code_version == version:
                reason = f"raw data and code unchanged since run {previous.run_id}"
            else:
                reason = None
            if reason:
                result.skip_reason = reason
                result.dbt_status = result.checks_status = "skipped"
                result.checks_failed = previous.checks_failed
            else:
                _dbt_and_checks(pub.building, result, docs_dir, stage, on_node)
        _held_failures(pub.building, result, command)

        publishable = result.dbt_status != "failed"
        with RawWriter(pub.building) as writer:
            writer.record_run(RunRow(
                run_id=run_id, command=command, started_at=started, ended_at=utcnow(),
                files_new=len(summary.new), files_changed=len(summary.changed),
                files_unchanged=len(summary.unchanged), files_removed=len(summary.removed),
                files_failed=len(summary.failed), files_duplicate=len(summary.duplicate),
                pages_extracted=summary.pages,
                removed_files="; ".join(summary.removed) or None,
                failed_files="; ".join(name for name, _ in summary.failed) or None,
                files_moved=len(summary.moved),
                moved_files="; ".join(f"{old} -> {new}" for old, new in summary.moved) or None,
                files_quarantined=len(result.quarantined),
                quarantined_files="; ".join(name for name, _ in result.quarantined) or None,
                ingest_seconds=seconds.get("ingest"), dbt_seconds=seconds.get("dbt"),
                checks_seconds=seconds.get("checks"),
                dbt_status=result.dbt_status, checks_status=result.checks_status,
                checks_failed=result.checks_failed, exit_status=result.exit_status,
                published=publishable, code_version=version, raw_fingerprint=fingerprint,
                executor=executor, jobs=jobs,
            ))
        if should_stop is not None and should_stop():
            raise Interrupted(f"the {command} was stopped before publishing; {warehouse} is unchanged")
        t = time.perf_counter()
        stage("publish")
        if publishable:
            pub.publish()
            result.published = True
            result.previous = pub.previous if pub.kept_previous else None
        else:
            result.kept_as = pub.keep_failed()
        seconds["publish"] = time.perf_counter() - t
    return result


def _held_failures(building: Path, result: RunResult, command: str) -> None:
    """Set the exit bits from what the warehouse holds after the run (see the module's docstring)."""
    new = {name for name, _ in result.summary.failed}
    with QualityStore(building) as store:
        result.known_failed = [(n, m) for n, m in store.failed_files() if n not in new]
        result.quarantined = [(name, message) for _, name, message in store.quarantined()]
        result.failed_checks_held = store.failed_check_count() if command == "build" else 0
    if result.summary.failed or result.known_failed or result.quarantined:
        result.exit_status |= EXIT_FILES_FAILED
    if result.failed_checks_held or result.checks_status == "error":
        result.exit_status |= EXIT_CHECKS_FAILED


def _dbt_and_checks(building: Path, result: RunResult, docs_dir: Path | None,
                    stage: Callable[[str], None], on_node: Callable[[int, int | None], None] | None) -> None:
    from .checks import ChecksError, run_checks
    from .dbt import run_dbt
    from .quarantine import AUDIT_SCHEMA, quarantine_for

    t = time.perf_counter()
    stage("dbt")
    with QualityStore(building) as store:
        store.replace_quarantine([])  # every report is tested afresh
    outcome = run_dbt(building, on_node=on_node)
    if not outcome.success:
        with QualityStore(building) as store:
            quarantine = quarantine_for(outcome, store)
            if quarantine is not None:
                store.replace_quarantine(quarantine)
        if quarantine is not None:
            stage("dbt")  # again, without the reports set aside
            result.quarantined_first = outcome
            outcome = run_dbt(building, on_node=on_node)
    result.stage_seconds["dbt"] = time.perf_counter() - t
    result.dbt_outcome = outcome
    if not outcome.success:
        result.dbt_status = "failed"
        result.exit_status |= EXIT_DBT_FAILED
        return
    with QualityStore(building) as store:
        store.drop_schema(AUDIT_SCHEMA)  # read; the failing rows of a failed build stay for inspection
    result.dbt_status = "ok"
    t = time.perf_counter()
    stage("checks")
    try:
        checks = run_checks(building, docs_dir=docs_dir)
    except ChecksError as exc:
        result.checks_status = "error"
        result.checks_error = str(exc)
    else:
        result.checks = checks
        result.checks_failed = checks.checks_failed
        result.checks_status = "failed" if checks.checks_failed else "ok"
    result.stage_seconds["checks"] = time.perf_counter() - t
