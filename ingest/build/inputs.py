"""Which files a run reads: the PDFs named on the command line and those below the folders named.

A file is known by its path: its name in the warehouse (``source_file``) is its path relative to the folder
given (sub-folders kept: ``2024/财政局.pdf``), or its base name when the file itself was given. When two
arguments give the same name (``2024.pdf`` in folders ``/srv/A`` and ``/srv/B``), each of those names is
prefixed with as much of its folder's path as tells them apart (``A/2024.pdf``, ``B/2024.pdf``), so two files
stay two files. The same file reached twice (a folder and a file inside it) is one input. A report is known
by its bytes (see `build.ingest`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class NoInputs(Exception):
    """The inputs name no PDF at all (an empty or unmounted folder, a typo)."""


@dataclass
class InputFile:
    source_file: str  # name as recorded: relative to the folder given, or the file name
    path: Path
    sha256: str | None = None  # hashed once, when the run plans what to read


def _prefixed(folder: Path, name: str, depth: int) -> str:
    """`name` under the last `depth` parts of `folder` (its resolved path)."""
    parts = folder.resolve().parts[1:]  # without the root
    return "/".join([*parts[len(parts) - depth:], name]) if depth else name


def collect_inputs(paths: Iterable[Path | str]) -> list[InputFile]:
    """Files named directly, and every *.pdf below each folder named. Raises FileNotFoundError for an
    argument that does not exist and NoInputs when the arguments hold no PDF."""
    found: list[tuple[Path, str, Path]] = []  # (the folder given or holding the file, name, resolved path)
    seen: set[Path] = set()
    arguments = [Path(p) for p in paths]
    for given in arguments:
        if given.is_dir():
            files = sorted(p for p in given.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
            entries = [(given, p.relative_to(given).as_posix(), p.resolve()) for p in files]
        elif given.exists():
            entries = [(given.parent, given.name, given.resolve())]
        else:
            raise FileNotFoundError(f"{given}: no such file or folder")
        for entry in entries:
            if entry[2] not in seen:
                seen.add(entry[2])
                found.append(entry)
    if not found:
        listed = ", ".join(str(a) for a in arguments) or "(none)"
        raise NoInputs(f"no PDF in {listed}: nothing to read (is the folder empty, or a share not mounted?)")
    names = [name for _, name, _ in found]
    colliding = {name for name in names if names.count(name) > 1}
    depth = 0
    while colliding:  # two arguments give these names: put as much of each folder in front as tells them apart
        depth += 1
        prefixed = [_prefixed(folder, name, depth) if name in colliding else name for folder, name, _ in found]
        if len(set(prefixed)) == len(prefixed) or depth > 64:
            names = prefixed
            break
    return [InputFile(name, path) for name, (_, _, path) in zip(names, found)]


def file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
