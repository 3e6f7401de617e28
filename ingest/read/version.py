"""The extraction version: which code read a file, so that a file read by other code is read again.

Derived from the code, never bumped by hand: a hash of the reader's own source files and the versions of
the libraries that read PDFs for it (OCR engine and models included), and the ``--ocr`` mode when it is
not the default (a file read with OCR off is read again with it on). raw.files.parser_version stores it;
`juesuan build` re-reads every file whose stored version differs.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from .. import __version__
from ..contract import DEFAULT_OCR_MODE

READER_DIR = Path(__file__).resolve().parent
LIBRARIES = ("camelot-py", "playa-pdf", "pypdfium2", "rapidocr", "onnxruntime", "zhconv")


def extraction_version(ocr: str = DEFAULT_OCR_MODE) -> str:
    """The version of the reader reading with ``--ocr`` mode `ocr`."""
    return _code_version() + ("" if ocr == DEFAULT_OCR_MODE else f"+ocr-{ocr}")


@lru_cache(maxsize=1)
def _code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(READER_DIR.rglob("*.py")):
        digest.update(path.relative_to(READER_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)};".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none;".encode())
    return f"{__version__}+{digest.hexdigest()[:10]}"
