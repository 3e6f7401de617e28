"""Shared fixtures: the sample PDFs, the published golden text beside them, and warehouses built from them."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ helpers: golden, badfiles, synth

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# Tests run in parallel processes (pytest-xdist, `make test`): each keeps dbt's compiled project and logs
# in a folder of its own, so that two builds at once never share dbt's target/.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
os.environ.setdefault("DBT_TARGET_PATH", str(ROOT / "dbt_project" / "target" / f"pytest-{_WORKER}"))
os.environ.setdefault("DBT_LOG_PATH", str(ROOT / "dbt_project" / "logs" / f"pytest-{_WORKER}"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    return ROOT / "data" / "samples"


@pytest.fixture(scope="session")
def real_dir() -> Path:
    path = SHARED / "real"
    if not path.is_dir():
        pytest.skip(f"{path} is not here (../shared/real beside the project)")
    return path


@pytest.fixture(scope="session")
def golden():
    import golden as golden_module

    return golden_module.load_golden()


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory, samples_dir) -> Path:
    """A DuckDB file after `juesuan ingest` of both sample PDFs (raw schema only)."""
    from ingest.build.ingest import ingest

    path = tmp_path_factory.mktemp("raw") / "warehouse.duckdb"
    summary = ingest([samples_dir], path, jobs=1)
    assert not summary.failed, summary.failed
    return path


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory, samples_dir) -> Path:
    """A DuckDB file after a real `juesuan build` of both sample PDFs: ingest, dbt build, GX checks."""
    from click.testing import CliRunner

    from ingest.cli import cli

    path = tmp_path_factory.mktemp("built") / "warehouse.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(path), str(samples_dir)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return path


@pytest.fixture
def built(tmp_path, sample_warehouse, samples_dir) -> tuple[Path, Path]:
    """An inbox holding the two sample PDFs and a copy of the warehouse `juesuan build` made of them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for pdf in samples_dir.glob("*.pdf"):
        shutil.copyfile(pdf, inbox / pdf.name)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_warehouse, warehouse)
    return inbox, warehouse


@pytest.fixture(scope="session")
def putuo_warehouse(tmp_path_factory, samples_dir, real_dir) -> Path:
    """A real `juesuan build` of the samples and the two Putuo final accounts of ../shared/real (not the
    budget report beside them). Their narratives contradict their tables (see tests/test_narrative_checks.py):
    the build exits 4, and every failed check is a narrative one. Shared by the modules that read them (the
    notebook, the audit, the narrative checks)."""
    import duckdb
    from click.testing import CliRunner

    from ingest.cli import cli

    inbox = tmp_path_factory.mktemp("putuo_inbox")
    for pdf in sorted(samples_dir.glob("*.pdf")) + [real_dir / "putuo-finance-2024.pdf",
                                                    real_dir / "putuo-social-work-2024.pdf"]:
        shutil.copyfile(pdf, inbox / pdf.name)
    path = tmp_path_factory.mktemp("putuo_built") / "warehouse.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(path), str(inbox)])
    assert result.exit_code == 4, result.output + repr(result.exception)
    con = duckdb.connect(str(path), read_only=True)
    try:
        families = con.execute("select distinct family from quality.check_results "
                               "where severity = 'error' and not passed").fetchall()
    finally:
        con.close()
    assert families == [("narrative",)], result.output
    return path
