"""Service functions behind the tumour-board pages (and any API that wants the same views): the
case list as a work queue, one case's overview, its follow-up, board decisions per problem and
board meetings. Each function checks the actor's role and records its audit event, so no page
reads the ORM itself.

The case list reads :class:`CaseOverview`, one row per case kept up to date whenever an
assessment or a board decision is stored (SQLAlchemy ``after_insert`` events below), so the list
is one query filtered, sorted and paged in SQL, however many cases there are, and never assesses
a case to show it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from sqlalchemy import Connection, delete, func, insert, or_, select, update
from sqlalchemy.event import listens_for
from sqlalchemy.orm import Session

from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.document import Assessment as AssessmentDoc
from osseous.plan.document import as_assessment
from osseous.plan.engine import assess
from osseous.plan.monitoring import monitoring
from osseous.registry import audit, policy
from osseous.registry import repository as repo
from osseous.registry.audit import Actor
from osseous.registry.errors import Conflict, NotFound
from osseous.registry.models import (
    AgendaItem,
    Assessment,
    BoardDecision,
    BoardMeeting,
    Case,
    CaseOverview,
    CaseVersion,
    Patient,
)
from osseous.registry.policy import Action
from osseous.registry.security import utcnow

SEVERITY_RANK: Final = {"critical": 0, "warning": 1, "info": 2}
URGENCY_RANK: Final = {"emergency": 0, "urgent": 1, "routine": 2}
NOTHING: Final = 3
SORTS: Final = ("urgency", "board", "updated", "case")


def _writer(actor: Actor) -> None:
    policy.check(actor, Action.WRITE_PATIENT_DATA)


def _reader(actor: Actor) -> None:
    policy.check(actor, Action.READ_PATIENT_DATA)


def _agenda(actor: Actor) -> None:
    policy.check(actor, Action.MANAGE_AGENDA)


# ---- the overview row of a case, kept by events -------------------------------------------

def option_key(rec_id: str, lesion: str | None) -> str:
    return f"{rec_id}|{lesion or ''}"


def summarise(assessment: Mapping[str, Any], document: Mapping[str, Any],
              today: date) -> dict[str, Any]:
    """The case-list columns of one assessment (and the case document it assessed)."""
    alerts = sorted(assessment.get("alerts") or [], key=lambda a: SEVERITY_RANK[a["severity"]])
    problems = assessment.get("problems")
    active = [p for p in problems or [] if p.get("status") == "active"]
    ranks = [SEVERITY_RANK[a["severity"]] for a in alerts]
    ranks += [URGENCY_RANK[p["urgency"]] for p in active]
    if problems is not None:
        options = [option_key(o["recommendation"], o.get("lesion")) for p in active
                   for o in p.get("options") or []]
    else:  # an assessment from before the problem list: every option that is not advised against
        options = [option_key(r["id"], r.get("lesion"))
                   for r in assessment.get("recommendations") or []
                   if r.get("strength") != "not-recommended"]
    top = alerts[0] if alerts else None
    top_alert = top["message"] if top else (active[0]["title"] if active else None)
    duties: list[dict[str, Any]] = []
    try:
        for d in monitoring(parse_case(dict(document)).case, today)["duties"]:
            if d["status"] != "done":
                duties.append({"what": d["what"], "due": d.get("due")})
    except InvalidInput:
        pass
    return {"rank": min(ranks, default=NOTHING),
            "top_severity": top["severity"] if top else None,
            "top_alert": top_alert[:400] if top_alert else None,
            "primary": (document.get("cancer") or {}).get("primary"),
            "open_problems": len(active) if problems is not None else len(
                [a for a in alerts if a["severity"] != "info"]),
            "options": list(dict.fromkeys(options)), "duties": duties}


def _decided_keys(connection: Connection, case_id: str) -> set[str]:
    rows = connection.execute(select(BoardDecision.recommendation_id, BoardDecision.lesion)
                              .where(BoardDecision.case_id == case_id))
    return {option_key(r, les) for r, les in rows}


def _refresh(connection: Connection, target: Assessment) -> None:
    document = connection.scalar(select(CaseVersion.document).where(
        CaseVersion.case_id == target.case_id, CaseVersion.number == target.case_version))
    values = summarise(target.document, document or {}, date.today())
    decided = _decided_keys(connection, target.case_id)
    values["undecided"] = len([o for o in values["options"] if o not in decided])
    connection.execute(delete(CaseOverview).where(CaseOverview.case_id == target.case_id))
    connection.execute(insert(CaseOverview).values(
        case_id=target.case_id, assessment_id=target.id, case_version=target.case_version,
        **values))


def _recount(connection: Connection, case_id: str) -> None:
    options = connection.scalar(select(CaseOverview.options).where(
        CaseOverview.case_id == case_id))
    if options is None:
        return
    decided = _decided_keys(connection, case_id)
    connection.execute(update(CaseOverview).where(CaseOverview.case_id == case_id)
                       .values(undecided=len([o for o in options if o not in decided])))


@listens_for(Session, "after_flush")
def _kept_up_to_date(session: Session, _context: Any) -> None:
    """After a flush (every row of it written: the case version an assessment reads is there),
    refresh the overview of each case that got an assessment or a decision."""
    assessed = [o for o in session.new if isinstance(o, Assessment)]
    decided = {o.case_id for o in session.new if isinstance(o, BoardDecision)}
    if not assessed and not decided:
        return
    connection = session.connection()
    for row in sorted(assessed, key=lambda r: r.id):
        _refresh(connection, row)
    for case_id in decided - {r.case_id for r in assessed}:
        _recount(connection, case_id)


def backfill(session: Session) -> int:
    """Write the overview row of every case that has a stored assessment but no row (a registry
    upgraded from before the case list kept them); returns how many were written."""
    missing = select(Assessment.case_id, func.max(Assessment.id)).where(
        Assessment.case_id.not_in(select(CaseOverview.case_id))).group_by(Assessment.case_id)
    latest = [i for _, i in session.execute(missing)]
    connection = session.connection()
    for row in session.scalars(select(Assessment).where(Assessment.id.in_(latest))):
        _refresh(connection, row)
    return len(latest)


# ---- the case list -------------------------------------------------------------------------

#: the urgency of a case in words, by its rank (``rank`` of :func:`summarise`)
URGENCY_OF_RANK: Final = ("emergency", "urgent", "routine", "none")


@dataclass(frozen=True, slots=True)
class ListRow:
    case_id: str
    pseudonym: str
    status: str
    board_date: date | None
    assessed: bool
    rank: int
    top_severity: str | None
    top_alert: str | None
    primary: str | None
    open_problems: int | None
    undecided: int | None
    overdue: list[str]
    patient_id: str = ""
    version: int = 0
    current_version: int = 0
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def urgency(self) -> str | None:
        """emergency, urgent, routine or none; None when the case has not been assessed."""
        return URGENCY_OF_RANK[self.rank] if self.assessed else None


_LIST_COLUMNS: Final = (
    Case.id, Case.patient_id, Case.status, Case.board_date, Case.version, Case.current_version,
    Case.created_at, Case.updated_at, Patient.pseudonym,
    CaseOverview.case_id.label("overview_case"), CaseOverview.rank, CaseOverview.top_severity,
    CaseOverview.top_alert, CaseOverview.primary, CaseOverview.open_problems,
    CaseOverview.undecided, CaseOverview.duties)


def _case_filters(q: str, status: str, board_date: date | None,
                  patient_id: str) -> list[Any]:
    """The list's conditions on the case (and its patient's pseudonym)."""
    out: list[Any] = []
    if q:
        like = f"%{q.lower()}%"
        out.append(or_(func.lower(Case.id).like(like), func.lower(Patient.pseudonym).like(like)))
    if status:
        out.append(Case.status == status)
    if board_date:
        out.append(Case.board_date == board_date)
    if patient_id:
        out.append(Case.patient_id == patient_id)
    return out


def _list_row(r: Any, today: date) -> ListRow:
    assessed = r.overview_case is not None
    return ListRow(
        r.id, r.pseudonym, r.status, r.board_date, assessed,
        r.rank if assessed else NOTHING + 1, r.top_severity, r.top_alert, r.primary,
        r.open_problems, r.undecided,
        [d["what"] for d in r.duties or [] if d.get("due") and d["due"] < today.isoformat()],
        r.patient_id, r.version, r.current_version, r.created_at, r.updated_at)


def case_list(session: Session, actor: Actor, *, q: str = "", primary: str = "",
              severity: str = "", status: str = "", board_date: date | None = None,
              patient_id: str = "", sort: str = "urgency", page: int = 1,
              per_page: int = 50, offset: int | None = None,
              today: date | None = None) -> tuple[list[ListRow], int]:
    """The cases matching the filters, most urgent first by default, one page of them
    (``page`` of ``per_page`` rows, or ``per_page`` rows from ``offset``): the work queue of
    the pages and of ``GET /cases``. Filtered, counted, sorted and paged in SQL.

    Most urgent first reads the assessed cases in the order of the overview's ``rank``
    index (the database sorts only within a rank, and stops once the page is full), then the
    cases not assessed yet (last, by board date); a left join ordered by the rank of a
    possibly missing row would sort every case on every view (docs/performance.md)."""
    _reader(actor)
    today = today or date.today()
    sort = sort if sort in SORTS else "urgency"
    start = offset if offset is not None else (max(page, 1) - 1) * per_page
    on_case = _case_filters(q, status, board_date, patient_id)
    on_overview = [c for c, given in ((CaseOverview.primary == primary, primary),
                                      (CaseOverview.top_severity == severity, severity))
                   if given]

    def counted(assessed: bool) -> int:
        """How many cases match (only those assessed: ``assessed``); the overview's index
        alone when no filter is on the case."""
        if assessed and not on_case:
            return session.scalar(select(func.count()).select_from(CaseOverview)
                                  .where(*on_overview)) or 0
        stmt = select(func.count()).select_from(Case)
        if q:
            stmt = stmt.join(Patient, Patient.id == Case.patient_id)
        if assessed or on_overview:
            stmt = stmt.join(CaseOverview, CaseOverview.case_id == Case.id)
        return session.scalar(stmt.where(*on_case, *on_overview)) or 0

    def fetch(stmt: Any, order: tuple[Any, ...], skip: int, take: int) -> list[Any]:
        return list(session.execute(stmt.where(*on_case, *on_overview).order_by(*order)
                                    .limit(take).offset(skip)))

    # the columns shown, not the ORM objects (nor the options' JSON the list does not show)
    base = select(*_LIST_COLUMNS).join(Patient, Patient.id == Case.patient_id)
    found: list[Any]
    if sort == "urgency":
        assessed = counted(True)
        total = assessed if on_overview else counted(False)
        waiting = total - assessed
        found = fetch(base.join(CaseOverview, CaseOverview.case_id == Case.id),
                      (CaseOverview.rank, Case.board_date, Case.id), start, per_page) \
            if start < assessed else []
        if waiting and len(found) < per_page:
            found += fetch(base.outerjoin(CaseOverview, CaseOverview.case_id == Case.id)
                           .where(CaseOverview.case_id.is_(None)),
                           (Case.board_date, Case.id), max(start - assessed, 0),
                           per_page - len(found))
    else:
        total = counted(False)
        rank = func.coalesce(CaseOverview.rank, NOTHING + 1)
        order = {"board": (Case.board_date.is_(None), Case.board_date, rank, Case.id),
                 "updated": (Case.updated_at.desc(), Case.id),
                 "case": (Case.id,)}[sort]
        found = fetch(base.outerjoin(CaseOverview, CaseOverview.case_id == Case.id), order,
                      start, per_page)
    rows = [_list_row(r, today) for r in found]
    audit.record(session, actor, "list", "case", None, patient_id or None,
                 detail=f"{len(rows)} rows of {total} (with pseudonyms)")
    return rows, total


# ---- one case ------------------------------------------------------------------------------

@dataclass(slots=True)
class DecisionView:
    id: int
    recommendation_id: str
    lesion: str | None
    problem: str | None
    title: str
    decision: str
    reason: str | None
    specialty: str | None
    owner: str | None
    due_date: date | None
    decided_by: str
    decided_on: date
    case_version: int
    case_id: str = ""
    decided_at: datetime | None = None
    version: int = 1


@dataclass(slots=True)
class CaseView:
    case: Case
    document: dict[str, Any]
    pseudonym: str
    assessment: AssessmentDoc
    #: False when the assessment shown was computed now and not stored (nothing to decide on
    #: until it is stored)
    stored: bool
    decisions: list[DecisionView] = field(default_factory=list)

    def latest(self, rec_id: str, lesion: str | None) -> DecisionView | None:
        """The latest decision on an option, if any."""
        found = [d for d in self.decisions if d.recommendation_id == rec_id
                 and d.lesion == lesion]
        return found[-1] if found else None


def _titles(session: Session, case_id: str) -> dict[tuple[int, str, str | None], str]:
    titles: dict[tuple[int, str, str | None], str] = {}
    for version, doc in session.execute(select(Assessment.case_version, Assessment.document)
                                        .where(Assessment.case_id == case_id)
                                        .order_by(Assessment.id)):
        for r in doc.get("recommendations") or []:
            titles[(version, r["id"], r.get("lesion"))] = r["title"]
    return titles


def _decision_views(session: Session, case_id: str) -> list[DecisionView]:
    titles = _titles(session, case_id)
    latest_title = {(k[1], k[2]): v for k, v in sorted(titles.items(), key=lambda kv: kv[0][0])}
    out = []
    for d in session.scalars(select(BoardDecision).where(BoardDecision.case_id == case_id)
                             .order_by(BoardDecision.id)):
        title = titles.get((d.case_version, d.recommendation_id, d.lesion)) or latest_title.get(
            (d.recommendation_id, d.lesion)) or "an option no longer offered"
        out.append(DecisionView(d.id, d.recommendation_id, d.lesion, d.problem, title,
                                d.decision, d.reason, d.specialty, d.owner, d.due_date,
                                d.decided_by, d.decided_at.date(), d.case_version,
                                d.case_id, d.decided_at, d.version))
    return out


def _latest_assessment(session: Session, case: Case) -> tuple[AssessmentDoc, bool]:
    row = session.scalar(select(Assessment).where(Assessment.case_id == case.id)
                         .order_by(Assessment.id.desc()).limit(1))
    if row is not None and row.case_version == case.current_version:
        return as_assessment(row.document), True
    # not stored yet (a case stored before assessments were kept with every version):
    # computed for display only; a GET writes nothing
    parsed = parse_case(repo.current_document(session, case))
    model = parsed.case
    if model.assessed_on is None:
        model = model.model_copy(update={"assessed_on": date.today()})
    return assess(model, parsed.ignored_fields), False


def case_view(session: Session, actor: Actor, case_id: str) -> CaseView:
    """A case with its current document, the assessment of that version and its decisions."""
    _reader(actor)
    case, document = repo.get_case(session, actor, case_id)
    patient = session.get(Patient, case.patient_id)
    assessment, stored = _latest_assessment(session, case)
    audit.record(session, actor, "read", "decisions", case_id, case.patient_id)
    return CaseView(case, document, patient.pseudonym if patient else "", assessment, stored,
                    _decision_views(session, case_id))


def decisions(session: Session, actor: Actor, case_id: str) -> list[DecisionView]:
    """Every decision on a case, oldest first, each with the option's title (read, audited)."""
    _reader(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    audit.record(session, actor, "read", "decisions", case_id, case.patient_id)
    return _decision_views(session, case_id)


class Contradiction(Conflict):
    """A decision that reverses the latest one on the same option, not confirmed."""

    def __init__(self, earlier: DecisionView) -> None:
        super().__init__(
            f"the board {earlier.decision} this option on {earlier.decided_on.isoformat()} "
            f"({earlier.decided_by}); a different decision reverses it and must be confirmed")
        self.earlier = earlier


def _problem_of(assessment: Mapping[str, Any], rec_id: str, lesion: str | None,
                given: str | None) -> str | None:
    """The problem a decision answers: the one given, if the option is one of its options;
    else the problem whose options include it (None for an assessment without problems)."""
    problems = assessment.get("problems")
    if problems is None:
        return given
    holding = [p["id"] for p in problems
               if any(o.get("recommendation") == rec_id and o.get("lesion") == lesion
                      for o in p.get("options") or [])]
    if given is None:
        return holding[0] if holding else None
    if given not in holding:
        known = [p["id"] for p in problems]
        raise InvalidInput([Problem(
            "problem", "not a problem of the latest assessment holding this option; "
                       + (f"the option belongs to {', '.join(holding)}" if holding else
                          f"the problems are {', '.join(known) or 'none'}"), given)])
    return given


def decide(session: Session, actor: Actor, case_id: str, payload: dict[str, Any], *,
           confirmed: bool = False) -> BoardDecision:
    """Record the board's decision on one option (of one problem): the problem is checked
    against the assessment decided on (or found from it when not given). A decision that
    differs from the latest one on the same option raises :class:`Contradiction` unless
    ``confirmed``."""
    _writer(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    latest = session.scalar(select(Assessment).where(Assessment.case_id == case_id)
                            .order_by(Assessment.id.desc()).limit(1))
    if latest is None or latest.case_version != case.current_version:
        latest = repo.store_assessment(session, actor, case_id, date.today())
    rec_id, lesion = payload["recommendation_id"], payload.get("lesion")
    if payload["decision"] in ("modified", "declined") and not payload.get("reason"):
        raise InvalidInput([Problem("reason", f"required when the board {payload['decision']} "
                                              "the option: say why")])
    problem = _problem_of(latest.document, rec_id, lesion, payload.get("problem"))
    earlier = [d for d in _decision_views(session, case_id)
               if d.recommendation_id == rec_id and d.lesion == lesion]
    if earlier and earlier[-1].decision != payload["decision"] and not confirmed:
        raise Contradiction(earlier[-1])
    row = repo.record_decision(session, actor, case_id, payload)
    row.problem = problem
    row.owner = payload.get("owner")
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class EditedCase:
    """What the editor needs of a stored case: its ids and versions, its current document,
    its patient's pseudonym and the radiotherapy already recorded on each lesion."""

    id: str
    version: int
    current_version: int
    document: dict[str, Any]
    pseudonym: str

    @property
    def courses(self) -> dict[str, list[Any]]:
        return {str(les.get("id")): les.get("prior_radiotherapy") or []
                for les in self.document.get("lesions") or [] if isinstance(les, dict)}


def case_for_editing(session: Session, actor: Actor, case_id: str) -> EditedCase:
    """The case as the editor shows it (read, and audited)."""
    _reader(actor)
    case, document = repo.get_case(session, actor, case_id)
    patient = session.get(Patient, case.patient_id)
    audit.record(session, actor, "read", "patient", case.patient_id, case.patient_id)
    return EditedCase(case.id, case.version, case.current_version, document,
                      patient.pseudonym if patient else "")


def save_case(session: Session, actor: Actor, case_id: str, expected_version: int,
              document: dict[str, Any]) -> str:
    """Store the editor's document as the case's next version; returns the case's id."""
    _writer(actor)
    return repo.update_document(session, actor, case_id, expected_version, document).id


def import_case(session: Session, actor: Actor, document: object,
                pseudonym: str | None) -> str:
    """Import an ``osseous.case/1`` document as a new case; returns its id."""
    _writer(actor)
    case, _ = repo.import_case(session, actor, document, pseudonym)
    return case.id


def new_case(session: Session, actor: Actor, pseudonym: str,
             document: dict[str, Any]) -> Case:
    """A new case for the patient with this pseudonym (created when there is none)."""
    _writer(actor)
    patient = session.scalar(select(Patient).where(Patient.pseudonym == pseudonym))
    if patient is None:
        patient = repo.create_patient(session, actor, pseudonym)
    return repo.create_case(session, actor, patient.id, document)


def edit_case(session: Session, actor: Actor, case_id: str,
              edit: Callable[[dict[str, Any]], dict[str, Any]]) -> Case:
    """Apply ``edit`` to the current document and store it as the next version."""
    _writer(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return repo.edit_document(session, actor, case_id, case.version, edit)


def update_agenda(session: Session, actor: Actor, case_id: str, *, status: str | None,
                  board_date: date | None) -> Case:
    """Set a case's status and board date (whatever its current row version)."""
    _agenda(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return repo.set_agenda(session, actor, case_id, case.version, status=status,
                           board_date=board_date)


# ---- board meetings ------------------------------------------------------------------------

@dataclass(slots=True)
class AgendaEntry:
    case_id: str
    pseudonym: str
    position: int
    presenter: str | None
    rank: int
    top_alert: str | None
    top_severity: str | None
    open_problems: int | None
    undecided: int | None
    status: str


@dataclass(slots=True)
class Meeting:
    board_date: date
    attendees: list[dict[str, str]]
    chair: str | None
    agenda: list[AgendaEntry]


def meeting(session: Session, actor: Actor, board_date: date) -> Meeting:
    """The meeting of a date: its attendees and the cases on its agenda, in the order set (the
    cases not yet ordered follow, most urgent first)."""
    _reader(actor)
    row = session.get(BoardMeeting, board_date)
    items = {i.case_id: i for i in session.scalars(
        select(AgendaItem).where(AgendaItem.board_date == board_date))}
    entries = []
    for case_id, pseudonym, status, ov in session.execute(
            select(Case.id, Patient.pseudonym, Case.status, CaseOverview)
            .join(Patient, Patient.id == Case.patient_id)
            .outerjoin(CaseOverview, CaseOverview.case_id == Case.id)
            .where(Case.board_date == board_date)):
        item = items.get(case_id)
        entries.append(AgendaEntry(
            case_id, pseudonym, item.position if item else 10_000, item.presenter if item
            else None, ov.rank if ov else NOTHING + 1, ov.top_alert if ov else None,
            ov.top_severity if ov else None, ov.open_problems if ov else None,
            ov.undecided if ov else None, status))
    entries.sort(key=lambda e: (e.position, e.rank, e.case_id))
    for i, e in enumerate(entries, start=1):
        e.position = i
    audit.record(session, actor, "read", "board-meeting", board_date.isoformat(), None,
                 detail=f"{len(entries)} cases")
    return Meeting(board_date, list(row.attendees) if row else [], row.chair if row else None,
                   entries)


def meetings(session: Session, actor: Actor) -> list[tuple[date, int]]:
    """Every board date with cases on it, with its number of cases, latest first."""
    _reader(actor)
    return [(d, n) for d, n in session.execute(
        select(Case.board_date, func.count()).where(Case.board_date.is_not(None))
        .group_by(Case.board_date).order_by(Case.board_date.desc())) if d is not None]


def save_meeting(session: Session, actor: Actor, board_date: date,
                 attendees: list[dict[str, str]], chair: str | None) -> None:
    _agenda(actor)  # coordinators prepare the meeting
    for a in attendees:
        if not a.get("name") and not a.get("specialty"):
            raise InvalidInput([Problem("attendees", "each attendee needs a name or a "
                                        "specialty")])
    row = session.get(BoardMeeting, board_date)
    if row is None:
        row = BoardMeeting(board_date=board_date, attendees=attendees, chair=chair,
                           updated_at=utcnow(), updated_by=actor.username)
        session.add(row)
    else:
        row.attendees, row.chair = attendees, chair
        row.updated_at, row.updated_by = utcnow(), actor.username
    audit.record(session, actor, "update", "board-meeting", board_date.isoformat(), None)


def schedule(session: Session, actor: Actor, case_id: str, board_date: date, *,
             position: int | None = None, presenter: str | None = None) -> None:
    """Put a case on a meeting's agenda (at ``position``, with its presenter)."""
    _agenda(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    if case.board_date != board_date or case.status == "backlog":
        repo.set_agenda(session, actor, case_id, case.version, board_date=board_date,
                        status="scheduled" if case.status == "backlog" else None)
    item = session.scalar(select(AgendaItem).where(AgendaItem.board_date == board_date,
                                                   AgendaItem.case_id == case_id))
    if item is None:
        last = session.scalar(select(func.max(AgendaItem.position))
                              .where(AgendaItem.board_date == board_date)) or 0
        item = AgendaItem(board_date=board_date, case_id=case_id, position=last + 1)
        session.add(item)
    if position is not None:
        item.position = position
    if presenter is not None:
        item.presenter = presenter or None
    session.flush()


def mark_discussed(session: Session, actor: Actor, case_id: str) -> None:
    _agenda(actor)
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"case {case_id} not found")
    if case.status in ("backlog", "scheduled"):
        repo.set_agenda(session, actor, case_id, case.version, status="discussed")


def minutes(session: Session, actor: Actor, board_date: date) -> tuple[Meeting,
                                                                         list[CaseView]]:
    """The meeting and, for each case on its agenda, its view with every decision."""
    found = meeting(session, actor, board_date)
    if not found.agenda:
        raise Conflict(f"no case is on the agenda of {board_date.isoformat()}")
    return found, [case_view(session, actor, e.case_id) for e in found.agenda]
