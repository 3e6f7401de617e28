"""Round trip over generated reports: random, internally consistent reports rendered in several layouts go
through the real pipeline (camelot, DuckDB, dbt build, GX checks); every generated amount must come back
exactly, with no extra facts, the metadata right and every check passing."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import duckdb
import pytest
from click.testing import CliRunner

from ingest.cli import cli
from synth.model import random_report
from synth.render import facts_for, render

# (layout, seed, unit): a modest corpus so that `make test` stays quick; `make bench` can render more
CASES = [
    ("typeset", 101, "万元"), ("typeset", 102, "元"),
    ("shanghai", 201, "万元"), ("shanghai", 202, "元"),
    ("spreadsheet", 301, "万元"), ("spreadsheet", 302, "元"),
]


def _name(layout, seed):
    return f"{layout}-{seed}.pdf"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    reports = {}
    for layout, seed, unit in CASES:
        report = random_report(seed, unit=unit)
        render(report, folder / _name(layout, seed), layout)
        reports[_name(layout, seed)] = (layout, report)
    warehouse = folder.parent / "generated.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(warehouse), str(folder)])
    return warehouse, reports, result


def _key(fact: dict, occurrence: int):
    kind = fact["kind"]
    if kind == "functional":
        return ("functional", fact["table_no"], fact["func_code"], fact["measure"])
    if kind == "economic":
        return ("economic", 6, fact["econ_code"] or fact["econ_name"], fact["measure"])
    if kind == "summary":
        return ("summary", fact["table_no"], fact["side"], fact["item_zh"], fact["measure"], occurrence)
    return ("three_public", 9, fact["stage"], fact["item"])


def _expected(report, layout) -> dict:
    out, seen = {}, Counter()
    for fact in facts_for(report, layout):
        base = (fact["kind"], fact["table_no"], fact.get("side"), fact.get("item_zh"), fact["measure"])
        key = _key(fact, seen[base])
        seen[base] += 1
        if fact["amount"] is not None:
            out[key] = Decimal(fact["amount"])
    return out


def _actual(con, report_id) -> dict:
    out = {}
    rows = con.execute("select table_no, func_code, measure, amount from marts.fct_functional "
                       "where report_id = ? and amount is not null", [report_id]).fetchall()
    for table_no, code, measure, amount in rows:
        out[("functional", table_no, code, measure)] = amount
    for code, name, amount in con.execute("select econ_code, econ_name, amount from marts.fct_economic "
                                          "where report_id = ? and amount is not null", [report_id]).fetchall():
        out[("economic", 6, code or name, "amount")] = amount
    seen = Counter()
    for table_no, side, item, measure, amount in con.execute(
            "select table_no, side, item_zh, measure, amount from marts.fct_summary where report_id = ? "
            "order by table_no, side, line_no", [report_id]).fetchall():
        base = ("summary", table_no, side, item, measure)
        if amount is not None:
            out[("summary", table_no, side, item, measure, seen[base])] = amount
        seen[base] += 1
    for stage, item, amount in con.execute("select stage, item, amount from marts.fct_three_public "
                                           "where report_id = ? and amount is not null", [report_id]).fetchall():
        out[("three_public", 9, stage, item)] = amount
    return out


def test_the_build_passes_every_check(corpus):
    _, _, result = corpus
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output


@pytest.mark.parametrize("layout,seed,unit", CASES)
def test_every_generated_amount_comes_back_exactly(corpus, layout, seed, unit):
    warehouse, reports, _ = corpus
    _, report = reports[_name(layout, seed)]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        row = con.execute("select report_id, region, department, department_type, fiscal_year, unit "
                          "from marts.dim_report where source_file = ?", [_name(layout, seed)]).fetchone()
        assert row is not None, f"{layout}-{seed} not loaded"
        report_id, *meta = row
        actual = _actual(con, report_id)
    finally:
        con.close()
    expected_meta = report.metadata()
    assert meta == [expected_meta[k] for k in ("region", "department", "department_type", "fiscal_year", "unit")]
    expected = _expected(report, layout)
    missing = {k: v for k, v in expected.items() if actual.get(k) != v}
    extra = {k: v for k, v in actual.items() if k not in expected}
    assert not missing, f"recall < 100%: {len(missing)} of {len(expected)} amounts not found, e.g. {list(missing.items())[:5]}"
    assert not extra, f"precision < 100%: {len(extra)} facts not generated, e.g. {list(extra.items())[:5]}"
