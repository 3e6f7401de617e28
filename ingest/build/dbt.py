"""Run the dbt project (seeds, models, tests) against a warehouse file.

`run_dbt` is what `juesuan build` calls after ingest: `dbt build` (seeds, models and their data tests,
in dependency order) through dbt's programmatic entry point `dbtRunner`, with the project and its
profile in `dbt_project/` and the warehouse path passed in JUESUAN_WAREHOUSE. Failing data tests are
results, not exceptions: the outcome lists them for the caller to report. dbt's logs and target
directory stay inside `dbt_project/` (git-ignored) unless other paths are given.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from ..paths import DBT_PROJECT_DIR as DEFAULT_PROJECT_DIR

WAREHOUSE_ENV = "JUESUAN_WAREHOUSE"


@dataclass(frozen=True)
class DbtFailure:
    """One node that did not pass: a model/seed that errored or a data test that failed or errored."""

    name: str  # node name, e.g. fct_functional or not_null_fct_functional_measure
    resource_type: str  # model, seed, test, unit_test
    status: str  # error, fail, warn, skipped
    message: str  # dbt's message, e.g. "Got 3 results, configured to fail if != 0"
    failures: int | None = None  # failing rows of a data test
    relation: str | None = None  # where a failed data test's rows are kept (store_failures), e.g. "audit"."x"
    test: str | None = None  # a generic test's kind: not_null, unique, accepted_values, relationships …
    model: str | None = None  # the model a data test is attached to
    column: str | None = None  # the column it tests


@dataclass
class DbtOutcome:
    success: bool
    models_passed: int = 0
    models_failed: int = 0
    seeds_passed: int = 0
    seeds_failed: int = 0
    tests_passed: int = 0
    tests_failed: int = 0
    tests_warned: int = 0
    skipped: int = 0
    failures: list[DbtFailure] = field(default_factory=list)
    warnings: list[DbtFailure] = field(default_factory=list)
    error: str | None = None  # set when dbt could not run at all (compilation error, bad profile…)


@contextmanager
def env_var(name: str, value: str) -> Iterator[None]:
    """The environment variable `name` set to `value` for the block (profiles.yml reads the warehouse path
    from it), then put back as it was."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


@contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_dbt(
    warehouse: Path,
    *,
    project_dir: Path | None = None,
    target_path: Path | None = None,
    log_path: Path | None = None,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    on_node: Callable[[int, int | None], None] | None = None,
    indirect_selection: str | None = None,
) -> DbtOutcome:
    """`dbt build` (seeds + models + data tests) against the DuckDB file `warehouse`.

    Returns the outcome; never raises for failing tests or models. `target_path`/`log_path` default
    to DBT_TARGET_PATH / DBT_LOG_PATH, else `target/` and `logs/` inside the project; give other ones to run
    several builds at once.
    ``on_node(done, total)`` is called as each node (seed, model, test) finishes, for progress display.
    `indirect_selection` (dbt's --indirect-selection: eager, cautious, buildable, empty) decides which
    tests a partial `select` brings along; "cautious" keeps tests whose other parents are not selected out
    (a seed's relationships test from a model the selection does not build).
    """
    from dbt.cli.main import dbtRunner

    project = Path(project_dir or DEFAULT_PROJECT_DIR).resolve()
    args = [
        "build",
        "--project-dir", str(project),
        "--profiles-dir", str(project),
        # dbt's own variables DBT_TARGET_PATH / DBT_LOG_PATH choose other folders for builds that run at once
        "--target-path", str(Path(target_path or os.environ.get("DBT_TARGET_PATH") or project / "target").resolve()),
        "--log-path", str(Path(log_path or os.environ.get("DBT_LOG_PATH") or project / "logs").resolve()),
        "--quiet",
        "--log-level", "none",  # dbt's own lines stay in its log file; the caller reports the outcome
        "--no-use-colors",
        # nothing may reach the network at run time (and no .user.yml id file in the project)
        "--no-send-anonymous-usage-stats",
    ]
    if select:
        args += ["--select", *select]
    if exclude:
        args += ["--exclude", *exclude]
    if indirect_selection:
        args += ["--indirect-selection", indirect_selection]

    # dbt-duckdb reads seed CSVs by paths relative to the working directory: run from the project
    callbacks = [_progress(on_node)] if on_node else []
    with env_var(WAREHOUSE_ENV, str(Path(warehouse).resolve())), _cwd(project):
        res = dbtRunner(callbacks=callbacks).invoke(args)
    _release_duckdb()

    outcome = DbtOutcome(success=bool(res.success))
    if res.exception is not None:
        outcome.error = str(res.exception).strip()
    results = getattr(res.result, "results", None) or []
    for r in results:
        node = r.node
        rtype = str(getattr(node.resource_type, "value", node.resource_type))
        status = str(getattr(r.status, "value", r.status))
        metadata = getattr(node, "test_metadata", None)
        kwargs = getattr(metadata, "kwargs", None) or {}
        attached = getattr(node, "attached_node", None) or ""
        entry = DbtFailure(
            name=node.name,
            resource_type=rtype,
            status=status,
            message=(r.message or "").strip(),
            failures=getattr(r, "failures", None),
            relation=getattr(node, "relation_name", None) if rtype == "test" else None,
            test=getattr(metadata, "name", None),
            model=attached.rsplit(".", 1)[-1] or None,
            column=kwargs.get("column_name"),
        )
        if status == "skipped":
            outcome.skipped += 1
        elif rtype in ("test", "unit_test"):
            if status == "pass":
                outcome.tests_passed += 1
            elif status == "warn":
                outcome.tests_warned += 1
                outcome.warnings.append(entry)
            else:
                outcome.tests_failed += 1
                outcome.failures.append(entry)
        else:  # seeds and models (and snapshots) succeed or fail alike
            group = "seeds" if rtype == "seed" else "models"
            if status == "success":
                setattr(outcome, f"{group}_passed", getattr(outcome, f"{group}_passed") + 1)
            else:
                setattr(outcome, f"{group}_failed", getattr(outcome, f"{group}_failed") + 1)
                outcome.failures.append(entry)
    outcome.success = bool(res.success) and not outcome.failures and outcome.error is None
    return outcome


def _progress(on_node: Callable[[int, int | None], None]):
    """A dbt event callback counting finished nodes; the total comes from dbt's "Found …" line."""
    state = {"done": 0, "total": None}

    def callback(event) -> None:
        name = event.info.name
        if name == "FoundStats":
            counts = re.findall(r"(\d+) (models?|seeds?|data tests?|unit tests?|snapshots?)", event.info.msg)
            state["total"] = sum(int(n) for n, _ in counts) or None
        elif name == "NodeFinished":
            state["done"] += 1
            on_node(state["done"], state["total"])

    return callback


def _release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in this process, so that the caller (or a
    later read-only connection) can open the warehouse file again."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        with DuckDBConnectionManager._LOCK:
            env = DuckDBConnectionManager._ENV
            if env is not None:
                env.close()
            DuckDBConnectionManager._ENV = None
    except Exception:  # pragma: no cover - best effort, depends on dbt-duckdb internals
        pass
