"""Registry errors, each mapped by the API to one HTTP status."""

from __future__ import annotations

from osseous.core.errors import OsseousError


class RegistryError(OsseousError):
    status = 400


class NotFound(RegistryError):
    status = 404


class Conflict(RegistryError):
    status = 409


class PreconditionFailed(RegistryError):
    """The caller's version of the resource is stale (If-Match did not match)."""

    status = 412


class PreconditionRequired(RegistryError):
    """An update came without the version it was based on (If-Match)."""

    status = 428


class Forbidden(RegistryError):
    status = 403
