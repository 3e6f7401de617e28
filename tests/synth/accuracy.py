"""Per-table accuracy of the whole pipeline on generated reports: recall and precision by layout and table.

    python -m tests.synth.accuracy [--per-layout N] [--layouts typeset,shanghai] [--seed S] [--keep DIR]

Renders N random reports per layout, runs `juesuan build` on them, and compares every fact of the marts
with the generated truth: recall = generated amounts found exactly / generated amounts, precision = facts
that match a generated amount / facts in the marts; and lists the document checks that fail at error
level (a generated report is a whole, consistent document: none should). `make accuracy` runs it.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import defaultdict
from pathlib import Path

import duckdb
from click.testing import CliRunner

from ingest.cli import cli

from .compare import actual_facts, expected_facts
from .model import random_report
from .render import LAYOUTS, render, style_for


def measure(folder: Path, per_layout: int, layouts: list[str], seed: int) -> tuple[dict, str, list]:
    reports = {}
    printed = defaultdict(int)  # what the reports print that the reader must mend or map
    for layout in layouts:
        for i in range(per_layout):
            s = seed + 1000 * LAYOUTS.index(layout) + i
            report = random_report(s, unit="元" if i % 2 else "万元")
            name = f"{layout}-{s}.pdf"
            printed["rows broken across a page"] += len(render(report, folder / name, layout))
            printed["reports with a 决算数 header row"] += style_for(report, layout).stage_row
            reports[name] = (layout, report)
    warehouse = folder / "accuracy.duckdb"
    result = CliRunner().invoke(cli, ["build", "--warehouse", str(warehouse), str(folder)])
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # expected, found, actual, right
    if not warehouse.exists():  # a build that failed a check or a dbt test is kept beside it, unpublished
        warehouse = warehouse.with_name(warehouse.name + ".failed")
    con = duckdb.connect(str(warehouse), read_only=True)
    if not con.execute("select count(*) from duckdb_tables() where schema_name = 'marts' "
                       "and table_name = 'fct_functional'").fetchone()[0]:
        con.close()
        raise SystemExit(f"the build made no marts (a dbt test failed before them):\n{result.output}")
    try:
        # the document checks: a generated report is a whole, consistent document (no error expected)
        document = con.execute(
            "select d.source_file, r.check_name, r.subject, r.message from quality.check_results r "
            "join marts.dim_report d using (report_id) "
            "where r.family = 'document' and r.severity = 'error' and not r.passed order by all").fetchall()
        for name, (layout, report) in reports.items():
            row = con.execute("select report_id from marts.dim_report where source_file = ?", [name]).fetchone()
            actual = actual_facts(con, row[0]) if row else {}
            expected = expected_facts(report, layout)
            for key, value in expected.items():
                c = counts[(layout, key[1])]
                c[0] += 1
                c[1] += actual.get(key) == value
            for key, value in actual.items():
                c = counts[(layout, key[1])]
                c[2] += 1
                c[3] += expected.get(key) == value
    finally:
        con.close()
    output = result.output.strip().splitlines()[:1] + [f"{what}: {n}" for what, n in printed.items()]
    return counts, "\n".join(output), document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-layout", type=int, default=3)
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--seed", type=int, default=7000)
    parser.add_argument("--keep", type=Path, help="render into this folder and keep it")
    args = parser.parse_args()
    layouts = [layout for layout in args.layouts.split(",") if layout]
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        counts, output, document = measure(folder, args.per_layout, layouts, args.seed)
    print(output)
    print(f"document checks: {len(document)} error{'s' if len(document) != 1 else ''}")
    for name, check, subject, message in document:
        print(f"  {name}  {check} {subject}: {message}")
    print(f"{'layout':<12} {'table':>5} {'generated':>9} {'recall':>8} {'extracted':>9} {'precision':>9}")
    for (layout, table_no), (n_exp, found, n_act, right) in sorted(counts.items()):
        recall = found / n_exp if n_exp else 1.0
        precision = right / n_act if n_act else (1.0 if not n_exp else 0.0)
        print(f"{layout:<12} {table_no:>5} {n_exp:>9} {recall:>8.1%} {n_act:>9} {precision:>9.1%}")


if __name__ == "__main__":
    main()
