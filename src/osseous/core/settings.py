"""The service's settings: one typed object read from the environment and validated at start-up.

Every setting has an ``OSSEOUS_*`` environment variable (list values are comma-separated). An
unsafe or malformed value stops the service at start-up with a message saying how to fix it
(:class:`SettingsError`), rather than surfacing as a wrong answer under load. The deployment
settings a hospital must set are described in ``docs/reliability.md`` (security section).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL: Final = "sqlite:///./osseous.db"
#: the fewest patients a table cell a researcher reads may count (smaller cells are suppressed)
MIN_SMALL_CELL: Final = 3

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class SettingsError(ValueError):
    """A setting is missing, malformed or unsafe; the message names it and the fix."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The service's settings (see the module docstring for the environment variables)."""

    #: the database URL (``OSSEOUS_DATABASE_URL`` or the file ``OSSEOUS_DATABASE_URL_FILE``)
    database_url: str = DEFAULT_DATABASE_URL
    #: the URL clients call, e.g. ``https://osseous.hospital.example`` (the CDS ``aud``)
    public_url: str | None = None
    #: addresses of reverse proxies whose ``X-Forwarded-For`` is believed (IPs or CIDRs)
    trusted_proxies: tuple[IPNetwork, ...] = ()
    #: the JSON file of trusted CDS clients (``OSSEOUS_CDS_ISSUERS``); none: CDS refused
    cds_issuers_file: str | None = None
    #: browser origins allowed to call the CDS endpoints (CORS); none: no CORS headers
    cds_cors_origins: tuple[str, ...] = ()
    #: FHIR servers (``https://host[:port]`` origins) a CDS request may name as ``fhirServer``;
    #: empty: any https server
    fhir_server_allowlist: tuple[str, ...] = ()
    #: allow ``http://`` loopback FHIR servers (tests and local development only)
    allow_loopback_fhir: bool = False
    fhir_timeout_seconds: float = 5.0
    fhir_max_response_bytes: int = 5 * 1024 * 1024
    #: FHIR requests one hook may have in flight at once, and the whole process
    fhir_max_concurrency: int = 4
    #: failed sign-ins per account, and per client address, within the window before lockout
    login_max_failures_per_account: int = 5
    login_max_failures_per_client: int = 20
    login_window_seconds: int = 900
    #: password hashes, PDF renderings and large assessments computed at once per process
    heavy_concurrency: int = 2
    #: table cells a researcher reads that count fewer patients than this are suppressed
    small_cell: int = 5
    #: the demonstration login and cases (``osseous serve --demo``); never in production
    demo: bool = False
    #: Uvicorn worker processes (``osseous serve --workers``)
    workers: int = 1

    def __post_init__(self) -> None:
        _check_url("OSSEOUS_PUBLIC_URL", self.public_url)
        for origin in (*self.cds_cors_origins, *self.fhir_server_allowlist):
            _check_origin(origin)
        for name in ("fhir_max_response_bytes", "fhir_max_concurrency", "heavy_concurrency",
                     "login_max_failures_per_account", "login_max_failures_per_client",
                     "login_window_seconds", "workers"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{_env(name)}: must be at least 1")
        if not 0 < self.fhir_timeout_seconds <= 60:
            raise SettingsError(f"{_env('fhir_timeout_seconds')}: between 0 and 60 seconds")
        if self.small_cell < MIN_SMALL_CELL:
            raise SettingsError(f"{_env('small_cell')}: at least {MIN_SMALL_CELL}; smaller "
                                "cells could show one patient's data to a researcher")

    @property
    def https(self) -> bool:
        """Cookies are Secure and HSTS is sent when the public URL is https."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    def require_public_url_for_cds(self) -> None:
        """CDS Hooks JWTs carry ``aud``, the URL called: without a configured public URL it
        would have to be read from the request's own headers, which a caller controls."""
        if self.cds_issuers_file and not self.public_url:
            raise SettingsError(
                "OSSEOUS_CDS_ISSUERS is set but OSSEOUS_PUBLIC_URL is not: set it to the "
                "https URL EHRs call (e.g. https://osseous.hospital.example) so that a token "
                "minted for another service is refused")

    def trusted(self, address: str | None) -> bool:
        """Whether ``address`` (the TCP peer) is a configured reverse proxy."""
        if not address or not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in net for net in self.trusted_proxies)

    def with_(self, **changes: Any) -> Settings:
        return replace(self, **changes)


#: settings whose environment variable is not OSSEOUS_ and the upper-cased field name
_ENV_NAMES: Final = {"cds_issuers_file": "OSSEOUS_CDS_ISSUERS"}
#: settings only ``osseous serve``'s options set, never the environment (a demonstration
#: login must be asked for on the command line, where it is seen)
_COMMAND_LINE_ONLY: Final = frozenset({"demo", "workers"})


def _env(name: str) -> str:
    return _ENV_NAMES.get(name, "OSSEOUS_" + name.upper())


def environment_variables() -> list[str]:
    """Every environment variable the settings read (docs/reliability.md lists each)."""
    names = [_env(f.name) for f in fields(Settings) if f.name not in _COMMAND_LINE_ONLY]
    return [*names, "OSSEOUS_DATABASE_URL_FILE"]


def _check_url(name: str, url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username:
        raise SettingsError(f"{name}: an absolute http(s) URL with no query, fragment or "
                            f"credentials, e.g. https://osseous.hospital.example (given "
                            f"{url!r})")


def _check_origin(origin: str) -> None:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in (
            "", "/") or parts.query or parts.username:
        raise SettingsError(f"not an origin: {origin!r}; write scheme://host[:port], e.g. "
                            "https://fhir.hospital.example")


def _list(value: str) -> tuple[str, ...]:
    return tuple(v.strip().rstrip("/") for v in value.split(",") if v.strip())


def _bool(name: str, value: str) -> bool:
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name}: true or false (given {value!r})")


def _networks(name: str, value: str) -> tuple[IPNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(v, strict=False) for v in _list(value))
    except ValueError as exc:
        raise SettingsError(f"{name}: IP addresses or CIDR ranges, comma-separated ({exc})"
                            ) from None


def database_url_from(env: Mapping[str, str]) -> str:
    """``OSSEOUS_DATABASE_URL``, else the contents of the file ``OSSEOUS_DATABASE_URL_FILE``
    names (for a URL with a password: a secrets file, never the repository), else SQLite."""
    if env.get("OSSEOUS_DATABASE_URL"):
        return env["OSSEOUS_DATABASE_URL"]
    secret_file = env.get("OSSEOUS_DATABASE_URL_FILE")
    if secret_file:
        try:
            return Path(secret_file).read_text().strip()
        except OSError as exc:
            raise SettingsError(f"OSSEOUS_DATABASE_URL_FILE: cannot read {secret_file} "
                                f"({exc.strerror})") from None
    return DEFAULT_DATABASE_URL


def from_environment(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """The settings from ``env`` (default: the process environment), then ``overrides``."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {"database_url": database_url_from(env)}
    for f in fields(Settings):
        name = _env(f.name)
        raw = env.get(name)
        if raw is None or f.name == "database_url" or f.name in _COMMAND_LINE_ONLY:
            continue
        kind = str(f.type)
        try:
            if f.name == "trusted_proxies":
                values[f.name] = _networks(name, raw)
            elif kind.startswith("tuple"):
                values[f.name] = _list(raw)
            elif kind == "bool":
                values[f.name] = _bool(name, raw)
            elif kind == "int":
                values[f.name] = int(raw)
            elif kind == "float":
                values[f.name] = float(raw)
            else:
                values[f.name] = raw.strip() or None
        except ValueError as exc:
            if isinstance(exc, SettingsError):
                raise
            raise SettingsError(f"{name}: not a {kind} (given {raw!r})") from None
    values.update(overrides)
    return Settings(**values)

