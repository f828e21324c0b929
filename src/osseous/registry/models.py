"""SQLAlchemy models of the registry.

Cases are stored as versioned snapshots of the ``osseous.case/1`` document: every edit adds a
``CaseVersion``; nothing is overwritten. Mutable rows carry a ``version`` used for optimistic
concurrency (``If-Match``). The audit table is append-only (database triggers refuse updates
and deletes).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(64), unique=True)
    mrn: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="backlog")
    board_date: Mapped[date | None] = mapped_column(Date)
    current_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseVersion(Base):
    __tablename__ = "case_versions"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class Assessment(Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    engine_version: Mapped[str] = mapped_column(String(32))
    knowledge_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))


class BoardDecision(Base):
    __tablename__ = "board_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    case_version: Mapped[int] = mapped_column(Integer)
    recommendation_id: Mapped[str] = mapped_column(String(128))
    lesion: Mapped[str | None] = mapped_column(String(128))
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    specialty: Mapped[str | None] = mapped_column(String(64))
    due_date: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)
    #: the problem of the assessment the decision answers (``cord-compression:L1``), if any
    problem: Mapped[str | None] = mapped_column(String(128))
    #: who carries it out (a person or a team), beside the responsible specialty
    owner: Mapped[str | None] = mapped_column(String(128))


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[str | None] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(128))
    patient_id: Mapped[str | None] = mapped_column(String(64), index=True)
    client: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)


class CdsFeedback(Base):
    """What a clinician did with a CDS Hooks card (accepted, or overridden with a reason)."""

    __tablename__ = "cds_feedback"
    __table_args__ = (UniqueConstraint("service", "card", "outcome", "outcome_timestamp"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service: Mapped[str] = mapped_column(String(64))
    card: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    outcome_timestamp: Mapped[str] = mapped_column(String(40))
    override_reason: Mapped[str | None] = mapped_column(Text)
    accepted_suggestions: Mapped[str | None] = mapped_column(Text)
    client: Mapped[str | None] = mapped_column(String(256))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CdsJti(Base):
    """A CDS Hooks JWT id seen, kept until the token expires (replay protection shared by
    every worker process and host)."""

    __tablename__ = "cds_jti"

    jti: Mapped[str] = mapped_column(String(256), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ServiceSecret(Base):
    """A random secret of this deployment, shared by its workers (e.g. the CSRF key)."""

    __tablename__ = "service_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class CaseOverview(Base):
    """What the case list shows of each case, kept from its latest stored assessment (and its
    decisions) so the list is one query, sorted and filtered in SQL, never assessing per row."""

    __tablename__ = "case_overview"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    assessment_id: Mapped[int] = mapped_column(Integer)
    case_version: Mapped[int] = mapped_column(Integer)
    #: 0 critical alert or emergency problem, 1 warning or urgent, 2 information, 3 nothing
    rank: Mapped[int] = mapped_column(Integer, index=True)
    top_severity: Mapped[str | None] = mapped_column(String(16))
    top_alert: Mapped[str | None] = mapped_column(Text)
    primary: Mapped[str | None] = mapped_column(String(64), index=True)
    open_problems: Mapped[int] = mapped_column(Integer)
    undecided: Mapped[int] = mapped_column(Integer)
    #: the options the board can decide on, ``recommendation|lesion``
    options: Mapped[list[str]] = mapped_column(JSON)
    #: monitoring duties not yet done: what and when due (overdue is judged on the day shown)
    duties: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class BoardMeeting(Base):
    """A tumour-board meeting, one per date: who attends (by specialty)."""

    __tablename__ = "board_meetings"

    board_date: Mapped[date] = mapped_column(Date, primary_key=True)
    attendees: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    chair: Mapped[str | None] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(64))


class AgendaItem(Base):
    """A case's place on a meeting's agenda and who presents it."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("board_date", "case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_date: Mapped[date] = mapped_column(Date, index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    position: Mapped[int] = mapped_column(Integer)
    presenter: Mapped[str | None] = mapped_column(String(128))
