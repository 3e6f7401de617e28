"""One amount grammar for Python and SQL, tested on both sides against one list of printed spellings.

tests/data/amount_spellings.csv holds each spelling with the value it stands for (blank: not an amount)
and why it is there. The Python side is ingest/read/amounts.py; the SQL side is the dbt macros
`amount_text_clean` and `parse_amount` (dbt_project/macros/text_helpers.sql), rendered here by Jinja as dbt
renders them and run in DuckDB. The staging model stg_juesuan__cells uses those macros (its dbt unit test
pins a few spellings through the model itself).
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import jinja2
import pytest

from ingest.read import amounts

ROOT = Path(__file__).resolve().parents[1]
SPELLINGS_CSV = ROOT / "tests" / "data" / "amount_spellings.csv"
MACROS = ROOT / "dbt_project" / "macros" / "text_helpers.sql"


def _spellings() -> list[dict[str, str]]:
    with open(SPELLINGS_CSV, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


SPELLINGS = _spellings()


def _expected(row: dict[str, str]) -> Decimal | None:
    return Decimal(row["value"]) if row["value"] else None


def _macro_sql(call: str) -> str:
    """A call of the dbt macros of text_helpers.sql, rendered to SQL by Jinja as dbt would."""
    source = MACROS.read_text(encoding="utf-8")
    return jinja2.Environment().from_string(source + "{{ " + call + " }}").render().strip()


@pytest.fixture(scope="module")
def sql_results() -> dict[str, tuple[str | None, Decimal | None, str]]:
    """spelling -> (amount_text_clean, parse_amount, typeof(parse_amount)) computed by DuckDB."""
    clean, parse = _macro_sql("amount_text_clean('spelling')"), _macro_sql("parse_amount('spelling')")
    con = duckdb.connect()
    con.execute("create table spellings (spelling varchar)")
    con.executemany("insert into spellings values (?)", [[r["spelling"]] for r in SPELLINGS])
    rows = con.execute(f"select spelling, {clean}, {parse}, typeof({parse}) from spellings").fetchall()
    con.close()
    return {s: (c, p, t) for s, c, p, t in rows}


def test_the_list_covers_the_documented_grammar():
    """Every rule of the amounts.py docstring has at least one spelling in the list."""
    spellings = [r["spelling"] for r in SPELLINGS]
    amounts_ = [r["spelling"] for r in SPELLINGS if r["value"]]
    nothing = [r["spelling"] for r in SPELLINGS if not r["value"]]
    negative = [r["spelling"] for r in SPELLINGS if r["value"].startswith("-")]
    for sign in amounts.MINUS_SIGNS:
        assert any(s.lstrip().startswith(sign) for s in negative), f"no negative written with {sign!r}"
    for separator in amounts.THOUSANDS_SEPARATORS:
        assert any(separator in s for s in amounts_), f"no amount with separator {separator!r}"
    for opening, closing in (("(", ")"), ("（", "）")):
        assert any(s.startswith(opening) and s.endswith(closing) for s in negative), opening
    for dash in set(amounts.DASHES):
        assert dash in nothing, f"a cell of {dash!r} alone must be in the list (prints nothing)"
    assert "" in nothing and "0.00" in amounts_ and "201" in amounts_ and "合计" in nothing
    assert any(ch.isspace() and ch not in " \t\n" for s in amounts_ for ch in s)  # Unicode white space
    assert len(spellings) == len(set(spellings)), "a spelling is listed twice"


@pytest.mark.parametrize("row", SPELLINGS, ids=lambda r: repr(r["spelling"]))
def test_python_reads_each_spelling(row):
    got = amounts.parse_amount(row["spelling"])
    assert got == _expected(row), row["why"]
    # exactly as printed: the same digits, not only the same number
    assert (str(got) if got is not None else "") == row["value"]
    assert amounts.is_amount(row["spelling"]) is (row["value"] != "")


@pytest.mark.parametrize("row", SPELLINGS, ids=lambda r: repr(r["spelling"]))
def test_sql_reads_each_spelling(row, sql_results):
    clean, parsed, sql_type = sql_results[row["spelling"]]
    assert clean == amounts.normalise(row["spelling"]), row["why"]
    expected = _expected(row)
    if expected is None:
        assert parsed is None, row["why"]
    else:
        # DECIMAL(18,2): the cent, rounded half away from zero when more decimals are printed
        assert parsed == expected.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), row["why"]
    assert sql_type == "DECIMAL(18,2)"


def test_null_is_no_amount_on_both_sides():
    con = duckdb.connect()
    sql = _macro_sql("parse_amount('null')")
    assert con.execute(f"select {sql}").fetchone() == (None,)
    assert amounts.parse_amount(None) is None


def _code_points_where(sql_condition: str) -> set[int]:
    """The code points c (surrogates excepted) for which the SQL condition on `ch` = chr(c) holds."""
    con = duckdb.connect()
    rows = con.execute(
        "select c from (select c, chr(cast(c as integer)) as ch "
        "from (select range as c from range(0, 55296) union all select range from range(57344, 1114112))) "
        f"where {sql_condition}").fetchall()
    con.close()
    return {c for (c,) in rows}


PYTHON_WHITE_SPACE = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and chr(c).isspace()}


def test_white_space_is_the_same_set_of_characters():
    """What SQL drops from an amount is exactly Python's white space (str.isspace) and the separators,
    over every code point (RE2's \\s alone is ASCII-only); squash, which labels go through, drops the same
    white space."""
    ignored = _macro_sql("amount_ignored()")
    assert _code_points_where(f"regexp_matches(ch, '{ignored}')") == \
        PYTHON_WHITE_SPACE | {ord(c) for c in amounts.THOUSANDS_SEPARATORS}
    squash = _macro_sql("squash('ch')")
    assert _code_points_where(f"{squash} is null") == PYTHON_WHITE_SPACE
