"""The Dask path: extraction fanned out over a dask.distributed cluster gives the same raw rows
as the local path, written by the one writer."""

from __future__ import annotations

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli

distributed = pytest.importorskip("distributed", reason="pip install '.[dask]'")

RAW_TABLES = ("raw.files", "raw.reports", "raw.report_tables", "raw.table_columns", "raw.cells")


def rows(warehouse, table: str) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(f"select * exclude (ingested_at) from {table}" if table == "raw.files"
                             else f"select * from {table}")
        return sorted(cursor.fetchall(), key=repr)
    finally:
        con.close()


def test_dask_cluster_gives_the_same_raw_rows(tmp_path, samples_dir, sample_raw):
    warehouse = tmp_path / "dask.duckdb"
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = CliRunner().invoke(cli, ["ingest", "--executor", "dask", "--scheduler",
                                          cluster.scheduler_address, "--warehouse", str(warehouse),
                                          str(samples_dir)])
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "2 loaded" in result.output
    for table in RAW_TABLES:
        local = rows(sample_raw, table)
        assert local, table
        assert rows(warehouse, table) == local, table


def test_scheduler_needs_the_dask_executor(samples_dir, tmp_path):
    result = CliRunner().invoke(cli, ["ingest", "--scheduler", "tcp://127.0.0.1:1", "--warehouse",
                                      str(tmp_path / "w.duckdb"), str(samples_dir)])
    assert result.exit_code == 2
    assert "--executor dask" in result.output
