"""The narrative of a final-accounts report (第三部分 情况说明 and the parts after it that report 机关运行经费,
政府采购, 国有资产, 绩效): sections, sentences with their pages, and the figures they state as claims.

    from ingest.read.document import Document
    from ingest.read.narrative import narrative_pages, read_narrative
    with Document("report.pdf") as document:
        narrative = read_narrative(narrative_pages(document))
    for claim in narrative.claims: ...

Pure functions of the pages: no warehouse access. Matching claims with the tables is dbt's job.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..text import PageText

from .claims import KINDS, Claim, read_claims
from .layout import Part, Sentence, sentences
from .lines import narrative_pages
from .numbers import Figure, find_figures

__all__ = ["KINDS", "Claim", "Figure", "Narrative", "Part", "Sentence", "find_figures", "narrative_pages",
           "read_narrative"]


@dataclass(frozen=True)
class Narrative:
    parts: tuple[Part, ...]
    sentences: tuple[Sentence, ...]
    claims: tuple[Claim, ...]

    def claims_of(self, sentence: Sentence) -> list[Claim]:
        return [c for c in self.claims if c.sentence_no == sentence.sentence_no]

    def figure_sentences(self, part_no: str | None = "三") -> list[Sentence]:
        """Sentences that state at least one figure (of part `part_no`, or of every part when None)."""
        return [s for s in self.sentences if not s.heading and find_figures(s.text)
                and (part_no is None or s.part_no == part_no)]

    def unresolved(self) -> list[Claim]:
        return [c for c in self.claims if c.kind == "unresolved"]

    def status_of(self, sentence: Sentence) -> tuple[str, list[str]]:
        """How far a sentence was read: ('none', []) when it states no figure, else ('read' | 'partial' |
        'unresolved', the figures of the sentence that no claim states)."""
        figures = find_figures(sentence.text)
        if sentence.heading or not figures:
            return "none", []
        claims = [c for c in self.claims_of(sentence) if c.kind != "unresolved"]
        used = {o for c in claims for o in c.offsets}
        missing = [f.text + ("" if f.unit_inferred else f.unit) for f in figures if f.start not in used]
        if not missing:
            return "read", []
        return ("partial" if claims else "unresolved"), missing


def read_narrative(pages: list[PageText]) -> Narrative:
    """The narrative of a report from its pages' text lines (``narrative_pages(document)``, or
    ``ingest.read.text.read_pages(document)`` — see ``lines`` for why the former is safer on running text)."""
    parts, sents = sentences(pages)
    return Narrative(tuple(parts), tuple(sents), tuple(read_claims(sents)))
