"""The `juesuan` command line: the only importer of click and rich.

Each module is one or two commands (`build`, `status`, `query`), `app` the group and its shared options,
`render` what is printed. Commands import the build and warehouse layers when they run, so `juesuan --help`,
`status`, `query` and `export` load no PDF library.
"""

from __future__ import annotations

from . import audit, build, query, status  # noqa: F401  (each registers its commands on the group)
from .app import cli, main

__all__ = ["cli", "main"]
