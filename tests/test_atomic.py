"""Atomic publication: a build never blocks a reader nor changes what it sees, a build stopped at
any point leaves the published warehouse as it was, and two builds of one warehouse take turns."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingest.build import pipeline
from ingest.cli import cli
from ingest.contract import EXIT_LOCKED
from ingest.warehouse.publish import Publication
from ingest.warehouse.runlog import last_runs

JUESUAN = Path(sys.executable).parent / "juesuan"

READER = r"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
def view():
    return [con.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("raw.files", "raw.cells", "marts.dim_report", "marts.fct_functional")]
print(*view(), flush=True)
sys.stdin.readline()
print(*view(), flush=True)
"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def counts(path: Path) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in ("raw.files", "raw.cells", "marts.dim_report", "marts.fct_functional")]
    finally:
        con.close()


def test_a_build_while_another_process_reads(built):
    inbox, warehouse = built
    old_digest = digest(warehouse)
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = [int(x) for x in reader.stdout.readline().split()]
        assert len(first) == 4 and first[0] == 2 and first[2] == 2, reader.stderr.read()

        (inbox / "sanmenxia-2024.pdf").unlink()  # the build must remove it: dbt runs again
        result = CliRunner().invoke(cli, ["build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])
        assert result.exit_code == 0, result.output + repr(result.exception)
        assert "removed sanmenxia-2024.pdf" in result.output

        out, err = reader.communicate("\n", timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
    assert reader.returncode == 0, err
    second = [int(x) for x in out.split()]
    assert second == first  # the reader's view did not change

    now = counts(warehouse)  # a new reader sees the new build
    assert now[0] == 1 and now[2] == 1 and 0 < now[1] < first[1] and 0 < now[3] < first[3]
    previous = warehouse.with_name(warehouse.name + ".previous")
    assert digest(previous) == old_digest  # the replaced warehouse is kept, byte for byte
    assert not warehouse.with_name(warehouse.name + ".building").exists()
    run = last_runs(warehouse, 1)[0]
    assert (run["files_removed"], run["removed_files"], run["dbt_status"], run["checks_status"]) == (
        1, "sanmenxia-2024.pdf", "ok", "ok")


class Stop(Exception):
    pass


def test_a_build_stopped_during_dbt_leaves_the_published_warehouse(built):
    inbox, warehouse = built
    (inbox / "jiaozuo-2024.pdf").unlink()
    before = digest(warehouse)
    stages = []

    def stop_at_dbt(name):
        stages.append(name)
        if name == "dbt":
            raise Stop

    with pytest.raises(Stop):
        pipeline.build_warehouse([inbox], warehouse, jobs=1, on_stage=stop_at_dbt)
    assert stages == ["copy", "ingest", "dbt"]
    assert digest(warehouse) == before
    assert not warehouse.with_name(warehouse.name + ".building").exists()
    assert not warehouse.with_name(warehouse.name + ".previous").exists()
    assert counts(warehouse)[0] == 2


def test_a_killed_build_leaves_the_published_warehouse_and_its_copy_is_discarded(built):
    inbox, warehouse = built
    before = digest(warehouse)
    view = counts(warehouse)
    building = warehouse.with_name(warehouse.name + ".building")
    proc = subprocess.Popen([str(JUESUAN), "build", "--force", "--jobs", "1", "--warehouse", str(warehouse),
                             str(inbox)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not building.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert building.exists(), "the build did not start its copy"
        time.sleep(1.5)  # extracting with --force: in the middle of the ingest
        assert proc.poll() is None, "the build ended before it could be killed"
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert digest(warehouse) == before
    assert building.exists()  # what the killed build left

    result = CliRunner().invoke(cli, ["ingest", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "discarded the unfinished copy" in result.output
    assert not building.exists()
    assert counts(warehouse) == view


def test_a_second_build_of_the_same_warehouse_waits_its_turn(built):
    inbox, warehouse = built
    before = digest(warehouse)
    with Publication(warehouse):  # a build in progress
        result = CliRunner().invoke(cli, ["build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])
    assert result.exit_code == EXIT_LOCKED, result.output
    assert "another build" in result.output
    assert digest(warehouse) == before


def test_a_build_whose_dbt_fails_is_not_published(built):
    from ingest.contract import EXIT_DBT_FAILED

    inbox, warehouse = built
    con = duckdb.connect(str(warehouse))  # raw data that breaks a dbt test (accepted_values of row_kind)
    con.execute("update raw.cells set row_kind = 'neither' where row_no = 0 and col_no = 0 and table_no = 1")
    con.close()
    before = digest(warehouse)

    result = CliRunner().invoke(cli, ["build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])

    assert result.exit_code == EXIT_DBT_FAILED, result.output + repr(result.exception)
    assert "not published" in result.output
    assert digest(warehouse) == before
    failed = warehouse.with_name(warehouse.name + ".failed")
    run = last_runs(failed, 1)[0]
    assert (run["dbt_status"], run["published"], run["exit_status"]) == ("failed", False, EXIT_DBT_FAILED)
    status = CliRunner().invoke(cli, ["status", "--warehouse", str(warehouse)])
    assert status.exit_code == 0 and "not published" in status.output and run["run_id"] in status.output
