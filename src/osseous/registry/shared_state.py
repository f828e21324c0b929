"""State every worker process and host of one deployment must share, kept in the database:
the CDS Hooks ``jti`` values already seen (a replay is refused whichever worker receives it)
and the deployment's random secrets (the CSRF key)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from osseous.registry.db import Database
from osseous.registry.models import CdsJti, ServiceSecret
from osseous.registry.security import utcnow

#: seconds a ``jti`` is kept after its token expires (the verifier's clock leeway)
JTI_GRACE_SECONDS = 5


class DatabaseReplayCache:
    """``jti`` values seen, in the database: the primary key makes "seen before" atomic
    across processes (the second insert of a value fails)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def check_and_add(self, jti: str, expires: float) -> bool:
        """True the first time ``jti`` is seen (and records it), False on a replay."""
        until = datetime.fromtimestamp(expires, UTC) + timedelta(seconds=JTI_GRACE_SECONDS)
        try:
            with self.db.session() as s:
                s.execute(delete(CdsJti).where(CdsJti.expires_at < utcnow()))
                s.add(CdsJti(jti=jti[:256], expires_at=until))
        except IntegrityError:
            return False
        return True


def service_secret(db: Database, name: str) -> str:
    """The deployment's secret called ``name``, created at random the first time it is asked
    for (two workers starting at once agree: the loser of the insert reads the winner's)."""
    with db.read_session() as s:
        row = s.get(ServiceSecret, name)
        if row is not None:
            return row.value
    try:
        with db.session() as s:
            s.add(ServiceSecret(name=name, value=secrets.token_hex(32)))
    except IntegrityError:
        pass
    with db.read_session() as s:
        value = s.scalar(select(ServiceSecret.value).where(ServiceSecret.name == name))
    assert value is not None
    return value
