"""Which code made a warehouse: the extraction version and the version of everything that turns raw.*
into marts.* and quality.* (the dbt project, the expectations and the modules that run them).

Stored in raw.runs.code_version; a build skips dbt and the checks only when raw data and this version are
unchanged since the last complete build.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import __version__
from ..paths import PROJECT_ROOT
from ..read.version import extraction_version

#: What the dbt project is made of, relative to dbt_project/ (also what the Dagster manifest is parsed from).
DBT_INPUTS = ("models", "seeds", "macros", "tests", "dbt_project.yml", "profiles.yml")
#: What turns raw.* into the marts and the checks, relative to the project root.
BUILD_INPUTS = (
    ("dbt_project", DBT_INPUTS),
    ("expectations", ("suites", "checkpoint.json")),
    ("ingest/build", ("dbt.py", "quarantine.py", "checks.py")),
    ("ingest/warehouse", ("schema.py", "quality.py")),
)


def build_fingerprint(root=PROJECT_ROOT) -> str:
    """Hash of everything that turns raw.* into marts.* and quality.* (not the PDFs' extraction)."""
    digest = hashlib.sha256(extraction_version().encode())
    hash_files(digest, root, [f"{folder}/{name}" for folder, names in BUILD_INPUTS for name in names])
    return digest.hexdigest()[:12]


def hash_files(digest, root: Path, names) -> None:
    """Feed `digest` each file at or below ``root/<name>``, in a fixed order: its path relative to `root`,
    then its bytes (a missing name adds nothing, __pycache__ is left out)."""
    for name in names:
        base = root / name
        files = sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else [base]
        for path in files:
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")


def code_version() -> str:
    return f"juesuan {__version__}; parser {extraction_version()}; build {build_fingerprint()}"
