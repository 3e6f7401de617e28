"""`juesuan export` and `juesuan query` on the sample build."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from ingest.cli.render import _width, format_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _marts(path) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("command", ["export", "query"])
def test_help_has_an_example_and_the_readme_the_command(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"juesuan {command}" in README


def test_export_parquet_every_mart_with_its_types(sample_warehouse, tmp_path):
    out = tmp_path / "parquet"
    result = CliRunner().invoke(cli, ["export", "--format", "parquet", "--warehouse", str(sample_warehouse), str(out)])
    assert result.exit_code == 0, result.output
    names = _marts(sample_warehouse)
    assert {"dim_report", "fct_functional", "cmp_department_year", "v_fact_provenance"} <= set(names)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.parquet" for n in names)
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        for name in names:
            file = str(out / f"{name}.parquet")
            assert con.execute(f"select count(*) from read_parquet('{file}')").fetchone() == \
                con.execute(f"select count(*) from marts.{name}").fetchone(), name
        types = dict(con.execute(
            f"select column_name, column_type from (describe select * from read_parquet('{out}/fct_functional.parquet'))"
        ).fetchall())
        assert types["amount"] == "DECIMAL(18,2)" and types["amount_yuan"] == "DECIMAL(20,2)"
        assert types["func_code"] == "VARCHAR"
        # the same rows, exactly
        assert con.execute(f"""
            select count(*) from (select * from marts.cmp_department_year
                                  except select * from read_parquet('{out}/cmp_department_year.parquet'))
        """).fetchone() == (0,)
    finally:
        con.close()


def test_export_csv(sample_warehouse, tmp_path):
    out = tmp_path / "csv" / "nested"
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-w", str(sample_warehouse), str(out)])
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*.csv"))) == len(_marts(sample_warehouse))
    with open(out / "cmp_department_year.csv", encoding="utf-8", newline="") as f:
        rows = {r["region"]: r for r in csv.DictReader(f)}
    assert rows["焦作市"]["total_expenditure_yuan"] == "16421400.00"  # exact, not 1.64214E7
    assert rows["焦作市"]["personnel_share"] == "0.9463"
    with open(out / "fct_functional.csv", encoding="utf-8", newline="") as f:
        codes = {r["func_code"] for r in csv.DictReader(f)}
    assert {"201", "20103", "2010301", ""} <= codes  # codes as text; the 合计 row's NULL is empty


def test_export_without_warehouse_says_what_to_do(tmp_path):
    result = CliRunner().invoke(cli, ["export", "-w", str(tmp_path / "none.duckdb"), str(tmp_path / "out")])
    assert result.exit_code == 2  # as query and status: no warehouse is an input error
    assert "no warehouse at" in result.output and "juesuan build" in result.output
    assert not (tmp_path / "out").exists()


def test_query_prints_an_aligned_table(sample_warehouse):
    result = CliRunner().invoke(cli, [
        "query", "-w", str(sample_warehouse),
        "select region, department_type, personnel_yuan, three_public_budget_yuan - 2000 as x "
        "from marts.cmp_department_year order by region"])
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip("\n").split("\n")
    assert lines[0].split() == ["region", "department_type", "personnel_yuan", "x"]
    assert lines[-1] == "(2 rows)"
    body = lines[2:-1]
    assert [line.split()[0] for line in body] == ["三门峡市", "焦作市"]
    assert "5805300.00" in body[0] and "11220800.00" in body[1]
    assert len({_width(line) for line in lines[:-1]}) == 1  # CJK counted two columns: all lines as wide


def test_query_csv_and_nulls(sample_warehouse):
    result = CliRunner().invoke(cli, [
        "query", "--csv", "-w", str(sample_warehouse),
        "select region, cast(null as integer) as nothing, project_share from marts.cmp_department_year order by 1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows == [["region", "nothing", "project_share"], ["三门峡市", "", "0.7460"], ["焦作市", "", "0.2777"]]


def test_query_error_gives_a_hint(sample_warehouse):
    result = CliRunner().invoke(cli, ["query", "-w", str(sample_warehouse), "select * from marts.no_such_table"])
    assert result.exit_code == 1
    assert "no_such_table" in result.output and "information_schema.tables" in result.output


def test_query_opens_read_only(sample_warehouse):
    """Runs while another connection holds the file read-only (a writer would be refused its lock)."""
    holder = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ingest", "query", "-w", str(sample_warehouse),
             "select count(*) as n from marts.dim_report"],
            capture_output=True, text=True, timeout=120, cwd=ROOT)
    finally:
        holder.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[2].strip() == "2"


def test_format_table_aligns_numbers_right_and_keeps_decimals():
    from decimal import Decimal

    text = format_table(["名称", "amount"], [("公务接待费", Decimal("0.12")), ("合计", None), ("x", Decimal("10.00"))])
    lines = text.split("\n")
    assert lines[2] == "公务接待费    0.12"
    assert lines[3] == "合计          NULL"
    assert lines[4] == "x            10.00"
    assert lines[-1] == "(3 rows)"


# ---------------------------------------------------------------- what operators and analysts meet first

def test_a_missing_warehouse_gives_the_same_status_everywhere(tmp_path):
    missing = str(tmp_path / "none.duckdb")
    for args in (["query", "-w", missing, "select 1"], ["status", "-w", missing],
                 ["export", "-w", missing, str(tmp_path / "out")]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "no warehouse at" in result.output and "Traceback" not in result.output


def test_csv_export_has_a_byte_order_mark_for_excel(sample_warehouse, tmp_path):
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-w", str(sample_warehouse), str(tmp_path / "csv")])
    assert result.exit_code == 0, result.output
    data = (tmp_path / "csv" / "dim_report.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfreport_id,")
    assert "焦作市" in data[3:].decode("utf-8")
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "--no-bom", "-w", str(sample_warehouse),
                                      str(tmp_path / "plain")])
    assert (tmp_path / "plain" / "dim_report.csv").read_bytes().startswith(b"report_id,")


def test_export_to_a_folder_that_cannot_be_written_is_one_line(sample_warehouse, tmp_path):
    # a folder below a plain file cannot be made, whoever runs the test (root included)
    (tmp_path / "a-file").write_text("x")
    result = CliRunner().invoke(cli, ["export", "-w", str(sample_warehouse), str(tmp_path / "a-file" / "out")])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "cannot write the export" in result.output


def test_query_several_statements_empty_sql_and_wide_results(sample_warehouse):
    result = CliRunner().invoke(cli, ["query", "-w", str(sample_warehouse),
                                      "select count(*) as n from marts.dim_report; select 2 as two"])
    assert result.exit_code == 0, result.output
    assert "-- select count(*) as n from marts.dim_report;" in result.output and "-- select 2 as two" in result.output
    for empty in ("", "  ", ";"):
        result = CliRunner().invoke(cli, ["query", "-w", str(sample_warehouse), empty])
        assert result.exit_code == 2 and "no SQL given" in result.output
    result = CliRunner().invoke(cli, ["query", "-w", str(sample_warehouse), "select * from nowhere"])
    assert result.exit_code == 1 and "nowhere" in result.output


def test_a_table_fits_the_terminal_and_groups_amounts_only_there():
    rows = [("一般公共服务支出" * 6, Decimal("16421400.00"))]
    wide = format_table(["name", "amount"], rows)
    assert "16421400.00" in wide and "…" not in wide
    fitted = format_table(["name", "amount"], rows, max_width=40, grouped=True)
    assert all(_width(line) <= 40 for line in fitted.splitlines()[:-1])
    assert "16,421,400.00" in fitted and "…" in fitted
