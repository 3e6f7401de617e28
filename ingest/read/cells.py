"""What a printed cell holds: an amount, a classification code, a header label, a row label."""

from __future__ import annotations

import re

from . import amounts
from .amounts import MINUS_CLASS
from .text import squeeze

CODE = re.compile(r"^[0-9]{3}(?:[0-9]{2}){0,2}$")
PART_CODE = re.compile(r"^[0-9]{2}$")
ORDINAL = re.compile(r"^[一二三四五六七八九十]+[、.．]")
TOTAL_LABELS = {"合计", "总计", "人员经费合计", "公用经费合计", "本年收入合计", "本年支出合计"}
CODE_PART_LABELS = {"类", "款", "项"}
HEADER_WORDS = ("项目", "科目", "编码", "代码", "栏次", "行次", "决算数", "预算数", "金额")
HEADER_TOKENS = {"类", "款", "项", "收入", "支出", "合计", "小计"}
# an amount with its cents, as the amount columns print them
_CENTS = rf"{MINUS_CLASS}?[0-9,，]*[0-9]\.[0-9]{{2}}"
TWO_AMOUNTS = re.compile(rf"^({_CENTS})\s+({_CENTS})$")
LABEL_THEN_AMOUNT = re.compile(rf"^(.*[^0-9\s.,\-])\s+({_CENTS})$", re.S)


def is_amount(text: str) -> bool:
    return amounts.is_amount(text)


def is_decimal_amount(text: str) -> bool:
    """An amount printed with one or two decimals (a code or a 行次 has none)."""
    return amounts.decimals(text) in (1, 2)


def is_code(text: str) -> bool:
    return bool(CODE.match(squeeze(text)))


def is_data_row(texts: list[str]) -> bool:
    """A body row: it holds an amount with decimals, starts with a code or an ordinal label, or is a total."""
    cells = [squeeze(t) for t in texts]
    filled = [c for c in cells if c]
    if not filled:
        return False
    if any(is_decimal_amount(c) for c in filled):
        return True
    if all(is_amount(c) for c in filled) and not is_column_numbers_row(filled):
        return True  # whole amounts, as spreadsheets print zeros (0)
    labels = [c for c in filled if c not in CODE_PART_LABELS]
    if not labels:
        return False
    first = labels[0]
    if first in TOTAL_LABELS:
        # a total row holds amounts beside its label; a header row holds more labels (合计 | 因公出国（境）费 …)
        return all(is_amount(c) or c in TOTAL_LABELS for c in labels[1:])
    return bool(CODE.match(first) or ORDINAL.match(first))


def is_header_row(texts: list[str]) -> bool:
    """A row of header labels (used to recognise headers repeated on continuation pages)."""
    cells = [squeeze(t) for t in texts if squeeze(t)]
    if not cells or is_data_row(texts):
        return False
    return all(c in HEADER_TOKENS for c in cells) or any(any(word in c for word in HEADER_WORDS) for c in cells)


def is_column_numbers_row(texts: list[str]) -> bool:
    """The 栏次 row: 栏次 1 2 3 … (numbers of the amount columns)."""
    cells = [squeeze(t) for t in texts if squeeze(t)]
    if not cells:
        return False
    if "栏次" in cells:
        return True
    numbers = [c for c in cells if c.isdigit()]
    return len(numbers) == len(cells) and len(numbers) >= 2 and numbers == [str(i) for i in range(int(numbers[0]), int(numbers[0]) + len(numbers))]


def is_note(text: str) -> bool:
    t = squeeze(text)
    return t.startswith(("注：", "注:", "说明：", "说明:", "备注：")) or "本表无数据" in t or "空表" in t


def holds_two_rows(text: str) -> bool:
    """Two amounts or two classification codes in one cell: the grid lacks a ruling between two rows (or two
    columns), since a printed cell never holds more than one amount or code."""
    tokens = (text or "").split()
    return (sum(1 for t in tokens if is_decimal_amount(t)) >= 2
            or (len(tokens) >= 2 and all(CODE.match(t) for t in tokens)))
