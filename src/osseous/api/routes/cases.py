"""Cases and everything in them: versions, the document, the agenda, lesions, pain
assessments, events, treatments, stored assessments and board decisions.

Every change to the case document is a new version; sub-resources are views and edits of the
current document. Changes need ``If-Match`` with the case's ETag (412 when stale, 428 when
missing)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from osseous.api import hot
from osseous.api.deps import (
    MANAGE_AGENDA,
    MAX_INT,
    READ_PATIENT_DATA,
    WRITE_PATIENT_DATA,
    Caller,
    ReadSessionDep,
    SessionDep,
    etag,
    if_match,
    require,
)
from osseous.api.problems import problem, responses
from osseous.api.schemas import (
    AgendaPatch,
    AssessmentOut,
    CaseIn,
    CaseOut,
    DecisionIn,
    DecisionOut,
    QueueItem,
    QueuePage,
    TreatmentIn,
    VersionOut,
)
from osseous.core.errors import invalid
from osseous.registry import overview
from osseous.registry import repository as repo
from osseous.registry.errors import Conflict, NotFound
from osseous.registry.models import Case

router = APIRouter(tags=["cases"])
Reader = Annotated[Caller, Depends(require(READ_PATIENT_DATA))]
Writer = Annotated[Caller, Depends(require(WRITE_PATIENT_DATA))]
Agenda = Annotated[Caller, Depends(require(MANAGE_AGENDA))]
Version = Annotated[int, Depends(if_match)]
Item = Annotated[dict[str, Any], Body()]


def _out(case: Case, document: dict[str, Any] | None = None) -> CaseOut:
    out = CaseOut.model_validate(case, from_attributes=True)
    out.document = document
    return out


def _tagged(response: Response, case: Case) -> None:
    response.headers["ETag"] = etag(case.version)


@router.post("/cases", status_code=201)
def create(body: CaseIn, caller: Writer, s: SessionDep, response: Response) -> CaseOut:
    case = repo.create_case(s, caller.actor, body.patient_id, body.document)
    response.headers["Location"] = f"/cases/{case.id}"
    _tagged(response, case)
    return _out(case, body.document)


@router.get("/cases")
def list_(caller: Reader, s: ReadSessionDep,
          status: Annotated[str | None, Query(
              pattern="^(backlog|scheduled|discussed|follow-up)$")] = None,
          patient_id: Annotated[str | None, Query(max_length=36)] = None,
          board_date: date | None = None,
          q: Annotated[str | None, Query(
              max_length=100, description="Part of the case id or the pseudonym")] = None,
          primary: Annotated[str | None, Query(max_length=64)] = None,
          severity: Annotated[Literal["critical", "warning", "info"] | None, Query(
              description="The severity of the most urgent alert")] = None,
          sort: Annotated[Literal["urgency", "board", "updated", "case"], Query(
              description="urgency: most urgent first (the work queue); board: by board "
                          "date; updated: last changed first; case: by id")] = "urgency",
          limit: Annotated[int, Query(ge=1, le=200)] = 50,
          offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0) -> QueuePage:
    """The work queue: every case with its urgency, most urgent alert, open problems and
    undecided options, filtered, sorted and paged in the database (the list the pages show,
    from the same registry service)."""
    rows, total = overview.case_list(
        s, caller.actor, q=q or "", primary=primary or "", severity=severity or "",
        status=status or "", board_date=board_date, patient_id=patient_id or "", sort=sort,
        per_page=limit, offset=offset)
    return QueuePage(items=[_queued(r) for r in rows], total=total, limit=limit,
                     offset=offset)


def _queued(row: overview.ListRow) -> QueueItem:
    return QueueItem(
        id=row.case_id, patient_id=row.patient_id, status=row.status,
        board_date=row.board_date, version=row.version, current_version=row.current_version,
        created_at=row.created_at, updated_at=row.updated_at, pseudonym=row.pseudonym,
        assessed=row.assessed, urgency=row.urgency, top_severity=row.top_severity,
        top_alert=row.top_alert, primary=row.primary, open_problems=row.open_problems,
        undecided_options=row.undecided, overdue=row.overdue)


@router.get("/cases/{case_id}", response_model=CaseOut)
async def get(case_id: str, request: Request) -> Response:
    """The case and its current document."""
    return await hot.read_case(request, case_id)


@router.get("/cases/{case_id}/document")
def export(case_id: str, caller: Reader, s: ReadSessionDep) -> dict[str, Any]:
    """The current version as an ``osseous.case/1`` document."""
    return repo.export_case(s, caller.actor, case_id)


@router.put("/cases/{case_id}/document")
def replace(case_id: str, document: Item, caller: Writer, s: SessionDep, version: Version,
            response: Response) -> CaseOut:
    """Store a new version of the whole document."""
    case = repo.update_document(s, caller.actor, case_id, version, document)
    _tagged(response, case)
    return _out(case, repo.current_document(s, case))


@router.patch("/cases/{case_id}/agenda")
def agenda(case_id: str, body: AgendaPatch, caller: Agenda, s: SessionDep, version: Version,
           response: Response) -> CaseOut:
    """Board agenda: status (backlog, scheduled, discussed, follow-up) and board date."""
    case = repo.set_agenda(s, caller.actor, case_id, version, status=body.status,
                           board_date=body.board_date)
    _tagged(response, case)
    return _out(case)


@router.get("/cases/{case_id}/versions")
def versions(case_id: str, caller: Reader, s: ReadSessionDep) -> list[VersionOut]:
    return [VersionOut.model_validate(v, from_attributes=True)
            for v in repo.versions(s, caller.actor, case_id)]


@router.get("/cases/{case_id}/versions/{number}")
def version(case_id: str, number: Annotated[int, Path(ge=1, le=MAX_INT)], caller: Reader,
            s: ReadSessionDep) -> VersionOut:
    for v in repo.versions(s, caller.actor, case_id):
        if v.number == number:
            return VersionOut.model_validate(v, from_attributes=True)
    raise NotFound(f"case {case_id} has no version {number}")


# ---- sub-resources of the document ---------------------------------------------------------

def _section(case_id: str, s: SessionDep, caller: Caller, key: str) -> list[Any]:
    _, doc = repo.get_case(s, caller.actor, case_id)
    items = doc.get(key) or []
    assert isinstance(items, list)
    return items


def _append(case_id: str, item: dict[str, Any], key: str, s: SessionDep, caller: Caller,
            version: int, response: Response) -> CaseOut:
    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        doc[key] = [*(doc.get(key) or []), item]
        return doc

    case = repo.edit_document(s, caller.actor, case_id, version, edit)
    _tagged(response, case)
    response.status_code = 201
    return _out(case, repo.current_document(s, case))


@router.get("/cases/{case_id}/lesions")
def lesions(case_id: str, caller: Reader, s: ReadSessionDep) -> list[Any]:
    return _section(case_id, s, caller, "lesions")


@router.post("/cases/{case_id}/lesions", status_code=201)
def add_lesion(case_id: str, lesion: Item, caller: Writer, s: SessionDep, version: Version,
               response: Response) -> CaseOut:
    """Add a lesion (a new version of the case)."""
    return _append(case_id, lesion, "lesions", s, caller, version, response)


@router.get("/cases/{case_id}/lesions/{lesion_id}")
def lesion(case_id: str, lesion_id: str, caller: Reader, s: ReadSessionDep) -> dict[str, Any]:
    for item in _section(case_id, s, caller, "lesions"):
        if isinstance(item, dict) and item.get("id") == lesion_id:
            return item
    raise NotFound(f"case {case_id} has no lesion {lesion_id}")


@router.put("/cases/{case_id}/lesions/{lesion_id}")
def replace_lesion(case_id: str, lesion_id: str, lesion: Item, caller: Writer,
                   s: SessionDep, version: Version, response: Response) -> CaseOut:
    if lesion.get("id") != lesion_id:
        raise invalid("id", f"must be {lesion_id!r}", lesion.get("id"))

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        items = doc.get("lesions") or []
        if not any(i.get("id") == lesion_id for i in items):
            raise NotFound(f"case {case_id} has no lesion {lesion_id}")
        doc["lesions"] = [lesion if i.get("id") == lesion_id else i for i in items]
        return doc

    case = repo.edit_document(s, caller.actor, case_id, version, edit)
    _tagged(response, case)
    return _out(case, repo.current_document(s, case))


@router.delete("/cases/{case_id}/lesions/{lesion_id}")
def remove_lesion(case_id: str, lesion_id: str, caller: Writer, s: SessionDep,
                  version: Version, response: Response) -> CaseOut:
    """Remove a lesion (the earlier versions keep it)."""

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        items = doc.get("lesions") or []
        if not any(i.get("id") == lesion_id for i in items):
            raise NotFound(f"case {case_id} has no lesion {lesion_id}")
        referenced = [e for e in (doc.get("pain_assessments") or []) + (doc.get("events") or [])
                      if e.get("lesion") == lesion_id]
        if referenced:
            raise Conflict(f"lesion {lesion_id} is referred to by pain assessments or events")
        doc["lesions"] = [i for i in items if i.get("id") != lesion_id]
        return doc

    case = repo.edit_document(s, caller.actor, case_id, version, edit)
    _tagged(response, case)
    return _out(case, repo.current_document(s, case))


@router.get("/cases/{case_id}/pain-assessments")
def pain_assessments(case_id: str, caller: Reader, s: ReadSessionDep) -> list[Any]:
    return _section(case_id, s, caller, "pain_assessments")


@router.post("/cases/{case_id}/pain-assessments", status_code=201)
def add_pain_assessment(case_id: str, item: Item, caller: Writer, s: SessionDep,
                        version: Version, response: Response) -> CaseOut:
    return _append(case_id, item, "pain_assessments", s, caller, version, response)


@router.get("/cases/{case_id}/events")
def events(case_id: str, caller: Reader, s: ReadSessionDep) -> list[Any]:
    return _section(case_id, s, caller, "events")


@router.post("/cases/{case_id}/events", status_code=201)
def add_event(case_id: str, item: Item, caller: Writer, s: SessionDep, version: Version,
              response: Response) -> CaseOut:
    """Record a skeletal-related event or death."""
    return _append(case_id, item, "events", s, caller, version, response)


@router.get("/cases/{case_id}/treatments")
def treatments(case_id: str, caller: Reader, s: ReadSessionDep) -> dict[str, list[Any]]:
    """Radiotherapy courses and procedures per lesion, and drugs."""
    _, doc = repo.get_case(s, caller.actor, case_id)
    lesions_ = [le for le in doc.get("lesions") or [] if isinstance(le, dict)]
    return {
        "radiotherapy": [{"lesion": le["id"], **c} for le in lesions_
                         for c in le.get("prior_radiotherapy") or []],
        "procedures": [{"lesion": le["id"], **p} for le in lesions_
                       for p in le.get("prior_surgery") or []],
        "drugs": list(doc.get("medications") or []),
    }


@router.post("/cases/{case_id}/treatments", status_code=201)
def add_treatment(case_id: str, body: TreatmentIn, caller: Writer, s: SessionDep,
                  version: Version, response: Response) -> CaseOut:
    """Record a treatment given: a radiotherapy course or a procedure on a lesion, or a drug."""
    payload = {"radiotherapy": body.course, "procedure": body.procedure,
               "drug": body.drug}[body.kind]
    if payload is None:
        field = {"radiotherapy": "course", "procedure": "procedure", "drug": "drug"}[body.kind]
        raise invalid(field, f"required for kind {body.kind!r}")
    if body.kind == "drug":
        return _append(case_id, payload, "medications", s, caller, version, response)
    if body.lesion is None:
        raise invalid("lesion", f"required for kind {body.kind!r}")
    key = "prior_radiotherapy" if body.kind == "radiotherapy" else "prior_surgery"

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        for le in doc.get("lesions") or []:
            if le.get("id") == body.lesion:
                le[key] = [*(le.get(key) or []), payload]
                return doc
        raise NotFound(f"case {case_id} has no lesion {body.lesion}")

    case = repo.edit_document(s, caller.actor, case_id, version, edit)
    _tagged(response, case)
    return _out(case, repo.current_document(s, case))


# ---- assessments and decisions -------------------------------------------------------------

@router.post("/cases/{case_id}/assessment", status_code=201)
def store_assessment(case_id: str, caller: Writer, s: SessionDep,
                     response: Response) -> AssessmentOut:
    """Assess the current version and store it, with the engine and knowledge versions."""
    row = repo.store_assessment(s, caller.actor, case_id, date.today())
    response.headers["Location"] = f"/cases/{case_id}/assessments/{row.id}"
    return AssessmentOut.model_validate(row, from_attributes=True)


@router.get("/cases/{case_id}/assessments")
def assessments(case_id: str, caller: Reader, s: ReadSessionDep) -> list[AssessmentOut]:
    return [AssessmentOut.model_validate(a, from_attributes=True)
            for a in repo.assessments(s, caller.actor, case_id)]


@router.post("/cases/{case_id}/decisions", status_code=201, response_model=DecisionOut,
             responses=responses(409))
def decide(case_id: str, body: DecisionIn, caller: Writer, s: SessionDep,
           request: Request) -> Any:
    """What the board decided about one option, with the reason when it deviated, the problem
    it answers, who carries it out and by when. A decision that reverses the latest one on
    the same option is refused with 409 (the earlier decision in ``earlier``) unless
    ``confirm`` is true, as on the case page."""
    payload = body.model_dump(exclude={"confirm"})
    try:
        row = overview.decide(s, caller.actor, case_id, payload, confirmed=body.confirm)
    except overview.Contradiction as exc:
        e = exc.earlier
        return problem(409, str(exc), request, extensions={"earlier": {
            "id": e.id, "decision": e.decision, "decided_by": e.decided_by,
            "decided_at": e.decided_at.isoformat() if e.decided_at else None,
            "reason": e.reason}})
    found = [d for d in overview.decisions(s, caller.actor, case_id) if d.id == row.id]
    return _decision(found[0])


def _decision(d: overview.DecisionView) -> DecisionOut:
    return DecisionOut(
        id=d.id, case_id=d.case_id, case_version=d.case_version,
        recommendation_id=d.recommendation_id, lesion=d.lesion, decision=d.decision,
        reason=d.reason, specialty=d.specialty, due_date=d.due_date, decided_by=d.decided_by,
        decided_at=d.decided_at, version=d.version, problem=d.problem, owner=d.owner,
        title=d.title)


@router.get("/cases/{case_id}/decisions")
def decisions(case_id: str, caller: Reader, s: ReadSessionDep) -> list[DecisionOut]:
    """Every decision on the case, oldest first, with the option's title."""
    return [_decision(d) for d in overview.decisions(s, caller.actor, case_id)]


@router.get("/cases/{case_id}/monitoring")
def monitoring(case_id: str, caller: Reader, s: ReadSessionDep,
               as_of: Annotated[date | None, Query(description="Default: today")] = None
               ) -> dict[str, Any]:
    """The monitoring duties that follow from the case's treatments (``osseous.monitoring/1``),
    overdue first."""
    from osseous.core.validation import parse_case
    from osseous.plan.monitoring import monitoring as duties

    return duties(parse_case(repo.export_case(s, caller.actor, case_id)).case,
                  as_of or date.today())


@router.get("/monitoring.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}}})
def calendar(caller: Reader, s: ReadSessionDep,
             clinician: Annotated[str | None, Query(max_length=64)] = None,
             as_of: Annotated[date | None, Query()] = None) -> Response:
    """Every case's open monitoring duties (or one clinician's) as an iCalendar feed."""
    from datetime import UTC, datetime

    from osseous.report.icalendar import calendar as ics

    day = as_of or date.today()
    feeds = repo.monitoring_of(s, caller.actor, clinician=clinician, as_of=day)
    name = f"Osseous monitoring: {clinician}" if clinician else "Osseous monitoring"
    return Response(ics(feeds, name=name, as_of=day, now=datetime.now(UTC)),
                    media_type="text/calendar")
