"""juesuan: department final-accounts (部门决算) PDFs into a DuckDB warehouse."""

__version__ = "0.1.0"
