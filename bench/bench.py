"""`make bench`: how fast `juesuan` reads and builds, from one run on one set of PDFs.

    python bench/bench.py [--synth N] [--jobs N] [--no-baseline] [--keep DIR]

The PDFs: data/samples/, the two 2024 final-accounts reports of ../shared/real/ when it is there, and N
generated reports
(`python -m tests.synth.corpus`) with --synth. Printed:

* `juesuan ingest --jobs 1` wall time against a plain loop of `camelot.read_pdf(path, pages="all")` over
  the same files in one process, as a ratio (the goal is 0.25 or less), and pages per second of each;
* peak RSS (the command and all its worker processes, sampled every 50 ms) of the ingest and the build;
* `juesuan build` (default --jobs: the cores) from scratch: the time of each stage (copy, ingest, dbt,
  checks, publish, from the run log raw.runs and the stage hooks), then a second build with nothing new.

A benchmark, not a test: it asserts nothing and its numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED_REAL = ROOT.parent / "shared" / "real"


def gather(inbox: Path, synth: int) -> list[Path]:
    inbox.mkdir(parents=True, exist_ok=True)
    sources = sorted((ROOT / "data" / "samples").glob("*.pdf"))
    if SHARED_REAL.is_dir():  # the final-accounts reports there (not the 部门预算 beside them)
        sources += sorted(SHARED_REAL.glob("putuo-*-2024.pdf"))
    for path in sources:
        shutil.copyfile(path, inbox / path.name)
    if synth:
        subprocess.run([sys.executable, "-m", "tests.synth.corpus", str(inbox / "synth"), str(synth)],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        (inbox / "synth" / "truth.json").unlink(missing_ok=True)
    return sorted(inbox.rglob("*.pdf"))


class PeakRss:
    """Peak resident memory of a process and its children (summed), sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.05):
        import psutil

        self._root = psutil.Process(pid)
        self._psutil = psutil
        self.peak_total = 0
        self.peak_single = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, args=(interval,), daemon=True)
        self._thread.start()

    def _sample(self, interval: float) -> None:
        while not self._stop.is_set():
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except self._psutil.Error:
                break
            sizes = []
            for proc in procs:
                try:
                    sizes.append(proc.memory_info().rss)
                except self._psutil.Error:
                    pass
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_single = max(self.peak_single, max(sizes))
            time.sleep(interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def timed(args: list[str], **kwargs) -> tuple[float, int, PeakRss]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kwargs)
    rss = PeakRss(proc.pid)
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    rss.stop()
    if proc.returncode not in (0, 1, 4):
        sys.stderr.write(err)
    return elapsed, proc.returncode, rss


def camelot_loop(pdfs: list[Path]) -> float:
    code = (
        "import sys, time, warnings\n"
        "warnings.simplefilter('ignore')\n"
        "import camelot\n"
        "start = time.perf_counter()\n"
        "for path in sys.argv[1:]:\n"
        "    camelot.read_pdf(path, pages='all')\n"
        "print(time.perf_counter() - start)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *map(str, pdfs)], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def runs(warehouse: Path) -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from ingest.warehouse.runlog import last_runs

    return last_runs(warehouse, 10)


def pages_of(warehouse: Path) -> int:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select coalesce(sum(page_count), 0) from raw.files").fetchone()[0]
    finally:
        con.close()


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench/bench.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--synth", type=int, default=0, help="add N generated reports")
    ap.add_argument("--jobs", type=int, default=None, help="--jobs of the build (default: the cores)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the plain camelot loop")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder and keep it")
    a = ap.parse_args(argv)

    work = a.keep or Path(tempfile.mkdtemp(prefix="juesuan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        inbox = work / "inbox"
        shutil.rmtree(inbox, ignore_errors=True)
        pdfs = gather(inbox, a.synth)
        juesuan = str(BIN / "juesuan")
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"PDFs: {len(pdfs)} ({', '.join(p.name for p in pdfs[:4])}{' …' if len(pdfs) > 4 else ''}), "
              f"{cores} cores")

        ingest_wh = work / "ingest.duckdb"
        for stale in work.glob("*.duckdb*"):
            stale.unlink()
        t_ingest, rc, rss_ingest = timed([juesuan, "ingest", "--jobs", "1", "--warehouse", str(ingest_wh),
                                          str(inbox)])
        pages = pages_of(ingest_wh)
        print(f"juesuan ingest --jobs 1: {t_ingest:.1f} s for {pages} pages = {pages / t_ingest:.2f} pages/s, "
              f"peak RSS {mib(rss_ingest.peak_total)} ({'' if a.synth else 'goal < 250 MiB; '}"
              f"{mib(rss_ingest.peak_single)} the largest process) (exit {rc})")
        if not a.no_baseline:
            t_camelot = camelot_loop(pdfs)
            print(f"camelot.read_pdf(path, pages='all') loop: {t_camelot:.1f} s = "
                  f"{pages / t_camelot:.2f} pages/s")
            print(f"ratio ingest / camelot: {t_ingest / t_camelot:.2f} (goal <= 0.25)")

        build_wh = work / "build.duckdb"
        jobs = ["--jobs", str(a.jobs)] if a.jobs else []
        t_build, rc, rss_build = timed([juesuan, "build", *jobs, "--warehouse", str(build_wh), str(inbox)])
        first = runs(build_wh)[0]
        print(f"juesuan build {' '.join(jobs) or f'(--jobs {cores})'}: {t_build:.1f} s wall (exit {rc}), "
              f"peak RSS {mib(rss_build.peak_total)} all processes, {mib(rss_build.peak_single)} largest")
        print(f"  stages: ingest {first['ingest_seconds']:.1f} s ({first['pages_extracted']} pages, "
              f"{first['pages_extracted'] / first['ingest_seconds']:.2f} pages/s), "
              f"dbt {first['dbt_seconds'] or 0:.1f} s, checks {first['checks_seconds'] or 0:.1f} s, "
              f"rest (start, copy, run log, publish) "
              f"{t_build - first['ingest_seconds'] - (first['dbt_seconds'] or 0) - (first['checks_seconds'] or 0):.1f} s")
        t_again, rc, _ = timed([juesuan, "build", *jobs, "--warehouse", str(build_wh), str(inbox)])
        again = runs(build_wh)[0]
        print(f"juesuan build again, nothing new: {t_again:.1f} s wall (exit {rc}) = "
              f"{t_again / t_build:.0%} of the first; extracted {again['files_new'] + again['files_changed']} "
              f"files, dbt {again['dbt_status']}, checks {again['checks_status']}")
    finally:
        if a.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
