"""juesuan: department final-accounts (部门决算) PDFs into a DuckDB warehouse.

This package is the whole application (its folder name, ``ingest``, is fixed by the project's design).
It has four layers, each a sub-package with one job, and a dependency rule that
``tests/test_layers.py`` enforces:

    cli/        the `juesuan` command: the only importer of click and rich
    orchestrate/  optional Dagster definitions (pip install '.[dagster]') over the same build
     └─ build/  one run: which files, read them (in parallel), dbt, Great Expectations, publish
         ├─ read/       PDF → Report, pure functions of one file (no warehouse, no CLI)
         └─ warehouse/  the only code that opens the DuckDB file (raw writer, publish, run log, read-only access)
              └─ contract, paths   shared vocabularies (statuses, error codes, exit bits) and project paths

``read`` and ``warehouse`` never import each other; ``build`` turns a Report into raw rows.
"""

__version__ = "0.1.0"
