"""The docs are tested against the code: every name the warehouse stores or the command line prints is
described in README.md or docs/ (an enumeration in code and its documentation cannot drift apart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest import contract
from ingest.warehouse import schema

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")}
ALL_DOCS = README + "\n".join(DOCS.values())


def _backticked(text: str) -> set[str]:
    return set(re.findall(r"`([^`\n]+)`", text))


@pytest.mark.parametrize("vocabulary", ["FILE_STATUSES", "PUBLISHED_FILE_STATUSES", "ERROR_CODES", "COLUMN_ROLES",
                                        "FLAVORS", "STAGE_STATUSES"])
def test_every_stored_value_is_documented(vocabulary):
    names = getattr(contract, vocabulary)
    documented = _backticked(ALL_DOCS)
    missing = sorted(n for n in names if n not in documented)
    assert not missing, f"contract.{vocabulary}: {missing} not described (in backticks) in README.md or docs/"


def test_every_exit_status_bit_is_documented():
    section = README[README.index("**Exit status**"):]
    for bit, meaning in contract.EXIT_BITS.items():
        assert re.search(rf"`{bit}`", section), f"exit status bit {bit} ({meaning}) is not in the README"


def _doc_table_columns(text: str, table: str) -> set[str]:
    """Column names listed in the markdown table under the heading that names `table`."""
    match = re.search(rf"^#+ {re.escape(table)}\b.*?$(.*?)(?=^#+ |\Z)", text, re.M | re.S)
    assert match, f"no section for {table}"
    names: set[str] = set()
    for line in match.group(1).splitlines():
        if line.startswith("|") and not line.startswith("| ---") and not line.startswith("| column"):
            first = line.split("|")[1]
            names |= {n.strip(" `") for n in first.split(",")}
    return names


@pytest.mark.parametrize("table", [t for t in schema.TABLES if t.startswith("raw.")])
def test_every_raw_column_is_in_raw_schema_md(table):
    row_class, _ = schema.TABLES[table]
    documented = _doc_table_columns(DOCS["raw_schema.md"], table)
    columns = schema.columns(row_class)
    assert set(columns) <= documented, f"{table}: {sorted(set(columns) - documented)} not in docs/raw_schema.md"
    assert documented <= set(columns), f"{table}: docs/raw_schema.md lists {sorted(documented - set(columns))}, which the table does not have"


def test_check_results_columns_are_documented():
    documented = _doc_table_columns(DOCS["raw_schema.md"], "quality.check_results")
    assert set(schema.columns(schema.CheckResultRow)) == documented


def test_every_command_is_in_the_readme():
    from ingest.cli import cli

    for name in cli.commands:
        assert f"`juesuan {name}" in README, f"juesuan {name} is not in the README's command table"


def test_every_command_has_help_with_an_example():
    from click.testing import CliRunner

    from ingest.cli import cli

    for name in cli.commands:
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name


def test_every_file_the_docs_name_exists():
    # a module moved or renamed leaves its old path in the prose; a path in backticks is a promise
    named = {t for t in _backticked(ALL_DOCS)
             if re.fullmatch(r"(?:ingest|tests|bench|dbt_project|expectations|notebooks|docs|data)/[\w./-]+", t)
             and not any(ch in t for ch in "*<>")
             and not t.endswith(".duckdb") and "/target/" not in t}  # what a build writes
    assert named, "no file path found in the docs: the pattern is wrong"
    missing = sorted(t for t in named if not (ROOT / t.rstrip("/")).exists())
    assert not missing, f"named in README.md or docs/ but not in the repository: {missing}"
