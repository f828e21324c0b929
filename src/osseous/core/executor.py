"""Where parallel work runs: in this process, on a local Dask cluster, or on a remote one.

The cohort analytics and the bulk FHIR assessment split their input into parts and hand a
module-level function and the parts to :func:`open_executor`'s executor. Results come back in
the order of the parts, so what the caller writes does not depend on which worker finished
first. A bounded number of parts is in flight at once (twice the workers), so the caller's
memory does not grow with the input.

* no workers and no scheduler: in this process, one part after the other;
* ``workers=N``: a ``dask.distributed`` LocalCluster of N single-threaded worker processes
  (processes, not threads: the work is pure Python and would otherwise share one interpreter
  lock);
* ``scheduler="tcp://host:8786"``: an existing Dask cluster. Its workers must have this package
  installed and see the input files at the same paths.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class SchedulerUnavailable(Exception):
    """The Dask scheduler address is malformed or nothing answers there."""


class Executor(Protocol):
    workers: int
    description: str

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """fn over the items, results in the items' order."""
        ...


class InProcess:
    """One part after the other in this process."""

    workers = 1
    description = "in process"

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        return map(fn, items)


class OnDask:
    """Parts as tasks of a ``dask.distributed`` client."""

    def __init__(self, client: Any, description: str) -> None:
        self.client = client
        self.workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        self.description = description

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        window: deque[Any] = deque()
        limit = 2 * self.workers
        for item in items:
            window.append(self.client.submit(fn, item, pure=False))
            if len(window) >= limit:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


@contextmanager
def open_executor(workers: int = 0, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for the duration of the block; clusters it starts are closed after it."""
    if workers < 0:
        raise ValueError(f"workers: must be 0 (in process) or more (given: {workers})")
    if scheduler is None and workers == 0:
        yield InProcess()
        return
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
        except (ValueError, OSError) as exc:  # a malformed address, or nobody answering
            raise SchedulerUnavailable(f"{scheduler}: {exc}") from None
        with client:
            yield OnDask(client, f"Dask scheduler {scheduler}")
        return
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR)
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield OnDask(client, f"local Dask cluster of {workers} worker processes")
