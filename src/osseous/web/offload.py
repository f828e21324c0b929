"""Slow work off the event loop, a few at a time.

Password hashing (argon2, tens of milliseconds by design), PDF rendering and the assessment
of large cases run in worker threads, at most ``Settings.heavy_concurrency`` at once per
process; further requests wait their turn without holding the event loop, so ``/health`` and
every other request keep being answered while they wait (issue: eight concurrent sign-ins
pushed ``/health`` from 4 ms to 4-8 s when the hash ran in the async handler).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import anyio
from anyio import to_thread
from fastapi import Request

T = TypeVar("T")


def _limiter(request: Request) -> anyio.CapacityLimiter:
    state = request.app.state
    limiter: anyio.CapacityLimiter | None = getattr(state, "heavy_limiter", None)
    if limiter is None:  # created inside the running loop, on first use
        limiter = anyio.CapacityLimiter(state.settings.heavy_concurrency)
        state.heavy_limiter = limiter
    return limiter


async def heavy(request: Request, fn: Callable[..., T], *args: object) -> T:
    """``fn(*args)`` in a worker thread, within the process's limit of heavy jobs."""
    return await to_thread.run_sync(fn, *args, limiter=_limiter(request))
