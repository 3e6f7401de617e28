"""python -m ingest.cli.checks WAREHOUSE [--docs [DIR]]: run the reconciliation checks on a built warehouse.

Exit status 0: every error-level check passed; 1: some failed (see quality.check_results); 2: the checks
could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..paths import DEFAULT_DOCS_DIR
from .render import format_checks


def main(argv: list[str] | None = None) -> int:
    from ..build.checks import ChecksError, run_checks

    parser = argparse.ArgumentParser(prog="python -m ingest.cli.checks", description=__doc__.split("\n\n")[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--docs", type=Path, nargs="?", const=DEFAULT_DOCS_DIR, default=None,
                        help=f"build GX Data Docs (default folder {DEFAULT_DOCS_DIR})")
    args = parser.parse_args(argv)
    try:
        summary = run_checks(args.warehouse, docs_dir=args.docs)
    except ChecksError as exc:
        print(f"checks could not run: {exc}")
        return 2
    print(format_checks(summary))
    return 0 if summary.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
