"""Compare a built warehouse with generated reports' truth, fact by fact (recall and precision)."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from .render import facts_for


def fact_key(fact: dict, occurrence: int):
    kind = fact["kind"]
    if kind == "functional":
        return ("functional", fact["table_no"], fact["func_code"], fact["measure"])
    if kind == "economic":
        return ("economic", 6, fact["econ_code"] or fact["econ_name"], fact["measure"])
    if kind == "summary":
        return ("summary", fact["table_no"], fact["side"], fact["item_zh"], fact["measure"], occurrence)
    return ("three_public", 9, fact["stage"], fact["item"])


def expected_facts(report, layout) -> dict:
    out, seen = {}, Counter()
    for fact in facts_for(report, layout):
        base = (fact["kind"], fact["table_no"], fact.get("side"), fact.get("item_zh"), fact["measure"])
        key = fact_key(fact, seen[base])
        seen[base] += 1
        if fact["amount"] is not None:
            out[key] = Decimal(fact["amount"])
    return out


def actual_facts(con, report_id) -> dict:
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
