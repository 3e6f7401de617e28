"""Run a pure function of one file over many files: in local worker processes, or on a Dask distributed
cluster. Results come back to the caller (the one writer) as they finish.

Every file is read in a worker process, never in the caller, so that one file cannot take the run down:

* **Bounded per file.** A local worker reading a file for longer than ``Limits.seconds`` (and
  ``Limits.ocr_page_seconds`` more for each page it says it reads by OCR, see :func:`notify`), or holding
  more than ``Limits.memory_mib`` of resident memory, is killed and replaced, and that file comes back as
  ``on_limit(item, "timeout" | "too_large", detail)``; a worker that dies on its own (a crash in a PDF
  library, the kernel's OOM killer) comes back as ``on_limit(item, "crashed", detail)``. The others go on.
  Each worker also runs under an address-space limit (``RLIMIT_AS``) well above the memory ceiling, as a
  backstop for an allocation too fast to be seen between two looks.
* **Bounded in total.** At most ``jobs`` files are in flight, so finished results never pile up while the
  writer is busy, and a worker is replaced after ``MAX_TASKS_PER_CHILD`` files, so a library that keeps
  memory after a large PDF (pdfium, camelot's caches) cannot grow a worker without bound.

Each worker is a fresh interpreter started with :mod:`subprocess` and spoken to over a socket pair
(``multiprocessing.connection``): it holds only what reading needs — not the writer's DuckDB connection,
nor its memory, nor the command line's modules (``multiprocessing``'s ``spawn`` would import the caller's
``__main__``, the CLI, into every worker, and start a resource-tracker process beside them).
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "dask")
MAX_TASKS_PER_CHILD = 8  # a worker process is replaced after this many files
#: How often the supervisor looks at its workers' time and memory.
POLL_SECONDS = 0.05
#: The address-space limit of a worker: its memory ceiling plus room for what is mapped but not resident
#: (shared libraries, the interpreter's arenas, numpy's and pdfium's reservations: about 600 MiB).
ADDRESS_SPACE_HEADROOM_MIB = 1536


#: Seconds a file may take for each page it reads by OCR, on top of ``Limits.seconds``: about four times
#: what a page takes on one busy core of the machine it was measured on (README, "Scanned reports").
OCR_PAGE_SECONDS = 30.0


@dataclass(frozen=True)
class Limits:
    """What reading one file may take. ``None`` switches a bound off."""

    memory_mib: int | None = 1536
    seconds: float | None = 120.0
    ocr_page_seconds: float | None = OCR_PAGE_SECONDS


@dataclass(frozen=True)
class Notice:
    """What a worker says while it reads a file: `done` of `total` pages read by OCR so far (a notice with
    ``done == 0`` comes first, before any is read)."""

    ocr_done: int
    ocr_total: int


_channel = None  # the pipe to the supervisor, in a local worker process
#: What a new worker says once it has imported what it runs (camelot and the rest take seconds, which are
#: not the first file's); a worker that takes longer than this to get there is taken for crashed.
STARTUP_SECONDS = 120.0


@dataclass(frozen=True)
class _Ready:
    pass


_READY = _Ready()


def notify(notice: Notice) -> None:
    """Tell the supervisor how reading the current item goes (a no-op outside a local worker: in the
    caller's own process, on Dask)."""
    if _channel is not None:
        _channel.send(notice)


class ExecutorError(Exception):
    """The executor could not start (dask not installed, scheduler unreachable…)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


#: What a worker process runs: drop the current folder that ``python -c`` puts first on the module path (a
#: file there named like a library, cv2.py or numpy/, must not replace it: the caller's own path comes in
#: the first message), ignore Ctrl-C (the supervisor handles it and stops the workers), then serve on the
#: socket whose descriptor is its argument.
_WORKER_MAIN = ("import sys; sys.path.pop(0); "
                "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                "from ingest.build.executors import _worker_main; _worker_main(int(sys.argv[1]))")


def _worker_main(fd: int) -> None:
    """A worker process: take the caller's module path, the function and the address-space limit from the
    first message, then serve."""
    conn = Connection(fd)
    try:
        search_path, payload, address_space = conn.recv()
    except EOFError:
        return
    # The function is unpickled only once the caller's module path is in place: a function of a module the
    # caller imported from its own folder (a test, say) must import here too.
    sys.path[:0] = [entry for entry in search_path if entry not in sys.path]
    function = pickle.loads(payload)
    conn.send(_READY)  # the function's modules are imported: the first file's clock starts now
    _serve(conn, function, address_space)


def _serve(conn: Connection, function: Callable, address_space: int | None) -> None:
    """A worker: read items from the pipe, send back results (and the notices `function` sends on the way),
    until told to stop (None) or the pipe closes."""
    global _channel
    _channel = conn
    if address_space:
        import resource

        try:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        except (ValueError, OSError):  # a hard limit lower than ours: keep it
            pass
    trim = _heap_trimmer()
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        conn.send(function(item))
        trim()


def _heap_trimmer() -> Callable[[], None]:
    """A function that hands the heap freed by the last item back to the system (glibc keeps it: a worker
    that read a report with page images of 300 MiB would stay that large, and the memory ceiling would
    judge the next file by the last one's garbage). A no-op where there is no glibc."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        malloc_trim = libc.malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: malloc_trim(0)


def _resident_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):  # not Linux, or the process is gone
        return None


def _worker_environment() -> dict[str, str]:
    """This process's environment, with this package importable however this process found it."""
    here = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
    return env


class _Worker:
    def __init__(self, function: Callable, limits: Limits):
        address_space = ((limits.memory_mib + ADDRESS_SPACE_HEADROOM_MIB) << 20) if limits.memory_mib else None
        mine, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen([sys.executable, "-c", _WORKER_MAIN, str(theirs.fileno())],
                                            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                            env=_worker_environment())
        finally:
            theirs.close()
        self.conn = Connection(mine.detach())
        self.conn.send((list(sys.path), pickle.dumps(function), address_space))
        self.item: Any = None
        self.started = time.monotonic()
        self.allowed: float | None = None  # seconds the current item may take
        self.done = 0
        self.ready = False  # it has imported what it runs

    @property
    def exit_reason(self) -> str:
        code = self.process.wait()
        return f"killed by signal {-code}" if code < 0 else f"exited with status {code}"

    def give(self, item, seconds: float | None) -> None:
        self.item, self.allowed = item, seconds
        if self.ready:
            self.started = time.monotonic()
        self.conn.send(item)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.conn.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.conn.close()


def run_local(function: Callable[[T], R], items: list[T], jobs: int, *, limits: Limits = Limits(),
              on_limit: Callable[[T, str, str], R] | None = None,
              max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
              on_notice: Callable[[T, Notice], None] | None = None) -> Iterator[R]:
    """`function` over `items` in `jobs` supervised worker processes, in completion order; the notices the
    workers send on the way go to ``on_notice(item, notice)``."""
    if not items:
        return
    queue = list(reversed(items))
    idle: list[_Worker] = []
    busy: list[_Worker] = []
    workers = min(max(1, jobs), len(items))

    def fail(worker: _Worker, kind: str, detail: str):
        if on_limit is None:
            raise RuntimeError(f"{worker.item}: {kind}: {detail}")
        return on_limit(worker.item, kind, detail)

    try:
        while queue or busy:
            while queue and len(busy) < workers:
                worker = idle.pop() if idle else _Worker(function, limits)
                worker.give(queue.pop(), limits.seconds)
                busy.append(worker)
            for conn in wait([w.conn for w in busy], timeout=POLL_SECONDS):
                worker = next(w for w in busy if w.conn is conn)
                try:
                    result = conn.recv()
                except (EOFError, OSError):
                    busy.remove(worker)
                    reason = worker.exit_reason
                    worker.conn.close()
                    yield fail(worker, "crashed", f"the reading process {reason}")
                    continue
                if isinstance(result, _Ready):
                    worker.ready, worker.started = True, time.monotonic()
                    continue
                if isinstance(result, Notice):
                    if result.ocr_done == 0 and worker.allowed is not None and limits.ocr_page_seconds:
                        worker.allowed += result.ocr_total * limits.ocr_page_seconds
                    if on_notice is not None:
                        on_notice(worker.item, result)
                    continue
                busy.remove(worker)
                worker.done += 1
                if worker.done >= max_tasks_per_child:
                    worker.stop()
                else:
                    idle.append(worker)
                yield result
            now = time.monotonic()
            for worker in list(busy):
                elapsed = now - worker.started
                if not worker.ready:
                    if elapsed > STARTUP_SECONDS:
                        busy.remove(worker)
                        worker.kill()
                        yield fail(worker, "crashed", f"the reading process did not start within "
                                                      f"{STARTUP_SECONDS:g} s")
                        continue
                elif worker.allowed is not None and elapsed > worker.allowed:
                    busy.remove(worker)
                    worker.kill()
                    yield fail(worker, "timeout", f"reading it took over {worker.allowed:g} s"
                               + (f" (--timeout {limits.seconds:g} s and {limits.ocr_page_seconds:g} s for each "
                                  "page read by OCR)" if worker.allowed != limits.seconds else ""))
                    continue
                if limits.memory_mib is not None:
                    resident = _resident_bytes(worker.process.pid)
                    if resident is not None and resident > limits.memory_mib << 20:
                        busy.remove(worker)
                        worker.kill()
                        yield fail(worker, "too_large", f"reading it needed over {limits.memory_mib:,} MiB "
                                                        f"of memory (stopped at {resident >> 20:,} MiB after "
                                                        f"{elapsed:.1f} s)")
    finally:
        for worker in busy:
            worker.kill()
        for worker in idle:
            worker.stop()


def run_dask(function: Callable[[T], R], items: list[T], *, scheduler: str | None = None,
             jobs: int | None = None, client: Any = None, limits: Limits = Limits(),
             on_limit: Callable[[T, str, str], R] | None = None) -> Iterator[R]:
    """`function` over `items` on a Dask distributed cluster, in completion order.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``); without it (and without a
    ``client``) a LocalCluster of ``jobs`` single-threaded worker processes is started for this run, each
    with ``limits.memory_mib`` as its Dask memory limit (its nanny restarts a worker over it). The workers
    must see the files at the same paths as this process (shared storage) and have this package installed.
    pdfium is not thread-safe: extraction holds a per-process lock, so start workers with ``--nthreads 1``
    and as many worker processes as cores. A file whose task fails (its worker killed or lost) comes back
    as ``on_limit(item, "crashed", detail)``.
    """
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ExecutorError("--executor dask needs dask.distributed: pip install 'juesuan[dask]'") from exc
    if not items:  # nothing new: no need for the cluster (nor to fail when it is down)
        return

    cluster = None
    own_client = client is None
    if client is None:
        try:
            if scheduler:
                client = Client(scheduler, timeout="30s")
            else:
                cluster = LocalCluster(n_workers=max(1, jobs or default_jobs()), threads_per_worker=1,
                                       processes=True, dashboard_address=None,
                                       memory_limit=f"{limits.memory_mib}MiB" if limits.memory_mib else None)
                client = Client(cluster)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise ExecutorError(f"could not reach the Dask scheduler {scheduler}: {exc}") from exc
    try:
        threads = sum(client.nthreads().values()) or 1
        window = 2 * threads
        queue = iter(items)
        submitted: dict = {}

        def submit(item):
            future = client.submit(function, item, pure=False)
            submitted[future.key] = item
            return future

        completed = as_completed([submit(item) for _, item in zip(range(window), queue)])
        for future in completed:
            item = submitted.pop(future.key)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - the worker died or was lost: this file failed
                if on_limit is None:
                    raise
                result = on_limit(item, "crashed", f"the Dask task failed ({type(exc).__name__}: {exc})")
            future.release()  # the result now lives here only
            yield result
            nxt = next(queue, None)
            if nxt is not None:
                completed.add(submit(nxt))
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def map_unordered(function: Callable[[T], R], items: list[T], *, executor: str = "local",
                  jobs: int | None = None, scheduler: str | None = None, client: Any = None,
                  limits: Limits = Limits(), on_limit: Callable[[T, str, str], R] | None = None,
                  on_notice: Callable[[T, Notice], None] | None = None) -> Iterator[R]:
    """`function` over `items` on the chosen executor, results in completion order (notices from the local
    workers to ``on_notice``; Dask workers send none)."""
    if executor == "local":
        return run_local(function, items, max(1, jobs or default_jobs()), limits=limits, on_limit=on_limit,
                         on_notice=on_notice)
    if executor == "dask":
        return run_dask(function, items, scheduler=scheduler, jobs=jobs, client=client, limits=limits,
                        on_limit=on_limit)
    raise ValueError(f"unknown executor {executor!r}: choose from {', '.join(EXECUTORS)}")
