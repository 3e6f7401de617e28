"""Which files a run reads: the PDFs named on the command line and those below the folders named.

A file is known by its path: its name in the warehouse (``source_file``) is its path relative to the folder
given (sub-folders kept: ``2024/财政局.pdf``), or its base name when the file itself was given. When two
arguments give the same name (``A/2024.pdf`` and ``B/2024.pdf`` as two folder arguments), each of those
names is prefixed with its argument as given, so two files stay two files. The same file reached twice (a
folder and a file inside it) is one input. A report is known by its bytes (see `build.ingest`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class NoInputs(Exception):
    """The inputs name no PDF at all (an empty or unmounted folder, a typo)."""


@dataclass
class InputFile:
    source_file: str  # name as recorded: relative to the folder given, or the file name
    path: Path
    sha256: str | None = None  # hashed once, when the run plans what to read


def _given(argument: Path) -> str:
    """The argument as the operator wrote it, as a clean relative or absolute posix path."""
    return PurePosixPath(argument.as_posix()).as_posix().rstrip("/") or "."


def collect_inputs(paths: Iterable[Path | str]) -> list[InputFile]:
    """Files named directly, and every *.pdf below each folder named. Raises FileNotFoundError for an
    argument that does not exist and NoInputs when the arguments hold no PDF."""
    found: list[tuple[str, str, Path]] = []  # (argument as given, name relative to it, resolved path)
    seen: set[Path] = set()
    arguments = [Path(p) for p in paths]
    for given in arguments:
        if given.is_dir():
            files = sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
            entries = [(_given(given), p.relative_to(given).as_posix(), p.resolve()) for p in files]
        elif given.exists():
            entries = [(_given(given.parent), given.name, given.resolve())]
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
        for entry in entries:
            if entry[2] not in seen:
                seen.add(entry[2])
                found.append(entry)
    if not found:
        listed = ", ".join(str(a) for a in arguments) or "(none)"
        raise NoInputs(f"no PDF in {listed}: nothing to read (is the folder empty, or a share not mounted?)")
    counts: dict[str, int] = {}
    for _, name, _ in found:
        counts[name] = counts.get(name, 0) + 1
    inputs = []
    for argument, name, path in found:
        if counts[name] > 1:  # two arguments give this name: keep each argument's own path in front
            name = name if argument == "." else f"{argument}/{name}"
        inputs.append(InputFile(name, path))
    names = [i.source_file for i in inputs]
    if len(set(names)) != len(names):  # e.g. `.` and `./x` both give a.pdf: fall back to the full path
        inputs = [InputFile(i.path.as_posix() if names.count(i.source_file) > 1 else i.source_file, i.path)
                  for i in inputs]
    return inputs


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
