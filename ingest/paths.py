"""Where the project keeps things: the default warehouse, the samples, the dbt project, the expectations."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
SAMPLES_DIR = DATA_DIR / "samples"
DEFAULT_WAREHOUSE = DATA_DIR / "warehouse.duckdb"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
DEFAULT_DOCS_DIR = EXPECTATIONS_DIR / "data_docs"
