"""Build beside the published warehouse, then swap it in atomically.

Analysts keep read-only connections to the published file all night. A build never writes to it:

1. take ``<name>.lock`` (an exclusive ``flock``; a second build fails at once with :class:`BuildLocked`, and
   the kernel drops the lock when a build dies, so there is nothing to clean up by hand);
2. discard a ``<name>.building`` left by a build that was killed, copy the published file to
   ``<name>.building`` (so unchanged files need no extraction) and build on the copy;
3. :meth:`Publication.publish`: flush the copy to disk, hard-link the published file as
   ``<name>.previous`` (the backup; the published name stays in place), then ``os.replace`` the copy onto
   the published name: one atomic rename.

A reader that opened the published file before the rename keeps reading the old inode, unchanged; readers
that connect afterwards see the new build. A build killed at any point before the rename leaves the
published file as it was. DuckDB names the database after the file name up to its first dot, so the copy
(``warehouse.duckdb.building``) and the published file (``warehouse.duckdb``) are both catalog
``warehouse``: dbt's views keep working after the rename.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path


class BuildLocked(Exception):
    """Another build of the same warehouse is running (it holds ``<name>.lock``)."""


def build_running(published: Path | str) -> str | None:
    """Who is building this warehouse now ("pid 123 since … UTC"), or None when no build holds its lock."""
    lock_path = sibling(Path(published).absolute(), ".lock")
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return os.pread(fd, 200, 0).decode(errors="replace").strip() or "a build"
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class Publication:
    """``with Publication(path) as pub:`` build on ``pub.building``, then ``pub.publish()``.

    Leaving the block without publishing removes the copy (or keeps it as ``<name>.failed`` after
    :meth:`keep_failed`); the published file is never touched except by the rename in :meth:`publish`.
    """

    def __init__(self, published: Path | str):
        self.published = Path(published).absolute()
        self.building = sibling(self.published, ".building")
        self.previous = sibling(self.published, ".previous")
        self.failed = sibling(self.published, ".failed")
        self.lock_path = sibling(self.published, ".lock")
        self.discarded_stale = False  # a killed build's copy was found and removed
        self.is_published = False
        self.kept_previous = False  # publish() kept the replaced warehouse as <name>.previous
        self._lock_fd: int | None = None

    # -- context ---------------------------------------------------------------------------------------
    def __enter__(self) -> "Publication":
        self.published.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BuildLocked(f"another build of {self.published} is running (it holds {self.lock_path}); "
                              "wait for it to finish") from None
        self._lock_fd = fd
        # who holds the lock, for `juesuan status` (the lock itself is the flock, not this text)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {datetime.now(timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n".encode(), 0)
        try:
            self._start()
        except BaseException:
            self._unlock()
            raise
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if not self.is_published:
                self._discard_building()
        finally:
            self._unlock()

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
            os.close(self._lock_fd)
            self._lock_fd = None

    # -- steps -----------------------------------------------------------------------------------------
    def _start(self) -> None:
        for stale in (self.building, sibling(self.building, ".wal"), sibling(self.previous, ".tmp")):
            if stale.exists():
                self.discarded_stale = self.discarded_stale or stale == self.building
                _remove(stale)
        if self.published.exists():
            shutil.copyfile(self.published, self.building)
            wal = sibling(self.published, ".wal")
            if wal.exists():  # written by a writer outside juesuan that did not checkpoint: keep its changes
                shutil.copyfile(wal, sibling(self.building, ".wal"))

    def _discard_building(self) -> None:
        _remove(self.building)
        _remove(sibling(self.building, ".wal"))

    def _settle(self) -> None:
        """Fold a leftover WAL into the copy, so the published file is one self-contained file."""
        if sibling(self.building, ".wal").exists():
            import duckdb

            con = duckdb.connect(str(self.building))
            con.execute("checkpoint")
            con.close()
        if sibling(self.building, ".wal").exists():
            raise RuntimeError(f"{self.building} still has a write-ahead log: is another process writing it?")
        _fsync_file(self.building)

    def publish(self) -> None:
        """Swap the copy in: the published name points to the new build, ``.previous`` to the old one."""
        if not self.building.exists():
            raise RuntimeError(f"nothing to publish: {self.building} does not exist")
        self._settle()
        if self.published.exists():
            tmp = sibling(self.previous, ".tmp")
            _remove(tmp)
            try:
                os.link(self.published, tmp)
            except OSError:  # a file system without hard links: copy (the published file is not written)
                shutil.copyfile(self.published, tmp)
            os.replace(tmp, self.previous)
            self.kept_previous = True
        os.replace(self.building, self.published)
        _fsync_dir(self.published.parent)
        self.is_published = True

    def keep_failed(self) -> Path:
        """Keep the unpublished copy as ``<name>.failed`` for inspection (replacing an older one)."""
        self._settle()
        os.replace(self.building, self.failed)
        return self.failed
