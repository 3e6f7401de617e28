"""Generated narratives through the real reader: every statement the generator wrote in 第三部分 comes back
as a claim of the right kind, subject, value and page, nothing else does, and every planted error is read as
printed at its page and subject. The reports without a narrative render as before (byte for byte)."""

from __future__ import annotations

from decimal import Decimal

import pytest
import reportlab.rl_config

from ingest.read.document import Document
from ingest.read.narrative import narrative_pages, read_narrative
from synth.model import random_report
from synth.narrative import ERRORS, ROW_KEYS, write_narrative
from synth.render import render


def _pages(path):
    """The narrative pages of a PDF (the reader opens each PDF once, as a Document)."""
    with Document(path) as document:
        return narrative_pages(document)


# (layout, seed, unit, errors): every layout once; errors planted in some, none in the others
CASES = [
    ("typeset", 101, "万元", ERRORS),
    ("shanghai", 202, "元", ()),
    ("spreadsheet", 301, "万元", ("amount", "relation")),
    ("unruled", 606, "万元", ()),
    ("rotated", 401, "万元", ("share", "zero_base")),
    ("wps", 509, "万元", ERRORS),
    ("word", 505, "元", ("rate",)),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("narrative")
    out = {}
    for layout, seed, unit, errors in CASES:
        report = random_report(seed, unit=unit)
        doc = write_narrative(report, errors=errors)
        path = folder / f"{layout}-{seed}.pdf"
        render(report, path, layout, narrative=doc)
        out[(layout, seed)] = (report, doc, read_narrative(_pages(path)))
    return out


def _names_match(stated, claim) -> bool:
    cls, kuan, item = stated.names or (None, None, None)
    return all(want is None or got == want for want, got in
               ((cls, claim.class_name), (kuan, claim.kuan_name), (item, claim.item_name)))


def _matches(st, c) -> bool:
    if c.kind != st.kind or c.page != st.page:
        return False
    if st.kind == "count":
        return c.value == st.value and c.unit == st.unit and st.subject in c.subject
    if (c.table_hint, c.measure) != (st.table, st.measure) or c.subject_code != st.code or not _names_match(st, c):
        return False
    x = st.extra
    if st.kind == "budget_final":
        return (c.budget, c.final, c.rate, c.relation, c.unit) == (x.get("budget"), x["final"], x.get("rate"),
                                                                   x.get("relation"), st.unit)
    if st.kind == "yoy":
        return (c.change, c.direction, c.rate, c.current, c.unit) == (x["change"], x["direction"], x.get("rate"),
                                                                      x["current"], st.unit)
    if st.kind == "share":
        return (c.value, c.base_table_hint, c.base_measure) == (st.value, x["base_table"], x["base_measure"])
    return (c.value, c.unit) == (st.value, st.unit)


def _pairs(doc, narrative):
    claims = [c for c in narrative.claims if c.part_no == "三"]
    used, pairs, missing = set(), [], []
    for st in doc.stated:
        k = next((k for k, c in enumerate(claims) if k not in used and _matches(st, c)), None)
        if k is None:
            missing.append(st)
        else:
            used.add(k)
            pairs.append((st, claims[k]))
    extra = [c for k, c in enumerate(claims) if k not in used]
    return pairs, missing, extra


@pytest.mark.parametrize("layout,seed,unit,errors", CASES)
def test_every_statement_comes_back_as_a_claim(generated, layout, seed, unit, errors):
    report, doc, narrative = generated[(layout, seed)]
    assert [p.number for p in narrative.parts][:1] == ["三"]
    assert all(st.page > 0 for st in doc.stated), "a statement was not drawn"
    pairs, missing, extra = _pairs(doc, narrative)
    assert not missing, f"{len(missing)} of {len(doc.stated)} statements not read, e.g. {missing[:3]}"
    assert not extra, f"claims the generator did not write: {extra[:3]}"
    assert not narrative.unresolved()


def _finding_subject(claim, report) -> str:
    """The subject a check would name, from the claim as read: table and code (a printed code, else the 类/项
    found by its printed names) or the line its measure names."""
    code = claim.subject_code
    if code is None and claim.func_level:
        rows = [r for r in report.t05.rows if r.level == claim.func_level]
        if claim.func_level == "项":
            kuans = {r.code: r.name for r in report.t05.rows if r.level == "款"}
            rows = [r for r in rows if r.name == claim.item_name and
                    (claim.kuan_name is None or kuans[r.code[:5]] == claim.kuan_name)]
        else:
            rows = [r for r in rows if r.name in (claim.class_name, f"{claim.class_name}支出")]
        assert len(rows) == 1, (claim.subject, [r.code for r in rows])
        code = rows[0].code
    if code:
        return f"{claim.table_hint} {code}"
    return f"{claim.table_hint} {ROW_KEYS[(claim.table_hint, claim.measure)]}"


@pytest.mark.parametrize("layout,seed,unit,errors", [c for c in CASES if c[3]])
def test_planted_errors_are_read_as_printed_at_their_page_and_subject(generated, layout, seed, unit, errors):
    report, doc, narrative = generated[(layout, seed)]
    assert sorted(p.kind for p in doc.planted) == sorted(errors)
    pairs = dict((id(st), c) for st, c in _pairs(doc, narrative)[0])
    for p in doc.planted:
        claim = pairs[id(p.statement)]
        assert claim.page == p.page
        assert _finding_subject(claim, report) == p.subject, p
        stated = {"amount": claim.value, "share": claim.value, "rate": claim.rate, "relation": claim.relation,
                  "zero_base": claim.rate}[p.kind]
        assert str(stated) == p.stated.removeprefix("增长").removesuffix("%")
        if p.kind == "zero_base":
            assert claim.current == claim.change          # the previous year was zero
        elif p.kind == "relation":
            word = "大于" if claim.final > claim.budget else "小于"
            assert claim.relation != word and p.expected == word
        else:
            assert Decimal(p.expected) != stated


def test_reports_without_narrative_are_unchanged(tmp_path, monkeypatch):
    """``narrative=None`` renders exactly what the generator rendered before it had the option."""
    monkeypatch.setattr(reportlab.rl_config, "invariant", 1)
    report = random_report(101, unit="万元")
    render(report, tmp_path / "a.pdf", "typeset")
    render(report, tmp_path / "b.pdf", "typeset", narrative=None)
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    with_narrative = tmp_path / "c.pdf"
    render(report, with_narrative, "typeset", narrative=write_narrative(report))
    assert with_narrative.read_bytes() != (tmp_path / "a.pdf").read_bytes()
