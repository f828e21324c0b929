"""Fetching from the CDS client's FHIR server what prefetch did not bring (CDS Hooks 2.0,
"Providing FHIR Resources to a CDS Service").

The server and its access token come from the request, so the request decides where Osseous
connects. The fetch is therefore bounded on every side:

* ``https`` only (the specification requires it when production data is exchanged); plain
  ``http`` only to a loopback address and only when configured (tests);
* an allow-list of FHIR server origins, when configured (``OSSEOUS_FHIR_SERVER_ALLOWLIST``);
* no redirect to another origin (the bearer token would go with it); same-origin redirects are
  followed at most :data:`MAX_REDIRECTS` times;
* separate connect and read timeouts, and an overall deadline per response;
* a size cap per response (:attr:`FetchPolicy.max_bytes`);
* ``context.patientId`` percent-encoded into the query;
* at most :attr:`FetchPolicy.max_concurrency` requests at a time for one hook call, and as
  many in the whole process, in worker threads (the API's hook handlers run off the event
  loop, so a slow FHIR server delays only its own call).

The access token is never logged.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, urljoin, urlsplit

import orjson

from osseous.core.settings import Settings

log = logging.getLogger("osseous.cds")

MAX_REDIRECTS: Final = 3

Fetch = Callable[[str], dict[str, Any]]


class FetchFailed(Exception):
    """The FHIR server could not give the resource; the message says why (never the token)."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits on fetching from a client's FHIR server (the service's settings:
    :meth:`from_settings`)."""

    allowed_origins: tuple[str, ...] = ()  # ``https://host[:port]``; empty: any https server
    allow_loopback_http: bool = False
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    max_bytes: int = 5 * 1024 * 1024
    max_pages: int = 10
    max_concurrency: int = 4

    @staticmethod
    def from_settings(settings: Settings) -> FetchPolicy:
        timeout = settings.fhir_timeout_seconds
        return FetchPolicy(allowed_origins=settings.fhir_server_allowlist,
                           allow_loopback_http=settings.allow_loopback_fhir,
                           connect_timeout=min(3.0, timeout), read_timeout=timeout,
                           max_bytes=settings.fhir_max_response_bytes,
                           max_concurrency=settings.fhir_max_concurrency)


#: FHIR requests in flight in the whole process (the same bound as one hook's, per process)
_PROCESS_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def _process_slots(n: int) -> threading.BoundedSemaphore:
    with _SLOTS_LOCK:
        return _PROCESS_SLOTS.setdefault(n, threading.BoundedSemaphore(max(1, n)))


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server(server: object, policy: FetchPolicy) -> str:
    """The base URL, or :class:`FetchFailed` saying why this server is not used."""
    if not isinstance(server, str) or len(server) > 2048:
        raise FetchFailed("the request gives no fhirServer")
    try:
        parts = urlsplit(server)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        raise FetchFailed("fhirServer is not a valid URL") from None
    if not host or parts.username or parts.password:
        raise FetchFailed("fhirServer is not a URL with a host")
    if parts.scheme != "https" and not (
            parts.scheme == "http" and policy.allow_loopback_http and _loopback(host)):
        raise FetchFailed("fhirServer is not https")
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    if policy.allowed_origins and origin not in policy.allowed_origins:
        raise FetchFailed(f"fhirServer {origin} is not on this service's allow-list")
    return server.rstrip("/") + "/"


def fill(template: str, context: dict[str, Any]) -> str:
    """A prefetch template with ``{{context.X}}`` replaced by the percent-encoded value."""
    out = template
    for key, value in context.items():
        token = "{{context." + key + "}}"
        if token in out and isinstance(value, str):
            out = out.replace(token, quote(value, safe=""))
    return out


def _origin(url: str) -> tuple[str, str, int | None]:
    try:
        p = urlsplit(url)
        return p.scheme, (p.hostname or "").lower(), p.port
    except ValueError:  # a redirect or paging link that is not a URL
        raise FetchFailed("the FHIR server gave a link that is not a valid URL") from None


def _cut(conn: http.client.HTTPConnection) -> None:
    """At the deadline: shut the socket, so a server sending a byte at a time (each read
    within the read timeout) cannot hold the fetch past it."""
    sock = conn.sock
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)


def _get_once(url: str, token: str | None, policy: FetchPolicy,
              deadline: float) -> tuple[int, dict[str, str], bytes]:
    p = urlsplit(url)
    cls = http.client.HTTPSConnection if p.scheme == "https" else http.client.HTTPConnection
    conn = cls(p.hostname or "", p.port, timeout=policy.connect_timeout)
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), _cut, (conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.connect()
        if conn.sock is not None:
            conn.sock.settimeout(policy.read_timeout)
        path = p.path or "/"
        headers = {"Accept": "application/fhir+json", "Accept-Encoding": "identity"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request("GET", path + (f"?{p.query}" if p.query else ""), headers=headers)
        response = conn.getresponse()
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchFailed("the FHIR server took too long")
            chunk = response.read1(65536)  # what has arrived, so the deadline is checked
            if not chunk:
                break
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchFailed(f"the FHIR server's answer exceeds {policy.max_bytes} bytes")
            chunks.append(chunk)
        if time.monotonic() > deadline:  # cut short by the watchdog: never a partial answer
            raise FetchFailed("the FHIR server took too long")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, b"".join(
            chunks)
    finally:
        watchdog.cancel()
        conn.close()


def budget(policy: FetchPolicy) -> float:
    """The deadline (``time.monotonic()``) of a fetch, or of all the fetches of one hook."""
    return time.monotonic() + policy.connect_timeout + policy.read_timeout * 2


def get_json(url: str, token: str | None, policy: FetchPolicy,
             deadline: float | None = None) -> dict[str, Any]:
    """GET a FHIR JSON resource within the policy; same-origin redirects only. ``deadline``:
    the hook's, when it ends before this fetch's own."""
    deadline = min(budget(policy), deadline) if deadline is not None else budget(policy)
    origin = _origin(url)
    for _ in range(MAX_REDIRECTS + 1):
        slots = _process_slots(policy.max_concurrency)
        if not slots.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise FetchFailed("the FHIR server took too long (every connection to it busy)")
        try:
            try:
                status, headers, body = _get_once(url, token, policy, deadline)
            finally:
                slots.release()
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"the FHIR server could not be reached ({type(exc).__name__})"
                              ) from None
        if status in (301, 302, 303, 307, 308):
            target = urljoin(url, headers.get("location", ""))
            if _origin(target) != origin:
                raise FetchFailed("the FHIR server redirected to another origin; not followed "
                                  "(the access token would go with it)")
            url = target
            continue
        if status != 200:
            raise FetchFailed(f"the FHIR server answered HTTP {status}")
        try:  # orjson: linear, refuses NaN and nesting past 1,024 (json.loads would recurse)
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise FetchFailed("the FHIR server's answer is not JSON") from None
        if not isinstance(data, dict):
            raise FetchFailed("the FHIR server's answer is not a FHIR resource")
        return data
    raise FetchFailed("the FHIR server redirected too many times")


def fetcher(request: dict[str, Any], policy: FetchPolicy) -> Fetch | str:
    """A function that fetches a relative query or an absolute ``next`` link from the request's
    FHIR server, or the reason there is none."""
    try:
        base = check_server(request.get("fhirServer"), policy)
    except FetchFailed as exc:
        return str(exc)
    auth = request.get("fhirAuthorization")
    token = auth.get("access_token") if isinstance(auth, dict) else None
    token = token if isinstance(token, str) and token else None
    base_origin = _origin(base)
    hook_deadline = budget(policy)  # all the fetches of one hook, not each of them

    def fetch(query: str) -> dict[str, Any]:
        url = query if query.startswith(("https://", "http://")) else urljoin(base, query)
        if _origin(url) != base_origin:
            raise FetchFailed("a paging link points to another server; not followed")
        try:
            return get_json(url, token, policy, hook_deadline)
        except FetchFailed as exc:
            log.warning("could not fetch %s: %s", query.split("?", maxsplit=1)[0][:80], exc)
            raise

    return fetch
