"""Incremental builds: nothing new means no extraction and no changed row; one new PDF is the
only one read; every run is logged in raw.runs and shown by `juesuan status`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
from click.testing import CliRunner

import ingest.build.executors
from ingest.cli import cli
from ingest.warehouse.runlog import last_runs


def snapshot(warehouse: Path) -> dict[str, list[str]]:
    """Every row of every table (raw.runs, the log, aside), in a stable order."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = con.execute("select schema_name, table_name from duckdb_tables() where not internal "
                             "order by all").fetchall()
        return {f"{s}.{t}": sorted(repr(row) for row in con.execute(f'select * from "{s}"."{t}"').fetchall())
                for s, t in tables if (s, t) != ("raw", "runs")}
    finally:
        con.close()


def _reading_spy(monkeypatch) -> list[str]:
    """The names of the files the run sends to be read (to its worker processes)."""
    sent: list[str] = []
    real = ingest.build.executors.map_unordered

    def spy(function, items, **kwargs):
        sent.extend(item.source_file for item in items)
        return real(function, items, **kwargs)

    monkeypatch.setattr(ingest.build.executors, "map_unordered", spy)
    return sent


def test_a_build_with_nothing_new_reads_nothing_and_changes_no_row(built, monkeypatch):
    inbox, warehouse = built
    before = snapshot(warehouse)
    assert before["raw.cells"] and before["marts.fct_functional"] and before["quality.check_results"]
    runs_before = len(last_runs(warehouse, 100))
    sent = _reading_spy(monkeypatch)

    result = CliRunner().invoke(cli, ["build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])

    assert result.exit_code == 0, result.output + repr(result.exception)
    assert sent == []
    assert "dbt build and checks skipped" in result.output
    assert snapshot(warehouse) == before
    runs = last_runs(warehouse, 100)
    assert len(runs) == runs_before + 1
    run = runs[0]
    assert (run["files_new"], run["files_changed"], run["files_unchanged"], run["files_removed"],
            run["files_failed"], run["pages_extracted"]) == (0, 0, 2, 0, 0, 0)
    assert (run["command"], run["dbt_status"], run["checks_status"], run["exit_status"], run["published"]) == (
        "build", "skipped", "skipped", 0, True)
    assert run["ended_at"] >= run["started_at"]
    assert run["code_version"].startswith("juesuan ")

    status = CliRunner().invoke(cli, ["status", "--warehouse", str(warehouse), "-n", "2"])
    assert status.exit_code == 0, status.output
    lines = status.output.splitlines()
    assert lines[0] == f"no build of {warehouse} is running"
    assert lines[2].startswith(run["run_id"]) and "skipped" in lines[2]
    assert len(lines) == 4  # the build line, the header and two runs


def test_one_new_pdf_is_the_only_file_read(built, monkeypatch, tmp_path):
    from synth.corpus import write_corpus

    inbox, warehouse = built
    write_corpus(inbox / "more", 1, layouts=("typeset",))
    files_before = snapshot(warehouse)["raw.files"]
    sent = _reading_spy(monkeypatch)
    result = CliRunner().invoke(cli, ["ingest", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])

    assert result.exit_code == 0, result.output + repr(result.exception)
    assert sent == ["more/synth-1000-typeset.pdf"]
    run = last_runs(warehouse, 1)[0]
    assert (run["command"], run["files_new"], run["files_unchanged"], run["files_failed"]) == ("ingest", 1, 2, 0)
    assert run["pages_extracted"] > 0
    files_after = snapshot(warehouse)["raw.files"]
    assert set(files_before) < set(files_after)  # the old rows are untouched, ingested_at included
    assert len(files_after) == 3


def test_status_of_a_warehouse_that_does_not_exist(tmp_path):
    result = CliRunner().invoke(cli, ["status", "--warehouse", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "juesuan build" in result.output


def test_the_warehouse_is_not_held_while_files_are_read(built, monkeypatch):
    """The command reads first and writes after: while the workers read, no connection holds the copy it
    builds on (another process can open it for writing), so DuckDB's memory and theirs are never needed
    at once."""
    from synth.corpus import write_corpus

    inbox, warehouse = built
    write_corpus(inbox / "more", 1, layouts=("typeset",))
    building = warehouse.with_name(warehouse.name + ".building")
    opened: list[int] = []
    real = ingest.build.executors.map_unordered

    def check_then_read(function, items, **kwargs):
        probe = subprocess.run([sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()",
                                str(building)], capture_output=True, text=True)
        opened.append(probe.returncode)
        return real(function, items, **kwargs)

    monkeypatch.setattr(ingest.build.executors, "map_unordered", check_then_read)
    result = CliRunner().invoke(cli, ["ingest", "--jobs", "1", "--warehouse", str(warehouse), str(inbox)])
    assert result.exit_code == 0, result.output
    assert opened == [0]
