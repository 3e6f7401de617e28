"""Write a benchmark corpus of synthetic reports: ``python -m tests.synth.corpus OUTDIR N [--layouts a,b]
[--seed S]``.

Writes ``OUTDIR/synth-<seed>-<layout>.pdf`` for N reports (layouts taken in turn) and ``OUTDIR/truth.json``:
a list of {file, seed, layout, metadata, facts}, amounts as strings (exact decimals, null for blank cells).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .model import random_report
from .render import LAYOUTS, facts_for, render


def write_corpus(outdir, n: int, *, layouts=LAYOUTS, first_seed: int = 1000) -> list[dict]:
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    truth = []
    for i in range(n):
        seed = first_seed + i
        layout = layouts[i % len(layouts)]
        report = random_report(seed)
        name = f"synth-{seed}-{layout}.pdf"
        render(report, out / name, layout)
        facts = [{k: (str(v) if k == "amount" and v is not None else v) for k, v in f.items()}
                 for f in facts_for(report, layout)]
        truth.append({"file": name, "seed": seed, "layout": layout, "metadata": report.metadata(), "facts": facts})
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(prog="python -m tests.synth.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("n", type=int)
    ap.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated, taken in turn")
    ap.add_argument("--seed", type=int, default=1000, help="seed of the first report")
    a = ap.parse_args(argv)
    layouts = tuple(x for x in a.layouts.split(",") if x)
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        ap.error(f"unknown layouts {sorted(unknown)}; choose from {', '.join(LAYOUTS)}")
    truth = write_corpus(a.outdir, a.n, layouts=layouts, first_seed=a.seed)
    print(f"wrote {len(truth)} PDFs and truth.json to {a.outdir}")


if __name__ == "__main__":
    main()
