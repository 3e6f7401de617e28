"""One home per vocabulary: the dbt seeds that the models join, checked against the other places the same
words appear (the reader's titles, ingest/contract.py, the test oracles) and against copies creeping back
into the SQL and yml.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from golden import FUNCTIONAL_TABLES, SUMMARY_TABLES  # tests/ is on sys.path (conftest.py)
from ingest.read.titles import TITLES_ZH

ROOT = Path(__file__).resolve().parents[1]
DBT = ROOT / "dbt_project"
SEEDS = DBT / "seeds"


def read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def dbt_sources() -> dict[Path, str]:
    """Every SQL and yml file of the dbt project's models, macros and tests."""
    files = [p for folder in ("models", "macros", "tests") for p in (DBT / folder).rglob("*")
             if p.suffix in (".sql", ".yml")]
    return {p: p.read_text(encoding="utf-8") for p in sorted(files)}


# ------------------------------------------------------------------------------ standard_tables


STANDARD_TABLES = read_seed("standard_tables")


def test_standard_tables_are_the_nine_with_the_readers_titles():
    assert [int(r["table_no"]) for r in STANDARD_TABLES] == list(range(1, 10))
    assert {int(r["table_no"]): r["title_zh"] for r in STANDARD_TABLES} == TITLES_ZH
    assert all(r["table_code"] == f"{int(r['table_no']):02d}" for r in STANDARD_TABLES)
    assert all(re.fullmatch(r"[a-z_]+", r["table_name"]) for r in STANDARD_TABLES)


def test_standard_table_families_agree_with_the_golden_oracle():
    families: dict[str, list[int]] = {}
    for r in STANDARD_TABLES:
        families.setdefault(r["family"], []).append(int(r["table_no"]))
        assert r["fact_table"] == f"fct_{r['family']}", r
    assert families == {"summary": list(SUMMARY_TABLES), "functional": list(FUNCTIONAL_TABLES),
                        "economic": [6], "three_public": [9]}


# A family written out as numbers: `table_no in (2, 3, 5, 7, 8)`, `values: [1, 4]`, `table_no = 9` …
FAMILY_LITERALS = [
    re.compile(r"table_no(\s+as\s+integer\))?\s+(not\s+)?in\s+\(\s*[1-9](\s*,\s*[1-9])*\s*\)", re.I),
    re.compile(r"values:\s*\[\s*[1-9](\s*,\s*[1-9])*\s*\]"),
    re.compile(r"table_no\s*(=|<>)\s*[69]\b"),
    re.compile(r"\b[69] as table_no\b"),
]


def test_models_select_tables_by_family_not_by_numbers():
    """The families live in standard_tables; the models and their tests reach them through the macro
    tables_of_family or the generic test juesuan_table_in_family (single tables named in a check's
    invariant, such as 05 against 06, are not families)."""
    found = [f"{path.relative_to(DBT)}: {m.group(0)}"
             for path, text in dbt_sources().items() for pattern in FAMILY_LITERALS
             for m in pattern.finditer(text)]
    assert found == []


# ------------------------------------------------------------------ the dbt tests and ingest/contract.py


def _value_tests() -> dict[tuple[str, str], list[set[str]]]:
    """(model or seed, column) -> the value lists of its accepted_values / juesuan_accepted_list_values
    tests, from every yml of the dbt project."""
    import yaml

    found: dict[tuple[str, str], list[set[str]]] = {}
    for path, text in dbt_sources().items():
        if path.suffix != ".yml":
            continue
        doc = yaml.safe_load(text) or {}
        for node in (doc.get("models") or []) + (doc.get("seeds") or []):
            for column in node.get("columns") or []:
                for test in column.get("data_tests") or []:
                    if not isinstance(test, dict):
                        continue
                    for name in ("accepted_values", "juesuan_accepted_list_values"):
                        if name in test:
                            values = (test[name].get("arguments") or test[name])["values"]
                            found.setdefault((node["name"], column["name"]), []).append({str(v) for v in values})
    return found


VALUE_TESTS = _value_tests()

CONTRACTED = [
    ("stg_juesuan__files", "status", "FILE_STATUSES"),
    ("source_files", "status", "PUBLISHED_FILE_STATUSES"),
    ("stg_juesuan__files", "error_code", "ERROR_CODES"),
    ("source_files", "error_code", "ERROR_CODES"),
    ("stg_juesuan__table_columns", "role", "COLUMN_ROLES"),
    ("stg_juesuan__report_tables", "flavor", "FLAVORS"),
]


@pytest.mark.parametrize("model, column, vocabulary", CONTRACTED, ids=lambda x: str(x))
def test_accepted_values_are_the_contracts(model, column, vocabulary):
    from ingest import contract

    assert VALUE_TESTS.get((model, column)) == [set(getattr(contract, vocabulary))], \
        f"{model}.{column}: the accepted values differ from ingest/contract.py {vocabulary}"


def test_no_other_copy_of_a_contract_vocabulary():
    """A value list that shares two values or more with a contract vocabulary is one of the pairs above
    (one shared word is a coincidence: the measure `amount` and the column role `amount`)."""
    from ingest import contract

    vocabularies = {name: set(getattr(contract, name)) for _, _, name in CONTRACTED}
    contracted = {(m, c) for m, c, _ in CONTRACTED}
    strays = [(key, values) for key, lists in VALUE_TESTS.items() for values in lists
              if key not in contracted and any(len(values & v) >= 2 for v in vocabularies.values())]
    assert strays == []
