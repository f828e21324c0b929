"""Starting a real Osseous process for tests and benchmarks, and waiting until it answers."""

from __future__ import annotations

import socket
import time

import httpx2 as httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_ready(base: str, path: str = "/ready", seconds: float = 60.0) -> None:
    """Poll ``base + path`` until it answers 200 (or give up after ``seconds``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + path).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base}{path} did not answer within {seconds:g} s")
