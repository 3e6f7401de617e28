"""Checks of the dbt reference seeds (dbt_project/seeds/*.csv), read with the csv module.

Besides shape checks (code lengths, parents, uniqueness), every classification code printed in the
published sample texts (/work/shared/samples/*.txt) must be in the seeds for 2024 with the same name,
and every row label of tables 01 and 04 must be in summary_line_labels.csv. The two real PDFs in
/work/shared/real are checked for codes only (their names wrap across lines in pdftotext output),
and only when pdftotext is installed.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "dbt_project" / "seeds"
SHARED = Path(os.environ.get("JUESUAN_SHARED", ROOT.parent / "shared"))
SAMPLES_DIR = SHARED / "samples"
REAL_DIR = SHARED / "real"
SAMPLE_TEXTS = sorted(SAMPLES_DIR.glob("*.txt"))
REAL_PDFS = sorted(REAL_DIR.glob("*.pdf"))

YEARS = {"2023", "2024", "2025"}
FUNC_LEN = {"类": 3, "款": 5, "项": 7}
ECON_LEN = {"类": 3, "款": 5}
ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
TABLE_MARK = re.compile(r"公开\s*0?(\d)\s*表")


def read_seed(name: str) -> list[dict[str, str]]:
    with open(SEEDS / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


FUNC = read_seed("function_classification.csv")
ECON = read_seed("economic_classification.csv")
LABELS = read_seed("summary_line_labels.csv")
FUNC_2024 = {r["func_code"]: r["func_name"] for r in FUNC if r["fiscal_year"] == "2024"}
ECON_NAMES = {r["econ_code"]: r["econ_name"] for r in ECON}


# ---------------------------------------------------------------- parsing the sample texts


def table_sections(path: Path) -> dict[int, list[str]]:
    """Lines of the standard tables of one sample text, keyed by table number (公开0N表 markers)."""
    sections: dict[int, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("第三部分") and sections:
            break  # the narrative part after the tables
        m = TABLE_MARK.search(line)
        if m:
            current = int(m.group(1))
            sections.setdefault(current, [])
            continue
        if current is not None:
            sections[current].append(line)
    return sections


def function_rows(path: Path) -> set[tuple[str, str]]:
    """(code, name) of every coded row of the function-classification tables 02, 03, 05, 07, 08."""
    found = set()
    for table_no, lines in table_sections(path).items():
        if table_no not in (2, 3, 5, 7, 8):
            continue
        for line in lines:
            cells = line.split("\t")
            if len(cells) >= 2 and re.fullmatch(r"\d{3}|\d{5}|\d{7}", cells[0].strip()):
                found.add((cells[0].strip(), cells[1].strip()))
    return found


def economic_rows(path: Path) -> set[tuple[str, str]]:
    """(code, name) of every coded cell triple (code, name, amount) of table 06."""
    found = set()
    for line in table_sections(path).get(6, []):
        cells = [c.strip() for c in line.split("\t")]
        for i, cell in enumerate(cells[:-1]):
            if re.fullmatch(r"3\d{2}|3\d{4}", cell):
                found.add((cell, cells[i + 1]))
    return found


def summary_labels(path: Path) -> set[tuple[int, str, str]]:
    """(table_no, side, label) of every labelled row of tables 01 and 04, ordinal and spaces removed."""
    found = set()
    for table_no in (1, 4):
        for line in table_sections(path).get(table_no, []):
            cells = line.split("\t")
            if len(cells) < 4:
                continue
            for side, cell in (("income", cells[0]), ("expenditure", cells[3])):
                label = ORDINAL.sub("", re.sub(r"\s+", "", cell))
                if label and label not in {"收入", "支出", "项目", "栏次"}:
                    found.add((table_no, side, label))
    return found


# ---------------------------------------------------------------- function_classification.csv


def test_function_codes_well_formed():
    for r in FUNC:
        assert r["fiscal_year"] in YEARS, r
        assert r["func_level"] in FUNC_LEN, r
        assert re.fullmatch(r"\d+", r["func_code"]), r
        assert len(r["func_code"]) == FUNC_LEN[r["func_level"]], r
        assert r["func_name"] and r["func_name"] == r["func_name"].strip(), r
        if r["func_level"] == "类":
            assert r["parent_code"] == "", r
        else:
            assert r["func_code"].startswith(r["parent_code"]), r


def test_function_codes_unique_per_year():
    dupes = [k for k, n in Counter((r["fiscal_year"], r["func_code"]) for r in FUNC).items() if n > 1]
    assert dupes == []


def test_function_parents_exist_in_same_year():
    level = {(r["fiscal_year"], r["func_code"]): r["func_level"] for r in FUNC}
    for r in FUNC:
        if r["func_level"] == "款":
            assert level.get((r["fiscal_year"], r["parent_code"])) == "类", r
        elif r["func_level"] == "项":
            assert level.get((r["fiscal_year"], r["parent_code"])) == "款", r


def test_every_year_has_every_class():
    classes = {y: {r["func_code"] for r in FUNC if r["fiscal_year"] == y and r["func_level"] == "类"}
               for y in YEARS}
    assert classes["2023"] == classes["2024"] == classes["2025"]
    for code in ["201", "205", "208", "210", "212", "213", "221", "224", "229", "231", "232", "234"]:
        assert code in classes["2024"]


@pytest.mark.skipif(not SAMPLE_TEXTS, reason=f"no sample texts in {SAMPLES_DIR}")
@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_sample_function_codes_in_seed(path):
    rows = function_rows(path)
    assert len(rows) > 10, "parser found too few coded rows"
    missing = sorted((c, n) for c, n in rows if c not in FUNC_2024)
    assert missing == []
    wrong = sorted((c, n, FUNC_2024[c]) for c, n in rows if FUNC_2024[c] != n)
    assert wrong == []


# ---------------------------------------------------------------- economic_classification.csv


def test_economic_codes_well_formed():
    codes = Counter(r["econ_code"] for r in ECON)
    assert [c for c, n in codes.items() if n > 1] == []
    level = {r["econ_code"]: r["econ_level"] for r in ECON}
    for r in ECON:
        assert r["econ_level"] in ECON_LEN, r
        assert re.fullmatch(r"3\d+", r["econ_code"]), r
        assert len(r["econ_code"]) == ECON_LEN[r["econ_level"]], r
        lei = r["econ_code"][:3]
        if r["econ_level"] == "类":
            assert r["parent_code"] == "", r
        else:
            assert r["parent_code"] == lei and level.get(lei) == "类", r
        expected = "人员经费" if lei in ("301", "303") else "公用经费"
        assert r["expense_group"] == expected, r


@pytest.mark.skipif(not SAMPLE_TEXTS, reason=f"no sample texts in {SAMPLES_DIR}")
@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_sample_economic_codes_in_seed(path):
    rows = economic_rows(path)
    assert len(rows) > 50, "parser found too few coded cells in table 06"
    missing = sorted((c, n) for c, n in rows if c not in ECON_NAMES)
    assert missing == []
    wrong = sorted((c, n, ECON_NAMES[c]) for c, n in rows if ECON_NAMES[c] != n)
    assert wrong == []


# ---------------------------------------------------------------- summary_line_labels.csv


def test_summary_labels_well_formed():
    keys = Counter((r["table_no"], r["side"], r["label_zh"], r["parent_line_code"]) for r in LABELS)
    assert [k for k, n in keys.items() if n > 1] == []
    classes_2024 = {c: n for c, n in FUNC_2024.items() if len(c) == 3}
    for r in LABELS:
        assert r["table_no"] in ("1", "4"), r
        assert r["side"] in ("income", "expenditure"), r
        assert not re.search(r"\s", r["label_zh"]) and not ORDINAL.match(r["label_zh"]), r
        assert re.fullmatch(r"[a-z0-9_]+", r["line_code"]), r
        if r["func_class_code"]:
            assert r["side"] == "expenditure", r
            assert r["line_code"] == f"func_class_{r['func_class_code']}", r
            assert classes_2024.get(r["func_class_code"]) == r["label_zh"], r
    # one line_code means one line: the same code never appears under two parents
    parents = {}
    for r in LABELS:
        key = (r["table_no"], r["side"], r["line_code"])
        assert parents.setdefault(key, r["parent_line_code"]) == r["parent_line_code"], r


def test_summary_labels_cover_all_26_class_lines():
    for table_no in ("1", "4"):
        codes = {r["func_class_code"] for r in LABELS
                 if r["table_no"] == table_no and r["func_class_code"]}
        assert len(codes) == 26, (table_no, sorted(codes))


@pytest.mark.skipif(not SAMPLE_TEXTS, reason=f"no sample texts in {SAMPLES_DIR}")
@pytest.mark.parametrize("path", SAMPLE_TEXTS, ids=lambda p: p.stem)
def test_sample_summary_labels_in_seed(path):
    labels = summary_labels(path)
    assert len(labels) > 60, "parser found too few labels in tables 01 and 04"
    known = {(int(r["table_no"]), r["side"], r["label_zh"]) for r in LABELS}
    assert sorted(labels - known) == []


# ---------------------------------------------------------------- the real PDFs (codes only)

PDF_FUNC_CODE = re.compile(r"^\s*(2[0-3]\d)(?:\s+(\d\d))?(?:\s+(\d\d))?(?=\s)")
PDF_FUNC_CODE7 = re.compile(r"^\s*(2[0-3]\d(?:\d\d){1,2})(?=\s)")


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def pdf_function_codes(text: str) -> set[str]:
    """Codes printed either whole (2013901) or split into 类/款/项 columns (201   06   01)."""
    codes = set()
    for line in text.splitlines():
        m = PDF_FUNC_CODE7.match(line) or PDF_FUNC_CODE.match(line)
        if m:
            codes.add("".join(g for g in m.groups() if g))
    return codes


@pytest.mark.skipif(shutil.which("pdftotext") is None or not REAL_PDFS,
                    reason="pdftotext or the real PDFs are not available")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.stem)
def test_real_pdf_function_codes_in_seed(path):
    codes = pdf_function_codes(pdf_text(path))
    assert len(codes) > 5
    assert sorted(c for c in codes if c not in FUNC_2024) == []
