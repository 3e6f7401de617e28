"""The check catalogue (dbt_project/seeds/check_catalog.csv) is the one home of the checks: the Great
Expectations suites are built from it and one template, expectations/README.md lists it, and the checks
the dbt models evaluate are exactly the catalogued ones (with the catalogue's family and severity in
quality.check_comparisons and quality.check_results).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.build.checks import ChecksInvalid, build_suites, load_catalog, load_config, validate
from ingest.paths import EXPECTATIONS_DIR
from ingest.warehouse import schema

ROOT = Path(__file__).resolve().parents[1]
CATALOG = load_catalog()
TEMPLATE = json.loads((EXPECTATIONS_DIR / "suites" / "template.json").read_text(encoding="utf-8"))
STANDARD_TABLE_CODES = {f"{n:02d}" for n in range(1, 10)}


def test_catalogue_shape():
    keys = [(e.suite, e.check_name) for e in CATALOG]
    assert len(keys) == len(set(keys)), "a (suite, check_name) is listed twice"
    for e in CATALOG:
        assert re.fullmatch(r"[a-z0-9_]+", e.check_name) and re.fullmatch(r"[a-z_]+", e.suite), e
        assert e.family in {"tables", "document", "narrative"}, e
        assert e.severity in {"error", "warning"}, e
        codes = e.tables.split(" ")
        assert codes and set(codes) <= STANDARD_TABLE_CODES and codes == sorted(codes), e
        assert e.invariant.strip() and e.subject_example.strip(), e
        assert e.needs in {"each", "all", "none"}, e
        # a subject starts with the two-digit table number, one of the tables the check reads; a document
        # check of one printed line names the line's kind and place instead (part heading p17.0)
        if e.family != "document" or e.subject_example[:2].isdigit():
            assert e.subject_example[:2] in codes, e


def test_suites_are_the_template_with_the_catalogues_checks():
    suites = build_suites(CATALOG, TEMPLATE)
    assert list(suites) == list(dict.fromkeys(e.suite for e in CATALOG))
    for suite, built in suites.items():
        assert built["name"] == f"juesuan_{suite}"
        assert "$" not in json.dumps(built, ensure_ascii=False), "a placeholder was left unfilled"
        [names] = [x["kwargs"]["value_set"] for x in built["expectations"]
                   if x["type"] == "expect_column_values_to_be_in_set" and x["kwargs"]["column"] == "check_name"]
        assert names == [e.check_name for e in CATALOG if e.suite == suite]
        # everything else is the template's, unchanged
        template_types = [(x["type"], x["kwargs"].get("column")) for x in TEMPLATE["expectations"]]
        assert [(x["type"], x["kwargs"].get("column")) for x in built["expectations"]] == template_types
        for e in CATALOG:
            if e.suite == suite:
                assert e.invariant in built["notes"]


def test_runner_config_has_one_validation_per_catalogue_suite():
    config = load_config()
    assert [v["suite"] for v in config["validations"]] == list(dict.fromkeys(e.suite for e in CATALOG))
    assert sorted(p.name for p in (EXPECTATIONS_DIR / "suites").glob("*.json")) == ["template.json"]


def _row(check_name, suite, severity="error", difference="0.00"):
    d = Decimal(difference)
    return ("r1", suite, check_name, severity, 3, f"03 {suite} {check_name}", Decimal("1.00"), Decimal("1.00") + d,
            d, Decimal("0.01"), abs(d), True, abs(d) <= Decimal("0.01"))


def test_gx_accepts_every_catalogued_check_in_its_suite_and_nothing_else():
    rows = [_row(e.check_name, e.suite, e.severity) for e in CATALOG]
    passed, _ = validate(rows)
    assert len(passed) == len(CATALOG) and all(passed.values())
    with pytest.raises(ChecksInvalid, match="expect_column_values_to_be_in_set"):
        validate([_row("made_up_check", CATALOG[0].suite)])
    with pytest.raises(ChecksInvalid, match="does not list"):
        validate([_row(CATALOG[0].check_name, "made_up_suite")])


def _readme_table() -> list[dict[str, str]]:
    text = (EXPECTATIONS_DIR / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The checks"):]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for line in lines[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        rows.append(dict(zip(header, cells)))
    return rows


def test_expectations_readme_table_is_the_catalogue():
    rows = _readme_table()
    assert [(r["suite"], r["check_name"], r["family"], r["severity"], r["tables"], r["needs"], r["invariant"],
             r["subject (example)"].strip("`")) for r in rows] == \
        [(e.suite, e.check_name, e.family, e.severity, e.tables, e.needs, e.invariant, e.subject_example)
         for e in CATALOG]


def test_checks_evaluated_are_the_catalogued_ones(sample_warehouse):
    """On a real `juesuan build` of both samples: every catalogued check evaluated subjects, no other
    check did, and the verdicts carry the catalogue's family, suite and severity."""
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        evaluated = set(con.execute(
            "select distinct suite, check_name, family, severity from quality.check_comparisons").fetchall())
        results = set(con.execute(
            "select distinct suite, check_name, family, severity from quality.check_results").fetchall())
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'quality' "
            "and table_name = 'check_results' order by column_index").fetchall()]
    finally:
        con.close()
    catalogued = {(e.suite, e.check_name, e.family, e.severity) for e in CATALOG}
    assert evaluated == results
    assert {r[:3] for r in evaluated} == {c[:3] for c in catalogued}
    # each row has the catalogue's severity, or (a document check whose severity depends on where the text
    # is printed) the lower one: the catalogue lists the higher
    severity = {(e.suite, e.check_name): e.severity for e in CATALOG}
    for suite, check_name, family, row_severity in evaluated:
        assert row_severity == severity[(suite, check_name)] or (
            family == "document" and (severity[(suite, check_name)], row_severity) == ("error", "warning")), \
            (suite, check_name, row_severity)
    assert columns == schema.columns(schema.CheckResultRow)


def test_check_results_of_an_older_warehouse_gain_the_catalogue_columns(sample_warehouse, tmp_path):
    """A published warehouse whose quality.check_results predates family and suite (nightly builds copy
    it) is rewritten with the current columns by the next checks."""
    import shutil

    from ingest.build.checks import run_checks

    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_warehouse, path)
    con = duckdb.connect(str(path))
    con.execute("alter table quality.check_results drop column family")
    con.execute("alter table quality.check_results drop column suite")
    con.close()
    summary = run_checks(path)
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns = [c for (c,) in con.execute(
            "select column_name from duckdb_columns() where schema_name = 'quality' "
            "and table_name = 'check_results' order by column_index").fetchall()]
        n, families = con.execute(
            "select count(*), list(distinct family) from quality.check_results").fetchone()
    finally:
        con.close()
    assert columns == schema.columns(schema.CheckResultRow)
    assert n == summary.checks_run + summary.checks_not_run and sorted(families) == sorted({e.family for e in CATALOG})
