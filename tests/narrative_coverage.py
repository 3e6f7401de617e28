"""How much of a report's narrative the narrative reader reads: ``python -m tests.narrative_coverage PDF...
[--all] [--part 三]``.

For each PDF: the sentences of 第三部分 that state a figure, and for each whether every figure in it became a
claim (``read``), only some did (``partial``: the others are unresolved) or none did (``unresolved``).
Prints the sentences not fully read (every sentence with ``--all``) and the shares:

    read      = sentences whose every figure is a claim / sentences stating a figure
    with claim = sentences with at least one claim / sentences stating a figure
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.read.document import Document  # noqa: E402
from ingest.read.narrative import Narrative, find_figures, narrative_pages, read_narrative  # noqa: E402


def coverage(narrative: Narrative, part_no: str | None = "三") -> dict:
    rows = []
    for s in narrative.figure_sentences(part_no):
        status, missing = narrative.status_of(s)
        rows.append((s, status, missing))
    n = len(rows)
    read = sum(1 for _, st, _ in rows if st == "read")
    with_claim = sum(1 for _, st, _ in rows if st != "unresolved")
    return {"rows": rows, "sentences": n, "read": read, "with_claim": with_claim,
            "read_share": read / n if n else 1.0, "claim_share": with_claim / n if n else 1.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.narrative_coverage", description=__doc__.split("\n\n")[0])
    ap.add_argument("pdfs", nargs="+", type=Path)
    ap.add_argument("--all", action="store_true", help="list every sentence that states a figure")
    ap.add_argument("--part", default="三", help="part number (三), or 'all' for every narrative part")
    a = ap.parse_args(argv)
    part = None if a.part == "all" else a.part
    total = [0, 0, 0]
    for pdf in a.pdfs:
        with Document(pdf) as document:
            narrative = read_narrative(narrative_pages(document))
        cov = coverage(narrative, part)
        print(f"== {pdf.name}: {cov['sentences']} sentences state a figure; read {cov['read']} "
              f"({cov['read_share']:.1%}), with a claim {cov['with_claim']} ({cov['claim_share']:.1%}); "
              f"{len(narrative.claims)} claims, {len(narrative.unresolved())} unresolved")
        for s, status, missing in cov["rows"]:
            if a.all or status != "read":
                extra = f"  not read: {', '.join(missing)}" if missing else ""
                print(f"  [{status:10s}] p{s.page} {s.section_path or '-'}: {s.text}{extra}")
        total[0] += cov["sentences"]
        total[1] += cov["read"]
        total[2] += cov["with_claim"]
    if len(a.pdfs) > 1 and total[0]:
        print(f"== all: {total[0]} sentences; read {total[1] / total[0]:.1%}, with a claim {total[2] / total[0]:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
