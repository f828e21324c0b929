"""Reading and writing the registry. Every function takes the session and the acting user and
records an audit event for each read or write of patient data.

Cases are versioned snapshots: an edit validates the whole new document and adds a version;
the case row's ``version`` is compared and bumped in one statement, so two concurrent editors
cannot both win (the loser gets :class:`PreconditionFailed`).
"""

from __future__ import annotations

import copy
import hashlib
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from osseous import KNOWLEDGE_VERSION, __version__
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.document import Assessment as AssessmentDoc
from osseous.plan.engine import assess
from osseous.registry import audit
from osseous.registry.audit import Actor
from osseous.registry.errors import Conflict, NotFound, PreconditionFailed
from osseous.registry.models import Assessment, BoardDecision, Case, CaseVersion, Patient
from osseous.registry.security import utcnow

STATUSES: Final = ("backlog", "scheduled", "discussed", "follow-up")
#: a patient's pseudonym: what every entry point accepts (the API's schema, the web forms,
#: the command line and imports all apply :func:`pseudonym_problem`)
PSEUDONYM_MAX: Final = 64
PSEUDONYM_PATTERN: Final = r"^[\w.@+-]+$"
_PSEUDONYM: Final = re.compile(PSEUDONYM_PATTERN)
DECISIONS: Final = ("accepted", "modified", "declined")

# ---- patients ------------------------------------------------------------------------------


def pseudonym_problem(pseudonym: str) -> str | None:
    """Why ``pseudonym`` is refused, or None: 1 to 64 letters, digits and ``_ . @ + -``."""
    if not pseudonym:
        return "required: the patient's pseudonymous id"
    if len(pseudonym) > PSEUDONYM_MAX:
        return f"at most {PSEUDONYM_MAX} characters (given {len(pseudonym)})"
    if not _PSEUDONYM.fullmatch(pseudonym):
        return "only letters, digits and . _ @ + - (no spaces)"
    return None


def check_pseudonym(pseudonym: str) -> None:
    why = pseudonym_problem(pseudonym)
    if why:
        raise InvalidInput([Problem("pseudonym", why, pseudonym[:200])])


def derived_pseudonym(case_id: str) -> str:
    """The pseudonym of a case imported without one: ``P-`` and the case id, or, when the id
    cannot be one (a colon, or too long), ``P-`` and a digest of it (the same id always
    gives the same patient)."""
    plain = f"P-{case_id}"
    if pseudonym_problem(plain) is None:
        return plain
    return "P-" + hashlib.sha256(case_id.encode()).hexdigest()[:24]



def create_patient(session: Session, actor: Actor, pseudonym: str,
                   mrn: str | None = None) -> Patient:
    check_pseudonym(pseudonym)
    if session.scalar(select(Patient).where(Patient.pseudonym == pseudonym)) is not None:
        raise Conflict(f"a patient with pseudonym {pseudonym!r} exists")
    if mrn is not None and session.scalar(select(Patient).where(Patient.mrn == mrn)):
        raise Conflict("a patient with this MRN exists")
    now = utcnow()
    patient = Patient(id=str(uuid.uuid4()), pseudonym=pseudonym, mrn=mrn, created_at=now,
                      updated_at=now, version=1)
    session.add(patient)
    session.flush()
    audit.record(session, actor, "create", "patient", patient.id, patient.id)
    return patient


def get_patient(session: Session, actor: Actor, patient_id: str) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"patient {patient_id} not found")
    audit.record(session, actor, "read", "patient", patient_id, patient_id)
    return patient


def list_patients(session: Session, actor: Actor, *, q: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[Patient], int]:
    stmt = select(Patient)
    if q:
        stmt = stmt.where(Patient.pseudonym.contains(q) | (Patient.mrn == q))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(Patient.pseudonym).limit(limit).offset(offset)))
    audit.record(session, actor, "list", "patient", None, None, detail=f"{len(rows)} rows")
    return rows, total


def update_patient(session: Session, actor: Actor, patient_id: str, expected_version: int,
                   changes: dict[str, str | None]) -> Patient:
    if changes.get("pseudonym") is not None:
        check_pseudonym(str(changes["pseudonym"]))
    patient = get_patient(session, actor, patient_id)
    values: dict[str, Any] = {**changes, "updated_at": utcnow(),
                              "version": Patient.version + 1}
    result = session.execute(update(Patient).where(Patient.id == patient_id,
                                                   Patient.version == expected_version)
                             .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise PreconditionFailed(f"patient {patient_id} is at version {patient.version}, "
                                 f"not {expected_version}")
    session.refresh(patient)
    audit.record(session, actor, "update", "patient", patient_id, patient_id)
    return patient


# ---- cases ---------------------------------------------------------------------------------


def validate_document(document: object, *, require_id: bool = True) -> dict[str, Any]:
    """Validate a case document; returns it as stored (the input, which must be valid)."""
    parsed = parse_case(document)
    if require_id and not parsed.case.id:
        raise InvalidInput([Problem("id", "required: cases are stored by their id")])
    assert isinstance(document, dict)
    return document


def _case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def current_document(session: Session, case: Case) -> dict[str, Any]:
    row = session.scalar(select(CaseVersion).where(CaseVersion.case_id == case.id,
                                                   CaseVersion.number == case.current_version))
    assert row is not None
    return row.document


def create_case(session: Session, actor: Actor, patient_id: str,
                document: object) -> Case:
    doc = validate_document(document)
    if session.get(Patient, patient_id) is None:
        raise NotFound(f"patient {patient_id} not found")
    case_id = str(doc["id"])
    if session.get(Case, case_id) is not None:
        raise Conflict(f"case {case_id} exists; update it with its version")
    now = utcnow()
    case = Case(id=case_id, patient_id=patient_id, status="backlog", board_date=None,
                current_version=1, created_at=now, updated_at=now, version=1)
    session.add(case)
    session.flush()
    session.add(CaseVersion(case_id=case_id, number=1, document=doc, created_at=now,
                            created_by=actor.username))
    audit.record(session, actor, "create", "case", case_id, patient_id)
    _assess_version(session, actor, case, doc)
    return case


def get_case(session: Session, actor: Actor, case_id: str) -> tuple[Case, dict[str, Any]]:
    case = _case(session, case_id)
    audit.record(session, actor, "read", "case", case_id, case.patient_id)
    return case, current_document(session, case)


def list_cases(session: Session, actor: Actor, *, status: str | None = None,
               patient_id: str | None = None, board_date: date | None = None,
               limit: int = 50, offset: int = 0) -> tuple[list[Case], int]:
    stmt = select(Case)
    if status:
        stmt = stmt.where(Case.status == status)
    if patient_id:
        stmt = stmt.where(Case.patient_id == patient_id)
    if board_date:
        stmt = stmt.where(Case.board_date == board_date)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(session.scalars(stmt.order_by(Case.updated_at.desc(), Case.id)
                                .limit(limit).offset(offset)))
    audit.record(session, actor, "list", "case", None, patient_id, detail=f"{len(rows)} rows")
    return rows, total


def _bump(session: Session, case: Case, expected_version: int,
          **values: Any) -> None:
    """Compare-and-set the case row: fails with 412 unless it is still at ``expected_version``."""
    result = session.execute(
        update(Case).where(Case.id == case.id, Case.version == expected_version)
        .values(version=Case.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(case)
        raise PreconditionFailed(f"case {case.id} is at version {case.version}, not "
                                 f"{expected_version}; reload it and apply your change again")
    session.refresh(case)


def update_document(session: Session, actor: Actor, case_id: str, expected_version: int,
                    document: object) -> Case:
    """Store ``document`` as the case's next version (unless it equals the current one)."""
    doc = validate_document(document)
    if doc["id"] != case_id:
        raise InvalidInput([Problem("id", f"must be {case_id!r}, the case being updated",
                                    doc["id"])])
    case = _case(session, case_id)
    if current_document(session, case) == doc:
        if case.version != expected_version:
            raise PreconditionFailed(f"case {case_id} is at version {case.version}, not "
                                     f"{expected_version}")
        return case
    number = case.current_version + 1
    _bump(session, case, expected_version, current_version=number)
    session.add(CaseVersion(case_id=case_id, number=number, document=doc, created_at=utcnow(),
                            created_by=actor.username))
    audit.record(session, actor, "update", "case", case_id, case.patient_id,
                 detail=f"version {number}")
    _assess_version(session, actor, case, doc)
    return case


def edit_document(session: Session, actor: Actor, case_id: str, expected_version: int,
                  edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Case:
    """Apply ``edit`` to a copy of the current document and store the result as a version."""
    case = _case(session, case_id)
    return update_document(session, actor, case_id, expected_version,
                           edit(copy.deepcopy(current_document(session, case))))


def set_agenda(session: Session, actor: Actor, case_id: str, expected_version: int, *,
               status: str | None = None, board_date: date | None = None) -> Case:
    if status is not None and status not in STATUSES:
        raise InvalidInput([Problem("status", f"must be one of {', '.join(STATUSES)}",
                                    status)])
    case = _case(session, case_id)
    values: dict[str, Any] = {}
    if status is not None:
        values["status"] = status
    if board_date is not None:
        values["board_date"] = board_date
    _bump(session, case, expected_version, **values)
    audit.record(session, actor, "update", "case-agenda", case_id, case.patient_id)
    return case


def versions(session: Session, actor: Actor, case_id: str) -> list[CaseVersion]:
    case = _case(session, case_id)
    audit.record(session, actor, "read", "case-versions", case_id, case.patient_id)
    return list(session.scalars(select(CaseVersion).where(CaseVersion.case_id == case_id)
                                .order_by(CaseVersion.number)))


def import_case(session: Session, actor: Actor, document: object,
                patient_pseudonym: str | None = None) -> tuple[Case, str]:
    """Import a whole case, idempotent by its id: ``created``, ``updated`` or ``unchanged``."""
    if patient_pseudonym is not None:
        check_pseudonym(patient_pseudonym)
    doc = validate_document(document)
    existing = session.get(Case, str(doc["id"]))
    if existing is not None:
        if current_document(session, existing) == doc:
            audit.record(session, actor, "import", "case", existing.id, existing.patient_id,
                         detail="unchanged")
            return existing, "unchanged"
        update_document(session, actor, existing.id, existing.version, doc)
        return existing, "updated"
    pseudonym = patient_pseudonym or derived_pseudonym(str(doc["id"]))
    patient = session.scalar(select(Patient).where(Patient.pseudonym == pseudonym))
    if patient is None:
        patient = create_patient(session, actor, pseudonym)
    return create_case(session, actor, patient.id, doc), "created"


def export_case(session: Session, actor: Actor, case_id: str) -> dict[str, Any]:
    case = _case(session, case_id)
    audit.record(session, actor, "export", "case", case_id, case.patient_id)
    return current_document(session, case)


# ---- assessments ---------------------------------------------------------------------------


def assess_document(doc: dict[str, Any], today: date) -> AssessmentDoc:
    """The assessment of a stored document (as of ``today`` unless it names its date)."""
    parsed = parse_case(doc)
    case_model = parsed.case
    if case_model.assessed_on is None:
        case_model = case_model.model_copy(update={"assessed_on": today})
    return assess(case_model, parsed.ignored_fields)


def _store(session: Session, actor: Actor, case: Case, doc: dict[str, Any],
           today: date) -> Assessment:
    row = Assessment(case_id=case.id, case_version=case.current_version,
                     document=assess_document(doc, today), engine_version=__version__,
                     knowledge_version=KNOWLEDGE_VERSION, created_at=utcnow(),
                     created_by=actor.username)
    session.add(row)
    session.flush()
    audit.record(session, actor, "assess", "case", case.id, case.patient_id,
                 detail=f"assessment {row.id} of version {case.current_version}")
    return row


def _assess_version(session: Session, actor: Actor, case: Case,
                    doc: dict[str, Any]) -> None:
    """Every version is assessed when it is stored, in the same transaction: reads (pages,
    the API, the case list's alerts) then show the stored assessment and never write."""
    _store(session, actor, case, doc, date.today())


def store_assessment(session: Session, actor: Actor, case_id: str,
                     today: date) -> Assessment:
    """Assess the current version again and store what was shown, with the engine that
    produced it (e.g. after the engine or the knowledge changed, or to fix its date)."""
    case = _case(session, case_id)
    return _store(session, actor, case, current_document(session, case), today)


def assessments(session: Session, actor: Actor, case_id: str) -> list[Assessment]:
    case = _case(session, case_id)
    audit.record(session, actor, "read", "assessments", case_id, case.patient_id)
    return list(session.scalars(select(Assessment).where(Assessment.case_id == case_id)
                                .order_by(Assessment.id)))


# ---- board decisions -----------------------------------------------------------------------


def record_decision(session: Session, actor: Actor, case_id: str,
                    payload: dict[str, Any]) -> BoardDecision:
    """What the board decided about one recommendation of the latest stored assessment."""
    case = _case(session, case_id)
    latest = session.scalar(select(Assessment).where(Assessment.case_id == case_id)
                            .order_by(Assessment.id.desc()).limit(1))
    if latest is None:
        raise Conflict(f"case {case_id} has no stored assessment to decide on")
    rec_id, lesion = payload["recommendation_id"], payload.get("lesion")
    shown = {(r["id"], r.get("lesion")) for r in latest.document.get("recommendations", [])}
    if (rec_id, lesion) not in shown:
        raise InvalidInput([Problem("recommendation_id", "not a recommendation of the latest "
                                    "assessment of this case (with this lesion)", rec_id)])
    decision = payload["decision"]
    if decision in ("modified", "declined") and not payload.get("reason"):
        raise InvalidInput([Problem("reason", f"required when the board {decision} the "
                                    "recommendation")])
    row = BoardDecision(case_id=case_id, case_version=latest.case_version,
                        recommendation_id=rec_id, lesion=lesion, decision=decision,
                        reason=payload.get("reason"), specialty=payload.get("specialty"),
                        due_date=payload.get("due_date"), decided_by=actor.username,
                        decided_at=utcnow(), version=1)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "decision", str(row.id), case.patient_id)
    return row


def decisions(session: Session, actor: Actor, case_id: str) -> list[BoardDecision]:
    case = _case(session, case_id)
    audit.record(session, actor, "read", "decisions", case_id, case.patient_id)
    return list(session.scalars(select(BoardDecision).where(BoardDecision.case_id == case_id)
                                .order_by(BoardDecision.id)))


def monitoring_of(session: Session, actor: Actor, *, clinician: str | None = None,
                  as_of: date) -> list[dict[str, Any]]:
    """The monitoring duties of every case, or of one clinician's cases: those whose
    versions they wrote or on which they recorded a board decision."""
    from osseous.plan.monitoring import monitoring

    stmt = select(Case)
    if clinician is not None:
        wrote = select(CaseVersion.case_id).where(CaseVersion.created_by == clinician)
        decided = select(BoardDecision.case_id).where(BoardDecision.decided_by == clinician)
        stmt = stmt.where(Case.id.in_(wrote.union(decided)))
    feeds = []
    for row in session.scalars(stmt.order_by(Case.id)):
        parsed = parse_case(current_document(session, row))
        feed = monitoring(parsed.case, as_of)
        feed["case"] = row.id
        feed["label"] = f"{row.patient_id} / {row.id}"
        feeds.append(feed)
    audit.record(session, actor, "read", "monitoring", clinician, None,
                 detail=f"{len(feeds)} cases")
    return feeds


# ---- cohort reads for analytics ----------------------------------------------------------


def registry_fingerprint(session: Session) -> tuple[int, int, int]:
    """Changes whenever a case version or a board decision is added: (versions, the latest
    version id, decisions). Cached aggregates keyed by it are never stale."""
    versions, latest = session.execute(
        select(func.count(CaseVersion.id), func.max(CaseVersion.id))).one()
    decided = session.scalar(select(func.count(BoardDecision.id)))
    return int(versions or 0), int(latest or 0), int(decided or 0)


def cohort_documents(session: Session, actor: Actor) -> Iterator[dict[str, Any]]:
    """The current document of every case, for aggregate analytics: one audit event for the
    whole read (the analytics show only aggregates, never one patient)."""
    audit.record(session, actor, "read", "cohort", None, None, detail="aggregate analytics")
    # one joined query: a query per case made a registry of 5,000 cases 5,000 round trips to
    # the database. (No server-side cursor: a reader that stops early would leave it open.)
    stmt = (select(CaseVersion.document)
            .join(Case, (Case.id == CaseVersion.case_id)
                  & (Case.current_version == CaseVersion.number))
            .order_by(Case.id))
    yield from session.scalars(stmt).all()


def latest_decisions(session: Session, actor: Actor) -> list[tuple[str, str, str | None, date]]:
    """(recommendation id, decision, reason, decided on) of the latest decision on each
    recommendation (and lesion) of every case."""
    audit.record(session, actor, "read", "cohort-decisions", None, None,
                 detail="aggregate analytics")
    latest: dict[tuple[str, str, str | None], BoardDecision] = {}
    for row in session.scalars(select(BoardDecision).order_by(BoardDecision.id)):
        latest[(row.case_id, row.recommendation_id, row.lesion)] = row
    return [(r.recommendation_id, r.decision, r.reason, r.decided_at.date())
            for r in latest.values()]
