"""The warehouse docs are tested against the code (as datasette's tests/test_docs.py does): every check of
the catalogue and every column of a contracted mart is described in README.md or docs/, and the example
queries read amounts with their unit and keep reports apart. (tests/test_marts.py runs every SQL block of
docs/warehouse.md on two warehouses.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ingest.build.checks import load_catalog

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md"))}
ALL_DOCS = README + "\n" + "\n".join(DOCS.values())
WAREHOUSE_DOC = DOCS["warehouse.md"]
MARTS = ROOT / "dbt_project" / "models" / "marts"


def _contracted_models() -> dict[str, list[str]]:
    """Model name -> its columns, for every mart whose dbt contract is enforced."""
    models = {}
    for path in sorted(MARTS.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("models") or []:
            if ((model.get("config") or {}).get("contract") or {}).get("enforced"):
                models[model["name"]] = [c["name"] for c in model.get("columns") or []]
    return models


CONTRACTED = _contracted_models()


def _section(text: str, heading_name: str) -> str:
    """The text under the heading that names `heading_name` in backticks, up to the next heading."""
    match = re.search(rf"^#+ `{re.escape(heading_name)}`.*?$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"docs/warehouse.md has no section `{heading_name}`"
    return match.group(1)


def _table_columns(section: str) -> set[str]:
    """Names in the first cell of a markdown table's rows (`a, b` lists both)."""
    names = set()
    for line in section.splitlines():
        if line.startswith("|") and not re.match(r"\|\s*(---|column\b)", line):
            names |= {n.strip(" `") for n in line.split("|")[1].split(",")}
    return names


def test_the_marts_have_contracts():
    assert {"source_files", "dim_report", "report_tables", "fct_functional", "fct_economic", "fct_summary",
            "fct_three_public", "cmp_department_year", "cmp_functional_class", "cmp_department_yoy",
            "v_fact_provenance"} <= set(CONTRACTED)


@pytest.mark.parametrize("model", sorted(CONTRACTED))
def test_every_contracted_mart_column_is_described(model):
    section = _section(WAREHOUSE_DOC, f"marts.{model}")
    listed = _table_columns(section)
    if listed:  # a table of columns: each column has its row, and each row is a column
        assert set(CONTRACTED[model]) <= listed, f"marts.{model}: {sorted(set(CONTRACTED[model]) - listed)} not in docs/warehouse.md"
        assert listed <= set(CONTRACTED[model]), f"docs/warehouse.md lists {sorted(listed - set(CONTRACTED[model]))} for marts.{model}"
    else:  # described in prose: every column is named there
        missing = [c for c in CONTRACTED[model] if not re.search(rf"(?<![\w.]){re.escape(c)}(?!\w)", section)]
        assert missing == [], f"marts.{model}: {missing} not named in its section of docs/warehouse.md"


@pytest.mark.parametrize("check", sorted({e.check_name for e in load_catalog()}))
def test_every_check_is_described(check):
    assert f"`{check}`" in ALL_DOCS, f"check {check} is not described (in backticks) in README.md or docs/"


def test_every_catalogued_check_is_in_the_warehouse_doc_with_its_invariant():
    section = WAREHOUSE_DOC[WAREHOUSE_DOC.index("## Reconciliation checks"):]
    section = section[:section.index("\n## ", 1)] if "\n## " in section[1:] else section
    rows = {(r[0], r[1].strip("`"), r[2], r[3]) for r in
            ([c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines()
             if line.startswith("| ") and not line.startswith("| suite") and not line.startswith("| ---"))}
    assert rows == {(e.suite, e.check_name, e.severity, e.invariant) for e in load_catalog()}


def test_staging_and_intermediate_are_marked_not_for_analysts():
    assert re.search(r"`staging` and\s+`intermediate` are the build's internal steps", WAREHOUSE_DOC)


# ------------------------------------------------------------------------------ the example queries


def _code_blocks() -> list[tuple[str, str]]:
    """(where, code) of every SQL block of docs/ and of every code block of the README."""
    blocks = [(f"docs/{name}", b) for name, text in DOCS.items() for b in re.findall(r"```sql\n(.*?)```", text, re.S)]
    blocks += [("README.md", b) for b in re.findall(r"```\w*\n(.*?)```", README, re.S) if "select" in b.lower()]
    return blocks


PRINTED_AMOUNT = re.compile(r"(?<![\w.'])(?:\w+\.)?amount(?![\w'])")
WAN_ALIAS = re.compile(r"\bas\s+(\w*(?:wan|万)\w*)", re.I)
GROUP_BY = re.compile(r"\bgroup\s+by\s+(.*?)(?=\border\s+by\b|\bhaving\b|\blimit\b|\bqualify\b|;|\Z)", re.I | re.S)


def query_problems(sql: str) -> list[str]:
    """What is wrong with an example query: a printed `amount` shown without its `unit`, a column called
    万元 that is not computed from an amount in 元, or facts grouped by region without the report."""
    problems = []
    if PRINTED_AMOUNT.search(sql) and not re.search(r"\bunit\b", sql):
        problems.append("selects the printed amount without its unit (use amount_yuan, or show unit)")
    for line in sql.splitlines():
        for alias in WAN_ALIAS.findall(line):
            if not re.search(r"_yuan\s*/\s*10000", line):
                problems.append(f"{alias} is labelled 万元 but not computed as an amount in 元 / 10000")
    if "marts.fct_" in sql:
        for group in GROUP_BY.findall(sql):
            columns = {c.strip().split(".")[-1] for c in group.split(",")}
            if "region" in columns and "report_id" not in columns:
                problems.append("groups facts by region without report_id: merges departments and years")
    return problems


# The examples the docs printed before units were explicit: the check must catch each of them.
BAD_EXAMPLES = [
    """select d.region, d.department_type, f.measure, f.amount as amount_wan_yuan
       from marts.fct_functional f join marts.dim_report d using (report_id)""",
    """select d.region, t.item, max(case when t.stage = 'budget' then t.amount_yuan end) as budget
       from marts.fct_three_public t join marts.dim_report d using (report_id)
       group by d.region, t.item order by d.region""",
    """select e.econ_name, e.amount from marts.fct_economic e""",
]


@pytest.mark.parametrize("sql", BAD_EXAMPLES)
def test_the_query_check_catches_the_old_examples(sql):
    assert query_problems(sql)


@pytest.mark.parametrize("where, sql", _code_blocks(), ids=lambda x: x if isinstance(x, str) and "\n" not in x else "")
def test_example_queries_keep_units_and_reports_apart(where, sql):
    assert query_problems(sql) == [], f"{where}:\n{sql}"


# ------------------------------------------------------------------ descriptions persisted in DuckDB


def _catalog_of(path) -> tuple[dict, dict]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        relations = dict(((s, t), c) for s, t, c in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() union all "
            "select schema_name, view_name, comment from duckdb_views() where not internal").fetchall())
        columns = dict(((s, t, n), c) for s, t, n, c in con.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns()").fetchall())
    finally:
        con.close()
    return relations, columns


def test_descriptions_are_in_duckdb(sample_warehouse):
    """dbt persist_docs writes every description of the yml as a DuckDB comment: relations of marts,
    quality, reference, staging and intermediate, and every column of a contracted mart."""
    relations, columns = _catalog_of(sample_warehouse)
    for schema_name in ("marts", "quality", "reference", "staging", "intermediate"):
        names = [t for s, t in relations if s == schema_name]
        assert names, schema_name
        assert [t for t in names if not relations[(schema_name, t)]] == [], f"{schema_name}: relations without a comment"
    for model, model_columns in CONTRACTED.items():
        assert [c for c in model_columns if not columns.get(("marts", model, c))] == [], f"marts.{model}"
    # descriptions are rendered, doc() blocks included
    assert "万元" in columns[("marts", "fct_functional", "unit")]
    assert "{{" not in columns[("marts", "fct_functional", "amount")]
    assert all(columns[("quality", "check_results", c)] for c in
               ("report_id", "family", "suite", "check_name", "passed"))


def test_internal_schemas_say_they_are_not_for_analysts(sample_warehouse):
    relations, _ = _catalog_of(sample_warehouse)
    internal = {(s, t): c for (s, t), c in relations.items() if s in ("staging", "intermediate")}
    assert len(internal) >= 10
    assert [k for k, c in internal.items() if not c.startswith("Not for analysts")] == []
    assert not any(c.startswith("Not for analysts") for (s, _), c in relations.items() if s == "marts")
