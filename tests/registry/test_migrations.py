"""The migrations and the models agree, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from osseous.registry.db import Database
from osseous.registry.models import Base


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_audit_rows_cannot_be_changed(db: Database) -> None:
    with db.session() as s:
        s.execute(text("INSERT INTO audit_events (at, action, resource, outcome) "
                       "VALUES (CURRENT_TIMESTAMP, 'read', 'case', 'ok')"))
    for statement in ("UPDATE audit_events SET outcome = 'changed'",
                      "DELETE FROM audit_events"):
        with pytest.raises(DatabaseError, match="append-only"), db.session() as s:
            s.execute(text(statement))
    with db.session() as s:
        assert s.execute(text("SELECT outcome FROM audit_events")).scalar_one() == "ok"
