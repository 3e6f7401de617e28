"""The amount grammar: how reports print an amount, and the Decimal it stands for.

One grammar for the whole project. The SQL side (dbt macro ``parse_amount`` in
dbt_project/macros/text_helpers.sql) implements the same rules, and both are tested against one list of
printed spellings (tests/data/amount_spellings.csv):

* white space anywhere is ignored (amounts wrap inside narrow cells), and so are thousands separators
  (``,`` and the full-width ``，``);
* a leading minus sign may be any of ``-`` (hyphen-minus), ``−`` (U+2212), ``–`` (en dash, which word
  processors substitute) or ``－`` (full-width); parentheses, ASCII or full-width, also mean negative
  (``(1,234.00)``, accounting style);
* digits are ASCII 0–9 with at most one decimal point;
* a cell holding only dashes (``-``, ``—``, ``——``, ``－`` …) prints "nothing": no amount, never 0;
* anything else is not an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal

MINUS_SIGNS = "-−–－"
THOUSANDS_SEPARATORS = ",，"
#: Characters a cell may hold to print "nothing" (not zero).
DASHES = MINUS_SIGNS + "—―"

_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"^(-?)([0-9]+(?:\.[0-9]+)?)$")
_PARENTHESISED = re.compile(r"^[(（](.*)[)）]$")
_MINUS = re.compile(f"^[{MINUS_SIGNS}]")

#: A regular-expression class of the minus signs, for patterns that look for amounts inside a text.
MINUS_CLASS = f"[{MINUS_SIGNS}]"


def normalise(text: str | None) -> str | None:
    """The printed amount as ``-?digits[.digits]``, or None when it is not an amount (or prints nothing)."""
    if text is None:
        return None
    flat = _SPACE.sub("", text)
    for separator in THOUSANDS_SEPARATORS:
        flat = flat.replace(separator, "")
    negative = False
    inner = _PARENTHESISED.match(flat)
    if inner:
        flat, negative = inner.group(1), True
    if _MINUS.match(flat):
        flat, negative = flat[1:], True
    match = _NUMBER.match(flat)
    if not match or match.group(1):
        return None
    return ("-" if negative else "") + match.group(2)


def parse_amount(text: str | None) -> Decimal | None:
    """The Decimal a printed amount stands for, exactly as printed; None for blank, dashes or other text."""
    normal = normalise(text)
    return Decimal(normal) if normal is not None else None


def is_amount(text: str | None) -> bool:
    return normalise(text) is not None


def decimals(text: str | None) -> int | None:
    """How many decimals the printed amount has (None when it is not an amount)."""
    normal = normalise(text)
    if normal is None:
        return None
    return len(normal.split(".")[1]) if "." in normal else 0


def prints_nothing(text: str | None) -> bool:
    """A cell of dashes only: the report says there is nothing, which is not an amount of 0."""
    flat = _SPACE.sub("", text or "")
    return bool(flat) and all(ch in DASHES for ch in flat)
