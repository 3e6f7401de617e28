"""What operators do by habit never loses or blocks the warehouse: each scenario through the `juesuan`
command on real PDFs (README, Nightly runs)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import badfiles
from ingest.cli import cli
from ingest.warehouse.runlog import last_runs

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------------- a file is known by its path

def test_a_renamed_file_is_a_move_and_so_is_pointing_at_the_parent_folder(built):
    inbox, warehouse = built
    before = query(warehouse, "select report_id, ingested_at from raw.files where source_file = 'jiaozuo-2024.pdf'")
    facts = query(warehouse, "select count(*) from marts.fct_functional")
    (inbox / "jiaozuo-2024.pdf").rename(inbox / "焦作-2024.pdf")

    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 0, output
    assert "moved jiaozuo-2024.pdf -> 焦作-2024.pdf" in output
    after = query(warehouse, "select report_id, ingested_at, status from raw.files where source_file = '焦作-2024.pdf'")
    assert after == [(*before[0], "loaded")]  # the same row: not read again
    assert query(warehouse, f"select source_file from marts.dim_report where report_id = '{before[0][0]}'") == [
        ("焦作-2024.pdf",)]
    assert query(warehouse, "select count(*) from marts.fct_functional") == facts
    run_row = last_runs(warehouse, 1)[0]
    assert (run_row["files_moved"], run_row["moved_files"], run_row["pages_extracted"]) == (
        1, "jiaozuo-2024.pdf -> 焦作-2024.pdf", 0)

    # the build pointed at the inbox's parent folder: every name gains the folder, every file moves
    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox.parent))
    assert status == 0, output
    names = {n for (n,) in query(warehouse, "select source_file from raw.files")}
    assert names == {"inbox/焦作-2024.pdf", "inbox/sanmenxia-2024.pdf"}
    assert last_runs(warehouse, 1)[0]["files_moved"] == 2
    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox.parent))
    assert status == 0 and "skipped" in output, output


def test_the_same_name_in_two_folders_stays_two_files(tmp_path, samples_dir):
    for folder, sample in (("A", "jiaozuo-2024.pdf"), ("B", "sanmenxia-2024.pdf")):
        (tmp_path / folder).mkdir()
        shutil.copyfile(samples_dir / sample, tmp_path / folder / "2024.pdf")
    warehouse = tmp_path / "w.duckdb"
    status, output = run("ingest", "--jobs", "1", "--warehouse", str(warehouse), str(tmp_path / "A"), str(tmp_path / "B"))
    assert status == 0, output
    assert "2 loaded" in output
    assert query(warehouse, "select source_file from raw.files order by 1") == [("A/2024.pdf",), ("B/2024.pdf",)]
    assert query(warehouse, "select count(*) from raw.reports") == [(2,)]
    # the files named one by one, likewise
    status, output = run("ingest", "--jobs", "1", "--warehouse", str(warehouse),
                         str(tmp_path / "A" / "2024.pdf"), str(tmp_path / "B" / "2024.pdf"))
    assert status == 0, output
    assert query(warehouse, "select source_file, status from raw.files order by 1") == [
        ("A/2024.pdf", "loaded"), ("B/2024.pdf", "loaded")]


def test_a_copy_beside_the_first_is_a_duplicate_and_takes_its_place_when_the_first_goes(built):
    inbox, warehouse = built
    shutil.copyfile(inbox / "jiaozuo-2024.pdf", inbox / "copy.pdf")
    status, output = run("ingest", "--jobs", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 0 and "1 duplicate" in output, output
    # ingest given the copy alone, the first still on disk: still a duplicate
    status, output = run("ingest", "--jobs", "1", "--warehouse", str(warehouse), str(inbox / "copy.pdf"))
    assert status == 0 and "1 unchanged" in output, output
    (inbox / "jiaozuo-2024.pdf").unlink()
    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 0, output
    assert "moved jiaozuo-2024.pdf -> copy.pdf" in output and "0 loaded" in output
    assert query(warehouse, "select source_file, status from raw.files order by 1") == [
        ("copy.pdf", "loaded"), ("sanmenxia-2024.pdf", "loaded")]
    assert query(warehouse, "select count(*) from marts.dim_report") == [(2,)]


# ------------------------------------------------------------------------------ removal is never silent

def test_an_empty_inbox_changes_nothing(built, tmp_path):
    _, warehouse = built
    empty = tmp_path / "share"
    empty.mkdir()
    before = digest(warehouse)
    status, output = run("build", "--warehouse", str(warehouse), str(empty))
    assert status == 2, output
    assert "no PDF in" in output and "unchanged" in output
    assert digest(warehouse) == before


def test_build_without_inputs_is_a_usage_error(built):
    _, warehouse = built
    before = digest(warehouse)
    status, output = run("build", "--warehouse", str(warehouse))
    assert status == 2 and "give the PDFs to read" in output, output
    assert digest(warehouse) == before


def test_removing_most_reports_needs_allow_removal(built, tmp_path):
    inbox, warehouse = built
    other = tmp_path / "other"
    other.mkdir()
    badfiles.text_file(other, "note.pdf")  # a folder that is not the inbox: would remove both reports
    before = digest(warehouse)
    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(other))
    assert status == 2, output
    assert "would remove 2 of the 2 reports" in output and "jiaozuo-2024.pdf" in output
    assert "--allow-removal" in output
    assert digest(warehouse) == before
    status, output = run("build", "--jobs", "1", "--allow-removal", "--warehouse", str(warehouse), str(other))
    assert status == 1, output  # published: the note is a failed file
    assert query(warehouse, "select count(*) from raw.reports") == [(0,)]


# ----------------------------------------------------------------------- one odd report blocks no one

def test_a_report_with_a_header_no_measure_knows_is_quarantined_and_the_others_publish(built, monkeypatch):
    from synth import render
    from synth.model import random_report

    inbox, warehouse = built
    labels = list(render.FUNC_HEADERS[2])
    monkeypatch.setitem(render.FUNC_HEADERS, 2, ["本年收入总额（自编栏）"] + labels[1:])
    render.render(random_report(4242), inbox / "odd.pdf", "typeset")

    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 1, output  # published, with the files bit
    assert "QUARANTINED odd.pdf" in output and "published" in output
    (row,) = query(warehouse, "select status, error from marts.source_files where source_file = 'odd.pdf'")
    assert row[0] == "quarantined"
    assert "int_columns_measured.measure is empty" in row[1] and "本年收入总额（自编栏）" in row[1]
    assert query(warehouse, "select count(*) from marts.dim_report") == [(2,)]
    odd_id = query(warehouse, "select report_id from raw.files where source_file = 'odd.pdf'")[0][0]
    assert query(warehouse, f"select count(*) from marts.fct_functional where report_id = '{odd_id}'") == [(0,)]
    assert query(warehouse, "select count(*) from quality.check_results where not passed and severity = 'error'") == [(0,)]
    assert query(warehouse, "select count(*) from information_schema.schemata where schema_name = 'audit'") == [(0,)]
    # the next run with nothing new says the same (the bits describe the published warehouse)
    status, output = run("build", "--jobs", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 1 and "QUARANTINED odd.pdf" in output, output


# ------------------------------------------------------------------------------------ bounds per file

def test_hostile_and_oversized_files_fail_alone(tmp_path, samples_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copyfile(samples_dir / "jiaozuo-2024.pdf", inbox / "good.pdf")  # 26 pages
    shutil.copyfile(samples_dir / "sanmenxia-2024.pdf", inbox / "long.pdf")  # 28 pages
    badfiles.decompression_bomb_pdf(inbox)  # 233 KB, one page inflating to 114 MiB
    warehouse = tmp_path / "w.duckdb"
    status, output = run("ingest", "--jobs", "2", "--max-pages", "27", "--warehouse", str(warehouse), str(inbox))
    assert status == 1, output
    rows = {n: (s, c, p) for n, s, c, p in query(warehouse, "select source_file, status, error_code, page_count "
                                                           "from raw.files")}
    assert rows == {"good.pdf": ("loaded", None, 26), "long.pdf": ("failed", "too_large", 28),
                    "bomb.pdf": ("failed", "too_large", 1)}
    assert "28 pages" in output and "inflate to 114 MiB" in output


def test_the_time_limit_stops_a_file_and_the_others_go_on(tmp_path, samples_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    import pypdf

    slow = pypdf.PdfWriter()  # four copies of a report: 104 pages, several seconds to read
    for _ in range(4):
        slow.append(samples_dir / "jiaozuo-2024.pdf")
    slow.write(inbox / "slow.pdf")
    warehouse = tmp_path / "w.duckdb"
    status, output = run("ingest", "--jobs", "1", "--timeout", "1", "--warehouse", str(warehouse), str(inbox))
    assert status == 1, output
    assert query(warehouse, "select status, error_code from raw.files") == [("failed", "timeout")]
    assert "took over 1 s" in output


def test_a_worker_over_its_memory_ceiling_is_replaced():
    from ingest.build import executors

    results = list(executors.run_local(_allocate, [1, 900, 2], 1,
                                       limits=executors.Limits(memory_mib=300, seconds=60),
                                       on_limit=lambda item, kind, detail: (item, kind)))
    assert sorted(results, key=str) == sorted([(1, "ok"), (900, "too_large"), (2, "ok")], key=str)


def _allocate(mib: int):
    block = bytearray(mib << 20)
    for i in range(0, len(block), 4096):  # touch every page: resident, not just reserved
        block[i] = 1
    time.sleep(0.5)
    return (mib, "ok")


# --------------------------------------------------------------------------------- stopped cleanly

@pytest.mark.parametrize("sig, expected", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_build_exits_with_the_signal_and_publishes_nothing(built, sig, expected):
    inbox, warehouse = built
    shutil.copyfile(ROOT / "data" / "samples" / "jiaozuo-2024.pdf", inbox / "again.pdf")
    (inbox / "again.pdf").write_bytes((inbox / "again.pdf").read_bytes() + b"\n% changed\n")
    before = digest(warehouse)
    process = subprocess.Popen([sys.executable, "-m", "ingest", "build", "--jobs", "1", "--warehouse",
                                str(warehouse), str(inbox)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    building = warehouse.with_name(warehouse.name + ".building")
    deadline = time.monotonic() + 60
    while not building.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(process.pid, sig)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == expected, output
    assert "nothing was published" in output
    assert digest(warehouse) == before
    assert not building.exists()


def test_a_warehouse_location_that_cannot_be_written_is_one_line(tmp_path, samples_dir):
    (tmp_path / "a-file").write_text("x")
    status, output = run("ingest", "--warehouse", str(tmp_path / "a-file" / "w.duckdb"), str(samples_dir))
    assert status == 2, output
    assert "cannot write" in output and "Traceback" not in output and output.count("\n") == 1


def test_status_says_whether_a_build_is_running(built):
    import fcntl

    _, warehouse = built
    status, output = run("status", "--warehouse", str(warehouse))
    assert status == 0 and output.splitlines()[0] == f"no build of {warehouse} is running"
    lock = warehouse.with_name(warehouse.name + ".lock")
    with open(lock, "w") as held:  # what a running build holds
        held.write("pid 4242 since 2026-12-01 02:30:00 UTC\n")
        held.flush()
        fcntl.flock(held, fcntl.LOCK_EX)
        status, output = run("status", "--warehouse", str(warehouse))
    assert status == 0
    assert output.splitlines()[0] == f"a build of {warehouse} is running now (pid 4242 since 2026-12-01 02:30:00 UTC)"


def test_progress_moves_through_the_stages_and_dbt_nodes(built):
    from ingest.build.pipeline import build_warehouse

    inbox, warehouse = built
    (inbox / "sanmenxia-2024.pdf").rename(inbox / "三门峡-2024.pdf")  # a move: dbt runs, nothing is read
    stages, nodes = [], []
    result = build_warehouse([inbox], warehouse, jobs=1, on_stage=stages.append,
                             on_node=lambda done, total: nodes.append((done, total)))
    assert result.exit_status == 0 and result.published
    assert stages == ["copy", "ingest", "dbt", "checks", "publish"]
    done = [d for d, _ in nodes]
    assert done == list(range(1, len(nodes) + 1))  # one call per finished node, in order
    totals = {t for _, t in nodes}
    assert totals == {len(nodes)}  # the total dbt announced is the number of nodes that finished
