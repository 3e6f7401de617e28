"""The Dagster definitions (ingest/orchestrate/dagster.py): the nightly job materialised in process, offline,
on the two sample PDFs into a temporary warehouse; then again with nothing new, with an altered amount, and
while another build holds the warehouse."""

from __future__ import annotations

import ipaddress
import socket
from collections import Counter
from decimal import Decimal

import dagster as dg
import duckdb
import pytest
from golden import expected_facts

from ingest.orchestrate import dagster as orchestration
from ingest.warehouse.publish import Publication

SUITE_CHECKS = {(dg.AssetKey(["quality", f"check_{s}"]), "reconciled") for s in orchestration.SUITES}
ALL_CHECKS = SUITE_CHECKS | {(orchestration.RAW_KEY, "files_loaded")}
ALL_ASSETS = {orchestration.RAW_KEY, orchestration.CHECK_RESULTS_KEY, *(s.key for s in orchestration.DBT_SPECS)}


@pytest.fixture
def offline(monkeypatch):
    """Refuse (and record) every connection this process opens to an address off the machine: Dagster's
    telemetry and dbt's usage tracking would be such connections."""
    attempts = []
    connect = socket.socket.connect

    def guarded(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                local = ipaddress.ip_address(host).is_loopback
            except ValueError:
                local = host == "localhost"
            if not local:
                attempts.append(address)
                raise OSError(f"test is offline: connection to {address} refused")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return attempts


def _run(instance, inbox, warehouse, **kwargs):
    job = orchestration.defs.resolve_job_def("juesuan_nightly")
    config = {"resources": {"juesuan": {"config": {"inbox": str(inbox), "warehouse": str(warehouse), "jobs": 2}}}}
    return job.execute_in_process(run_config=config, instance=instance, **kwargs)


def _materialised(result) -> dict[dg.AssetKey, dict]:
    return {e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()}


def _checks(result) -> dict[tuple[dg.AssetKey, str], object]:
    return {(c.asset_key, c.check_name): c for c in result.get_asset_check_evaluations()}


def _alter_three_public(warehouse, report_id: str) -> None:
    """Add 1.00 to the printed 公务接待费 actual of 公开09表 (raw.cells, as if the PDF had printed it)."""
    con = duckdb.connect(str(warehouse))
    try:
        [(row_no, col_no, text)] = con.execute(
            """select c.row_no, c.col_no, c.text from raw.cells c
               join raw.table_columns t using (report_id, table_no, col_no)
               where c.report_id = ? and c.table_no = 9 and c.row_kind = 'body' and t.role = 'amount'
                 and (t.header_zh = '决算数/公务接待费' or t.header_zh like '%/决算数/公务接待费')""",
            [report_id]).fetchall()
        new = f"{Decimal(text.replace(',', '')) + Decimal('1.00'):,.2f}"
        con.execute("update raw.cells set text = ? where report_id = ? and table_no = 9 and row_no = ? "
                    "and col_no = ?", [new, report_id, row_no, col_no])
    finally:
        con.close()


def test_nightly_job_builds_checks_and_publishes_offline(tmp_path, samples_dir, golden, offline):
    warehouse = tmp_path / "warehouse.duckdb"
    home = tmp_path / "dagster_home"
    home.mkdir()
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        # 1. from scratch: every asset materialised, every check passed, the samples' facts published
        first = _run(instance, samples_dir, warehouse)
        assert first.success
        materialised = _materialised(first)
        assert set(materialised) == ALL_ASSETS
        assert materialised[orchestration.RAW_KEY]["files_new"].value == 2
        assert materialised[orchestration.RAW_KEY]["exit_status"].value == 0
        checks = _checks(first)
        assert set(checks) == ALL_CHECKS
        assert all(c.passed for c in checks.values()), {k: c.metadata for k, c in checks.items() if not c.passed}
        assert all(checks[k].metadata["evaluated"].value > 0 for k in SUITE_CHECKS)

        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            reports = dict(con.execute("select source_file, report_id from marts.dim_report").fetchall())
            assert set(reports) == {"jiaozuo-2024.pdf", "sanmenxia-2024.pdf"}
            for key, report in golden.items():
                actual = con.execute("select func_code, measure, amount from marts.fct_functional "
                                     "where report_id = ? and table_no = 3 and amount is not null",
                                     [report.report_id]).fetchall()
                assert Counter(actual) == Counter(expected_facts(report, 3)), key
            rows = con.execute("select count(*) from marts.fct_functional").fetchone()[0]
            runs = con.execute("select count(*) from raw.runs where published").fetchone()[0]
        finally:
            con.close()
        assert materialised[dg.AssetKey(["marts", "fct_functional"])]["dagster/row_count"].value == rows
        assert runs == 1

        # 2. nothing new: raw re-examined (a run row), dbt and the checks skipped, the verdicts still hold
        second = _run(instance, samples_dir, warehouse)
        assert second.success
        assert set(_materialised(second)) == {orchestration.RAW_KEY}, (set(_materialised(second)), _materialised(second)[orchestration.RAW_KEY])
        assert _materialised(second)[orchestration.RAW_KEY]["files_unchanged"].value == 2
        assert all(c.passed for c in _checks(second).values())

        # 3. an amount that no longer adds up: published (exit bit 4), its suite's check fails with examples
        jiaozuo = reports["jiaozuo-2024.pdf"]
        _alter_three_public(warehouse, jiaozuo)
        third = _run(instance, samples_dir, warehouse)
        assert third.success  # a failed reconciliation does not stop publication
        assert set(_materialised(third)) == ALL_ASSETS
        assert _materialised(third)[orchestration.RAW_KEY]["exit_status"].value == 4
        checks = _checks(third)
        failed = {k for k, c in checks.items() if not c.passed}
        three_public = (dg.AssetKey(["quality", "check_three_public"]), "reconciled")
        # the narrative states 公务接待费 as printed before the alteration: its check fails too
        narrative = (dg.AssetKey(["quality", "check_narrative"]), "reconciled")
        assert failed == {three_public, narrative}
        assert checks[three_public].severity == dg.AssetCheckSeverity.ERROR
        assert checks[three_public].metadata["failed"].value == 1
        examples = checks[three_public].metadata["examples"].value
        assert "jiaozuo-2024.pdf" in examples and "three_public_total" in examples and "09 actual total" in examples
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            [(page,)] = con.execute(
                "select page from quality.check_results where not passed and suite = 'three_public'"
            ).fetchall()
        finally:
            con.close()
        assert f"| {page} |" in examples

        # 4. another build holds the warehouse: the step fails, nothing changes
        before = warehouse.read_bytes()
        with Publication(warehouse):
            fourth = _run(instance, samples_dir, warehouse, raise_on_error=False)
        assert not fourth.success
        [failure] = fourth.get_step_failure_events()
        assert "another build" in failure.step_failure_data.error.message
        assert warehouse.read_bytes() == before

        # 5. an inbox without PDFs (an unmounted share): the step fails, nothing changes
        empty = tmp_path / "empty"
        empty.mkdir()
        fifth = _run(instance, empty, warehouse, raise_on_error=False)
        assert not fifth.success
        [failure] = fifth.get_step_failure_events()
        assert "not published" in failure.step_failure_data.error.message
        assert warehouse.read_bytes() == before
    assert offline == []


def test_nightly_schedule_runs_the_job_at_0230():
    [schedule] = orchestration.defs.schedules
    assert schedule.cron_schedule == "30 2 * * *"
    assert schedule.job_name == "juesuan_nightly"
    assert orchestration.defs.resolve_job_def(schedule.job_name) is not None


def test_every_check_suite_has_its_dbt_model_asset():
    dbt_keys = {spec.key for spec in orchestration.DBT_SPECS}
    assert orchestration.SUITES  # read from the check catalogue
    assert {key for key, _ in SUITE_CHECKS} <= dbt_keys
    assert {dg.AssetKey(["marts", "fct_functional"]), dg.AssetKey(["marts", "dim_report"])} <= dbt_keys


def test_paths_default_to_the_samples_and_the_project_warehouse():
    from ingest.paths import DEFAULT_WAREHOUSE, SAMPLES_DIR

    resource = orchestration.JuesuanWarehouse()
    assert (resource.inbox, resource.warehouse) == ("data/samples", "data/warehouse.duckdb")
    assert (resource.inbox_path(), resource.warehouse_path()) == (SAMPLES_DIR, DEFAULT_WAREHOUSE)
