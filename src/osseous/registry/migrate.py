"""Running the Alembic migrations programmatically (``osseous db upgrade``, ``osseous serve``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from osseous.registry.db import Database

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the database schema to ``revision`` (the latest by default)."""
    with db.engine.begin() as connection:
        cfg = alembic_config(db)
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
    if revision == "head":  # the case list's rows of cases assessed before it kept them
        from osseous.registry.overview import backfill

        with db.session() as session:
            backfill(session)
