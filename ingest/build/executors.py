"""Run a pure function of one file over many files: in this process, in a local process pool, or on a Dask
distributed cluster. Results come back to the caller (the one writer) as they finish.

Memory is bounded the same way everywhere: at most ``window`` files are in flight (submitted but not yet
handed back), so finished results never pile up while the writer is busy, and local worker processes are
replaced after ``max_tasks_per_child`` files, so a library that keeps memory after a large PDF (pdfium,
camelot's caches) cannot grow a worker without bound.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

EXECUTORS = ("local", "dask")
MAX_TASKS_PER_CHILD = 8  # a worker process is replaced after this many files


class ExecutorError(Exception):
    """The executor could not start (dask not installed, scheduler unreachable…)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run_local(function: Callable[[T], R], items: list[T], jobs: int, *,
              max_tasks_per_child: int = MAX_TASKS_PER_CHILD) -> Iterator[R]:
    """`function` over `items` in `jobs` processes (in this process when jobs is 1), in completion order."""
    if jobs <= 1 or len(items) <= 1:
        yield from map(function, items)
        return
    workers = min(jobs, len(items))
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=max_tasks_per_child) as pool:
        yield from _windowed(pool.submit, function, items, window=2 * workers)


def _windowed(submit: Callable[..., Any], function: Callable[[T], R], items: Iterable[T],
              window: int) -> Iterator[R]:
    pending = set()
    queue = iter(items)
    for item in queue:
        pending.add(submit(function, item))
        if len(pending) >= window:
            break
    while pending:
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()
            nxt = next(queue, None)
            if nxt is not None:
                pending.add(submit(function, nxt))


def run_dask(function: Callable[[T], R], items: list[T], *, scheduler: str | None = None,
             jobs: int | None = None, client: Any = None) -> Iterator[R]:
    """`function` over `items` on a Dask distributed cluster, in completion order.

    ``scheduler`` is the address of a running scheduler (``tcp://host:8786``); without it (and without a
    ``client``) a LocalCluster of ``jobs`` single-threaded worker processes is started for this run. The
    workers must see the files at the same paths as this process (shared storage) and have this package
    installed. pdfium is not thread-safe: extraction holds a per-process lock, so start workers with
    ``--nthreads 1`` and as many worker processes as cores.
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
                                       processes=True, dashboard_address=None)
                client = Client(cluster)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise ExecutorError(f"could not reach the Dask scheduler {scheduler}: {exc}") from exc
    try:
        threads = sum(client.nthreads().values()) or 1
        window = 2 * threads
        queue = iter(items)
        first = [client.submit(function, item, pure=False) for _, item in zip(range(window), queue)]
        completed = as_completed(first, with_results=True)
        for future, result in completed:
            future.release()  # the result now lives here only
            yield result
            nxt = next(queue, None)
            if nxt is not None:
                completed.add(client.submit(function, nxt, pure=False))
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def map_unordered(function: Callable[[T], R], items: list[T], *, executor: str = "local",
                  jobs: int | None = None, scheduler: str | None = None, client: Any = None) -> Iterator[R]:
    """`function` over `items` on the chosen executor, results in completion order."""
    if executor == "local":
        return run_local(function, items, max(1, jobs or default_jobs()))
    if executor == "dask":
        return run_dask(function, items, scheduler=scheduler, jobs=jobs, client=client)
    raise ValueError(f"unknown executor {executor!r}: choose from {', '.join(EXECUTORS)}")
