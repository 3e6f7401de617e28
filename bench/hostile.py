"""`make bench` (second part): a nightly inbox with hostile and odd files beside good reports.

    python bench/hostile.py [--jobs N ...] [--keep DIR]

The inbox: the two samples and the two 2024 Putuo reports (good), a blank template (上海市XX局, no
amounts), a decompression bomb (233 KB inflating to 114 MiB), the 部门预算 of ../shared/real when it is
there, a draft with placeholders but real amounts, and a generated report whose income header no measure
knows. `juesuan build` runs over it once per --jobs value; printed: the exit status, what became of each
file, and the peak resident memory of the whole process tree (the command, its worker processes, dbt and
GX in it), sampled every 50 ms. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench import BIN, SHARED_REAL, PeakRss, mib  # noqa: E402


def make_inbox(inbox: Path) -> None:
    import badfiles
    from synth import render
    from synth.model import random_report, with_department

    inbox.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "data" / "samples").glob("*.pdf")):
        shutil.copyfile(path, inbox / path.name)
    if SHARED_REAL.is_dir():
        for path in sorted(SHARED_REAL.glob("*.pdf")):
            shutil.copyfile(path, inbox / path.name)
    badfiles.decompression_bomb_pdf(inbox)
    render.render(with_department(random_report(4242, unit="万元", year=2024), "上海市XX局", "上海市", "XX局"),
                  inbox / "template.pdf", "shanghai", blank=True)
    render.render(with_department(random_report(4243, unit="万元", year=2024), "某某县财政局", None, "某某县财政局"),
                  inbox / "draft.pdf", "typeset")
    labels = list(render.FUNC_HEADERS[2])
    render.FUNC_HEADERS[2] = ["本年收入总额（自编栏）"] + labels[1:]
    try:
        render.render(random_report(4244), inbox / "unknown-header.pdf", "typeset")
    finally:
        render.FUNC_HEADERS[2] = labels


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/hostile.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, action="append", help="--jobs of a build (default: 1 and 2)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    a = ap.parse_args(argv)
    work = a.keep or Path(tempfile.mkdtemp(prefix="juesuan-hostile-"))
    try:
        inbox = work / "inbox"
        shutil.rmtree(inbox, ignore_errors=True)
        make_inbox(inbox)
        print(f"inbox: {len(list(inbox.glob('*.pdf')))} files: {', '.join(sorted(p.name for p in inbox.glob('*.pdf')))}")
        for jobs in a.jobs or [1, 2]:
            warehouse = work / f"jobs{jobs}.duckdb"
            for stale in work.glob(f"jobs{jobs}.duckdb*"):
                stale.unlink()
            start = time.perf_counter()
            proc = subprocess.Popen([str(BIN / "juesuan"), "build", "--jobs", str(jobs), "--warehouse",
                                     str(warehouse), str(inbox)], cwd=ROOT, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            rss = PeakRss(proc.pid)
            output, _ = proc.communicate()
            rss.stop()
            print(f"juesuan build --jobs {jobs}: exit {proc.returncode} in {time.perf_counter() - start:.1f} s, "
                  f"peak RSS {mib(rss.peak_total)} for the process tree ({mib(rss.peak_single)} the largest process)")
            for line in output.splitlines():
                if line.startswith(("files:", "  FAILED", "  QUARANTINED", "published", "not published")):
                    print("  " + line.strip()[:160])
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
