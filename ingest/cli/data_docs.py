"""`make docs`: the Great Expectations Data Docs of a warehouse, built offline from a read-only connection."""

from __future__ import annotations

from pathlib import Path

from ..paths import DEFAULT_DOCS_DIR


def main(argv: list[str] | None = None) -> int:
    """python -m ingest.cli.data_docs WAREHOUSE [--out DIR]: GX Data Docs that work offline (`make docs`).

    Exit 0 when the site was written (whether or not checks failed: the pages show which), 2 when it
    could not be.
    """
    import argparse

    from ..build.checks import ChecksError, build_docs_site
    from ..build.data_docs import DataDocsError

    parser = argparse.ArgumentParser(prog="python -m ingest.cli.data_docs", description=main.__doc__)
    parser.add_argument("warehouse", type=Path, help="a DuckDB warehouse, opened read-only")
    parser.add_argument("--out", type=Path, default=DEFAULT_DOCS_DIR, help=f"the site folder (default {DEFAULT_DOCS_DIR})")
    args = parser.parse_args(argv)
    if not args.warehouse.is_file():
        print(f"no warehouse at {args.warehouse}: run `make build` first")
        return 2
    try:
        index, run, failed = build_docs_site(args.warehouse, args.out)
    except (ChecksError, DataDocsError) as exc:
        print(f"Data Docs not written: {exc}")
        return 2
    print(f"data docs: {run} checks validated, {failed} failed: {index}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
