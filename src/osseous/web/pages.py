"""The pages of the tumour-board application, under ``/app``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

import orjson
from anyio import to_thread
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from starlette.datastructures import FormData

from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case, text_problem
from osseous.plan.model import FAMILIES
from osseous.plan.monitoring import monitoring
from osseous.plan.triage import QUESTIONS, parse_answers, triage
from osseous.registry import repository as repo
from osseous.registry import security
from osseous.registry.errors import NotFound, PreconditionFailed, RegistryError
from osseous.registry.models import Assessment, Case, Patient
from osseous.registry.signin import LoginPolicy, sign_in
from osseous.report.patient_summary import summarise
from osseous.report.patient_texts import FAQ, GLOSSARY, INVESTIGATIONS, TREATMENTS, PatientText
from osseous.report.pdf import html_to_pdf
from osseous.report.readability import medical_terms
from osseous.scores.catalog import BY_ID, SCORES
from osseous.scores.pain import radiotherapy_start
from osseous.web import charts, forms
from osseous.web.offload import heavy
from osseous.web.session import (
    LoginRequired,
    WebUser,
    check_csrf,
    clear_cookies,
    client_address,
    csrf_token,
    current,
    database,
    issue_csrf,
    set_cookies,
    settings_of,
)

HERE: Final = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
#: the most fields a page form may send (the case editor at its row limits stays below it)
MAX_FORM_FIELDS: Final = 20_000
router = APIRouter(prefix="/app", include_in_schema=False)
WEB_ROLES: Final = frozenset({"clinician", "coordinator", "researcher"})
SEVERITY_RANK: Final = {"critical": 0, "warning": 1, "info": 2}
FAMILY_NAMES: Final = {
    "radiotherapy": "Radiotherapy", "bone-modifying-agent": "Bone-modifying agents",
    "interventional": "Interventional radiology", "surgery": "Surgery",
    "radiopharmaceutical": "Radiopharmaceuticals", "systemic-therapy": "Systemic therapy",
    "supportive-care": "Supportive care"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           user: WebUser | None = None) -> HTMLResponse:
    csrf = user.csrf if user else csrf_token(request)
    response = templates.TemplateResponse(request, name, {
        "user": user, "csrf": csrf, "fields": forms, "family_names": FAMILY_NAMES,
        **context}, status_code=status)
    set_cookies(response, request, csrf=csrf)
    return response


async def _form(request: Request) -> FormData:
    form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    check_csrf(request, str(form.get("csrf") or ""))
    for name, value in form.multi_items():
        if isinstance(value, str) and (text_problem(name) or text_problem(value)):
            raise HTTPException(400, f"{name[:60]!r}: {text_problem(value) or text_problem(name)}")
    return form


def _date(field: str, text: str) -> date | None:
    """A date typed into a page (empty: none), or a 400 naming the field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"{field}: must be a date written YYYY-MM-DD, not "
                                 f"{text[:40]!r}") from None


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


# ---- sign in ------------------------------------------------------------------------------

@router.get("/login")
def login_page(request: Request, next: str = "/app/cases") -> HTMLResponse:
    return render(request, "login.html", {"next": next if next.startswith("/app") else
                                          "/app/cases", "error": None})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await _form(request)
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    target = str(form.get("next", "/app/cases"))
    settings = settings_of(request)
    policy = LoginPolicy(settings.login_max_failures_per_account,
                         settings.login_max_failures_per_client, settings.login_window_seconds)
    result = await heavy(request, lambda: sign_in(
        database(request), policy, username, password[:1024], client_address(request),
        via="web", token_name="web session", days=1, roles=WEB_ROLES))
    if result.outcome != "ok" or result.token is None:
        locked = result.outcome == "locked"
        return render(request, "login.html", {"next": target, "error": (
            "Too many failed sign-ins: this account or address is locked for "
            f"{settings.login_window_seconds // 60} minutes." if locked else
            "Wrong username or password, or this account has no access to these pages.")},
            status=429 if locked else 401)
    if result.user is not None and result.user.role == "researcher":  # aggregates only
        target = "/app/analytics"
    response = _redirect(target if target.startswith("/app") else "/app/cases")
    # a new session gets a new CSRF token, bound to it
    set_cookies(response, request, session=result.token,
                csrf=issue_csrf(request, result.token))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    token = request.cookies.get("osseous_session")
    if token:
        with database(request).session() as s:
            from osseous.registry.models import ApiToken

            row = s.scalar(select(ApiToken).where(
                ApiToken.token_hash == security.hash_token(token)))
            if row is not None and row.revoked_at is None:
                row.revoked_at = security.utcnow()
    response = _redirect("/app/login")
    clear_cookies(response)
    return response


# ---- case list ----------------------------------------------------------------------------

def _latest_assessment(s: Any, case: Case) -> dict[str, Any] | None:
    row = s.scalar(select(Assessment).where(Assessment.case_id == case.id)
                   .order_by(Assessment.id.desc()).limit(1))
    return row.document if row is not None else None


def _duties(doc: dict[str, Any]) -> dict[str, Any] | None:
    """Monitoring duties as of today; None when the stored document no longer validates."""
    try:
        return monitoring(parse_case(doc).case, date.today())
    except InvalidInput:
        return None


@router.get("/cases")
def cases(request: Request, q: str = "", primary: str = "", severity: str = "",
          status: str = "", board_date: str = "") -> HTMLResponse:
    user = current(request)
    rows = []
    with database(request).read_session() as s:
        found, _ = repo.list_cases(s, user.actor, status=status or None,
                                   board_date=_date("board_date", board_date), limit=200)
        for case in found:
            doc = repo.current_document(s, case)
            patient = s.get(Patient, case.patient_id)
            pseudonym = patient.pseudonym if patient else ""
            if q and q.lower() not in f"{case.id} {pseudonym}".lower():
                continue
            if primary and (doc.get("cancer") or {}).get("primary") != primary:
                continue
            assessment = _latest_assessment(s, case)
            alerts = sorted(assessment.get("alerts", []) if assessment else [],
                            key=lambda a: SEVERITY_RANK[a["severity"]])
            if severity and not any(a["severity"] == severity for a in alerts):
                continue
            duties = _duties(doc)
            rows.append({"case": case, "pseudonym": pseudonym,
                         "primary": (doc.get("cancer") or {}).get("primary"),
                         "alerts": alerts, "assessed": assessment is not None,
                         "overdue": None if duties is None else [
                             d for d in duties["duties"] if d["status"] == "overdue"]})
    return render(request, "cases.html", {"rows": rows, "filters": {
        "q": q, "primary": primary, "severity": severity, "status": status,
        "board_date": board_date}}, user=user)


# ---- case editor --------------------------------------------------------------------------

def _editor(request: Request, user: WebUser, values: dict[str, Any],
            errors: dict[str, str], case: Case | None, pseudonym: str = "",
            status: int = 200, message: str | None = None) -> HTMLResponse:
    # rows are drawn for the indices submitted (each bounded by forms.MAX_ROWS), never for
    # every number up to the largest one
    lesion_rows = []
    indices = forms.indices(values, "lesions")
    for i in indices:
        lesion_rows.append((i, values.get(f"lesions[{i}]._kind", "spine")))
    nxt = (max(indices) + 1) if indices else 0
    lesion_rows += [(nxt, "spine"), (nxt + 1, "bone")]
    rows = {key: forms.indices(values, key) for key in ("labs", "medications")}
    row_indices = {key: [*found, max([*found, -1]) + 1] for key, found in rows.items()}
    courses = {}
    if case is not None:
        with database(request).read_session() as s:
            stored = repo.current_document(s, case)
        courses = {les.get("id"): les.get("prior_radiotherapy") or []
                   for les in stored.get("lesions") or []}
    return render(request, "case_edit.html", {
        "values": values, "errors": errors, "case": case, "pseudonym": pseudonym,
        "courses": courses,
        "lesion_rows": lesion_rows, "row_indices": row_indices, "message": message}, status=status,
        user=user)


def _errors(problems: list[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        out.setdefault(p.path or "document", p.message)
    return out


@router.get("/cases/new")
def new_case(request: Request) -> HTMLResponse:
    user = current(request)
    return _editor(request, user, {"assessed_on": date.today().isoformat()}, {}, None)


@router.get("/cases/{case_id}/edit")
def edit_case(request: Request, case_id: str) -> HTMLResponse:
    user = current(request)
    with database(request).session() as s:
        case, doc = repo.get_case(s, user.actor, case_id)
        patient = s.get(Patient, case.patient_id)
    return _editor(request, user, forms.form_values(doc), {}, case,
                   patient.pseudonym if patient else "")


@router.post("/cases/new")
async def create_case(request: Request) -> Response:
    return await _save(request, None)


@router.post("/cases/{case_id}/edit")
async def save_case(request: Request, case_id: str) -> Response:
    return await _save(request, case_id)


async def _save(request: Request, case_id: str | None) -> Response:
    user = current(request)
    if not user.can_write:
        raise HTTPException(403, "only clinicians edit cases")
    form = await _form(request)
    pseudonym = str(form.get("pseudonym", "")).strip()
    db = database(request)
    with db.session() as s:
        base: dict[str, Any] = {}
        case = None
        if case_id is not None:
            case, base = repo.get_case(s, user.actor, case_id)
    doc, problems = forms.document_from_form(form, base)
    if case_id is None and not pseudonym:
        problems.append(Problem("pseudonym", "required: the patient's pseudonymous id"))
    try:
        parse_case(doc)
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if not doc.get("id"):
        problems.append(Problem("id", "required: a short name for the case"))
    if problems:
        return _editor(request, user, forms.raw_values(form), _errors(problems), case,
                       pseudonym, status=422,
                       message="Nothing was saved: please correct the fields marked below.")
    try:
        with db.session() as s:
            if case_id is None:
                patient = s.scalar(select(Patient).where(Patient.pseudonym == pseudonym))
                if patient is None:
                    patient = repo.create_patient(s, user.actor, pseudonym)
                saved = repo.create_case(s, user.actor, patient.id, doc)
            else:
                version = forms.version_of(form)
                saved = repo.update_document(s, user.actor, case_id, version, doc)
    except PreconditionFailed:
        return _editor(request, user, forms.raw_values(form), {}, case, pseudonym, status=409,
                       message="Someone else changed this case while you were editing. Your "
                               "entries are below; reload the case to see their changes.")
    except RegistryError as exc:
        return _editor(request, user, forms.raw_values(form), {"id": str(exc)}, case,
                       pseudonym, status=409, message=str(exc))
    return _redirect(f"/app/cases/{quote(saved.id)}")


@router.post("/import")
async def import_case(request: Request) -> Response:
    user = current(request)
    if not user.can_write:
        raise HTTPException(403, "only clinicians import cases")
    form = await _form(request)
    upload = form.get("file")
    text = str(form.get("json", "") or "")
    if upload is not None and hasattr(upload, "read"):
        text = (await upload.read()).decode("utf-8", "replace") or text
    pseudonym = str(form.get("pseudonym", "")).strip() or None
    await form.close()  # release the uploaded file
    try:  # orjson refuses NaN, lone surrogates and nesting deeper than 1024 (linear time)
        document = orjson.loads(text.encode("utf-8", "surrogatepass"))
    except orjson.JSONDecodeError as exc:
        return _editor(request, user, {}, {"document": f"not valid JSON: {exc}"}, None,
                       status=422, message="The file is not valid JSON.")
    try:
        with database(request).session() as s:
            case, _ = repo.import_case(s, user.actor, document, pseudonym)
    except InvalidInput as exc:
        return _editor(request, user, {}, _errors(exc.problems), None, status=422,
                       message="The document was not imported: "
                               + "; ".join(str(p) for p in exc.problems[:10]))
    return _redirect(f"/app/cases/{quote(case.id)}")


# ---- the assessment -----------------------------------------------------------------------

def _shown_assessment(s: Any, user: WebUser, case: Case) -> dict[str, Any]:
    """The assessment of the current version: the one stored with it (the registry assesses
    every version it stores), else - for a version stored before it did - computed now and
    shown without storing it (a page view never writes)."""
    row = s.scalar(select(Assessment).where(Assessment.case_id == case.id,
                                            Assessment.case_version == case.current_version)
                   .order_by(Assessment.id.desc()).limit(1))
    if row is not None:
        document: dict[str, Any] = row.document
        return document
    return repo.assess_document(repo.current_document(s, case), date.today())


def _view_model(doc: dict[str, Any], assessment: dict[str, Any]) -> dict[str, Any]:
    by_family: dict[str, list[dict[str, Any]]] = {f: [] for f in FAMILIES}
    for r in assessment["recommendations"]:
        by_family[r["modality"]].append(r)
    survival = [s for s in assessment["scores"] if s["score"] in (
        "tokuhashi-revised", "tomita", "bauer", "bauer-modified", "katagiri-new", "nesms",
        "chow-nrf", "teachh")]
    lesion_scores = [s for s in assessment["scores"] if s.get("lesion") and s["score"] in (
        "sins", "escc", "mirels")]
    other = [s for s in assessment["scores"] if s not in survival and s not in lesion_scores]
    return {"by_family": by_family, "survival": survival, "lesion_scores": lesion_scores,
            "other_scores": other, "estimate": (doc.get("patient") or {}).get(
                "estimated_survival_months")}


@router.get("/cases/{case_id}")
def case_view(request: Request, case_id: str) -> HTMLResponse:
    return _case_page(request, current(request), case_id)


def _case_page(request: Request, user: WebUser, case_id: str,
               form_error: dict[str, Any] | None = None) -> HTMLResponse:
    """The assessment view; ``form_error`` re-shows a refused decision form with its message
    and what the user typed."""
    with database(request).session() as s:
        case, doc = repo.get_case(s, user.actor, case_id)
        assessment = _shown_assessment(s, user, case)
        decisions = repo.decisions(s, user.actor, case_id)
        patient = s.get(Patient, case.patient_id)
    return render(request, "case.html", {
        "case": case, "doc": doc, "a": assessment, "decisions": decisions,
        "pseudonym": patient.pseudonym if patient else "", "form_error": form_error or {},
        "duties": _duties(doc),
        **_view_model(doc, assessment)}, status=422 if form_error else 200, user=user)


@router.post("/cases/{case_id}/decisions")
async def decide(request: Request, case_id: str) -> Response:
    user = current(request)
    if not user.can_write:
        raise HTTPException(403, "only clinicians record decisions")
    form = await _form(request)
    typed = {k: str(form.get(k, "")) for k in ("recommendation_id", "lesion", "decision",
                                                "reason", "specialty", "due_date")}
    problems: list[Problem] = []
    if typed["decision"] not in repo.DECISIONS:
        problems.append(Problem("decision", "choose accepted, modified or declined"))
    due = None
    if typed["due_date"]:
        try:
            due = date.fromisoformat(typed["due_date"])
        except ValueError:
            problems.append(Problem("due_date", "must be a date written YYYY-MM-DD"))
    payload = {"recommendation_id": typed["recommendation_id"],
               "lesion": typed["lesion"] or None, "decision": typed["decision"],
               "reason": typed["reason"].strip() or None,
               "specialty": typed["specialty"].strip() or None, "due_date": due}
    if not problems:
        try:
            with database(request).session() as s:
                repo.record_decision(s, user.actor, case_id, payload)
                case = s.get(Case, case_id)
                if case is not None and case.status != "follow-up":
                    repo.set_agenda(s, user.actor, case_id, case.version, status="follow-up")
        except InvalidInput as exc:
            problems = exc.problems
    if problems:
        return _case_page(request, user, case_id, {
            "key": f"{typed['recommendation_id']}-{typed['lesion'] or 'patient'}",
            "values": typed, "errors": {p.path: p.message for p in problems}})
    return _redirect(f"/app/cases/{quote(case_id)}#decisions")


@router.post("/cases/{case_id}/agenda")
async def agenda(request: Request, case_id: str) -> Response:
    user = current(request)
    form = await _form(request)
    board = str(form.get("board_date", "")) or None
    with database(request).session() as s:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"case {case_id} not found")
        repo.set_agenda(s, user.actor, case_id, case.version,
                        status=str(form.get("status", "")) or None,
                        board_date=_date("board_date", board or ""))
    return _redirect(f"/app/cases/{quote(case_id)}")


# ---- follow-up ----------------------------------------------------------------------------

@router.get("/cases/{case_id}/follow-up")
def follow_up(request: Request, case_id: str) -> HTMLResponse:
    return _follow_up_page(request, current(request), case_id)


def _follow_up_page(request: Request, user: WebUser, case_id: str,
                    refused: dict[str, Any] | None = None) -> HTMLResponse:
    """The follow-up page; ``refused`` re-shows a refused form with messages and values."""
    with database(request).session() as s:
        case, doc = repo.get_case(s, user.actor, case_id)
        assessment = _shown_assessment(s, user, case)
    parsed = parse_case(doc).case
    responses = {(r["lesion"], r.get("follow_up")): r["band"] for r in assessment["scores"]
                 if r["score"] == "pain-response"}
    chart_svgs = []
    for lesion in parsed.lesions:
        points = [{"date": p.date.isoformat(), "worst_pain": p.worst_pain,
                   "omed": p.omed_mg_per_day,
                   "response": responses.get((lesion.id, p.date.isoformat()))}
                  for p in parsed.pain_assessments or () if p.lesion == lesion.id]
        if points:
            chart_svgs.append((lesion.id, charts.pain_chart(
                lesion.id, points, radiotherapy_start(parsed, lesion.id))))
    timeline = []
    for lesion in doc.get("lesions") or []:
        for c in lesion.get("prior_radiotherapy") or []:
            timeline.append((c.get("date") or "", f"Radiotherapy {c.get('dose_gy')} Gy in "
                             f"{c.get('fractions')} to {lesion['id']}"))
        for p in lesion.get("prior_surgery") or []:
            timeline.append((p.get("date") or "", f"{p.get('procedure')} of {lesion['id']}"))
    for e in doc.get("events") or []:
        timeline.append((e.get("date") or "", f"{e['type']}" + (f" ({e['lesion']})"
                                                                if e.get("lesion") else "")))
    return render(request, "follow_up.html", {
        "case": case, "doc": doc, "charts": chart_svgs, "timeline": sorted(timeline),
        "responses": [r for r in assessment["scores"] if r["score"] == "pain-response"],
        "refused": refused or {"kind": None, "values": {}, "errors": {}}},
        status=422 if refused else 200, user=user)


def _follow_up_entry(kind: str, typed: dict[str, str]) -> tuple[dict[str, Any],
                                                                dict[str, str]]:
    """The typed values of a follow-up form as case fields, and a message per refused field."""
    errors: dict[str, str] = {}
    numbers: tuple[tuple[str, type], ...] = (
        (("worst_pain", float), ("omed_mg_per_day", float)) if kind == "pain" else
        (("dose_gy", float), ("fractions", int)))
    item: dict[str, Any] = {"date": typed["date"], "lesion": typed["lesion"]}
    for key, kind_of in numbers:
        if typed[key]:
            try:
                item[key] = kind_of(typed[key])
            except ValueError:
                errors[key] = "must be a whole number" if kind_of is int else "must be a number"
        elif kind == "radiotherapy":
            errors[key] = "required"
    if not typed["date"]:
        errors["date"] = "required"
    return item, errors


@router.post("/cases/{case_id}/follow-up")
async def add_follow_up(request: Request, case_id: str) -> Response:
    user = current(request)
    if not user.can_write:
        raise HTTPException(403, "only clinicians record follow-up")
    form = await _form(request)
    kind = "radiotherapy" if str(form.get("kind")) == "radiotherapy" else "pain"
    typed = {k: str(form.get(k, "")).strip() for k in (
        "date", "lesion", "worst_pain", "omed_mg_per_day", "dose_gy", "fractions", "technique")}
    item, errors = _follow_up_entry(kind, typed)

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        if kind == "pain":
            doc["pain_assessments"] = [*(doc.get("pain_assessments") or []), item]
            return doc
        course = {"date": item["date"], "dose_gy": item["dose_gy"],
                  "fractions": item["fractions"], "technique": typed["technique"] or None}
        for lesion in doc.get("lesions") or []:
            if lesion.get("id") == typed["lesion"]:
                lesion["prior_radiotherapy"] = [*(lesion.get("prior_radiotherapy") or []),
                                                {k: v for k, v in course.items() if v}]
        return doc

    if not errors:
        try:
            with database(request).session() as s:
                case = s.get(Case, case_id)
                if case is None:
                    raise NotFound(f"case {case_id} not found")
                repo.edit_document(s, user.actor, case_id, case.version, edit)
        except InvalidInput as exc:
            for p in exc.problems:
                errors[p.path.rsplit(".", 1)[-1]] = p.message
    if errors:
        return _follow_up_page(request, user, case_id,
                               {"kind": kind, "values": typed, "errors": errors})
    return _redirect(f"/app/cases/{quote(case_id)}/follow-up")


# ---- reports ------------------------------------------------------------------------------

@router.get("/cases/{case_id}/board.pdf")
async def board_pdf(request: Request, case_id: str) -> Response:
    html, name = await to_thread.run_sync(_board_html, request, case_id)
    pdf = await heavy(request, html_to_pdf, html)  # seconds of CPU: a few at a time
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="osseous-{name}.pdf"'})


def _board_html(request: Request, case_id: str) -> tuple[str, str]:
    user = current(request)
    with database(request).session() as s:
        case, doc = repo.get_case(s, user.actor, case_id)
        assessment = _shown_assessment(s, user, case)
        decisions = repo.decisions(s, user.actor, case_id)
        patient = s.get(Patient, case.patient_id)
    html = templates.get_template("board_summary.html").render(
        case=case, doc=doc, a=assessment, decisions=decisions, family_names=FAMILY_NAMES,
        pseudonym=patient.pseudonym if patient else "", css=(HERE / "static" / "print.css")
        .read_text(), **_view_model(doc, assessment))
    return html, case.id


@router.get("/cases/{case_id}/patient-summary")
def patient_summary(request: Request, case_id: str) -> HTMLResponse:
    user = current(request)
    with database(request).session() as s:
        case, _ = repo.get_case(s, user.actor, case_id)
        assessment = _shown_assessment(s, user, case)
    # the treatment families the summary explains, in plan order, each linked to its handout
    families = list(dict.fromkeys(r["modality"] for r in assessment["recommendations"]
                                  if r["strength"] != "not-recommended"))
    return render(request, "patient_summary.html", {
        "case": case, "summary": summarise(assessment),
        "handouts": [(f, TREATMENTS[f].title) for f in families if f in TREATMENTS]},
        user=user)


# ---- symptom triage -----------------------------------------------------------------------

#: the value of each radio button -> the answer given to the triage
TRIAGE_ANSWERS: Final[dict[str, bool | None]] = {"yes": True, "no": False, "unknown": None}


def _triage_page(request: Request, user: WebUser, values: dict[str, str],
                 result: dict[str, Any] | None, errors: dict[str, str],
                 status: int = 200) -> HTMLResponse:
    return render(request, "triage.html", {
        "questions": QUESTIONS, "values": values, "result": result, "errors": errors},
        status=status, user=user)


@router.get("/triage")
def triage_form(request: Request) -> HTMLResponse:
    return _triage_page(request, current(request), {}, None, {})


@router.post("/triage")
async def triage_result(request: Request) -> HTMLResponse:
    """Answers are yes, no or unknown (a question not asked); a question missing from the form
    counts as not asked, any other value is refused with a 400 that names the question."""
    user = current(request)
    form = await _form(request)
    values = {q: str(form.get(q, "unknown")) for q in QUESTIONS}
    errors = {q: f"the answer must be yes, no or unknown (not asked), not {v[:40]!r}"
              for q, v in values.items() if v not in TRIAGE_ANSWERS}
    if errors:
        return _triage_page(request, user, values, None, errors, status=400)
    answers = parse_answers({q: TRIAGE_ANSWERS[v] for q, v in values.items()})
    return _triage_page(request, user, values, triage(answers), {})


# ---- patient information ------------------------------------------------------------------

#: the paragraphs of a treatment or test handout, with their headings
HANDOUT_SECTIONS: Final = (
    ("what_it_is", "What it is"), ("why_offered", "Why it may be offered"),
    ("how_it_is_done", "How it is done"), ("what_to_expect", "What to expect"),
    ("common_side_effects", "Common side effects"),
    ("what_to_report", "When to contact your care team"))


def _glossary_for(texts: list[str]) -> list[tuple[str, str]]:
    """The glossary entries for the medical words used in ``texts``, alphabetically."""
    used = medical_terms(" ".join(texts), GLOSSARY)
    return [(term, GLOSSARY[term]) for term in sorted(used, key=str.lower)]


@router.get("/information")
def information(request: Request) -> HTMLResponse:
    user = current(request)
    return render(request, "information.html", {
        "treatments": TREATMENTS, "investigations": INVESTIGATIONS}, user=user)


@router.get("/information/{topic}")
def information_topic(request: Request, topic: str) -> HTMLResponse:
    user = current(request)
    if topic == "faq":
        return render(request, "information_faq.html", {
            "faq": FAQ, "words": _glossary_for([t for qa in FAQ for t in qa])}, user=user)
    if topic == "glossary":
        return render(request, "information_glossary.html", {
            "glossary": sorted(GLOSSARY.items(), key=lambda kv: kv[0].lower())}, user=user)
    text: PatientText | None = TREATMENTS.get(topic) or INVESTIGATIONS.get(topic)
    if text is None:
        raise HTTPException(404, f"no patient information on {topic[:60]!r}")
    paragraphs = [(heading, getattr(text, name)) for name, heading in HANDOUT_SECTIONS]
    return render(request, "information_topic.html", {
        "topic": topic, "text": text, "paragraphs": paragraphs,
        "kind": "treatment" if topic in TREATMENTS else "test",
        "words": _glossary_for([text.title, *(p for _, p in paragraphs)])}, user=user)


# ---- calculators --------------------------------------------------------------------------

CALCULATOR_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "sins": ("lesion:spine",), "escc": ("lesion:spine",), "mirels": ("lesion:bone",),
    "tokuhashi-revised": ("patient.karnofsky", "patient.ecog", "patient.frankel",
                          "cancer.primary", "cancer.visceral_metastases",
                          "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal"),
    "tomita": ("cancer.primary", "cancer.visceral_metastases", "cancer.bone_metastases.spinal",
               "cancer.bone_metastases.extraspinal"),
    "bauer": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
              "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal",
              "lesion:bone"),
    "bauer-modified": ("cancer.primary", "cancer.visceral_metastases",
                       "cancer.brain_metastases", "cancer.bone_metastases.spinal",
                       "cancer.bone_metastases.extraspinal"),
    "katagiri-new": ("cancer.primary", "cancer.hormone_receptor_positive",
                     "cancer.castration_resistant", "cancer.targeted_therapy",
                     "cancer.visceral_metastases", "cancer.brain_metastases",
                     "cancer.disseminated", "patient.ecog", "patient.karnofsky",
                     "cancer.prior_chemotherapy_lines", "cancer.bone_metastases.spinal",
                     "cancer.bone_metastases.extraspinal", "labs"),
    "nesms": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
              "cancer.bone_metastases.spinal", "cancer.bone_metastases.extraspinal",
              "patient.ambulatory", "labs"),
    "chow-nrf": ("cancer.primary", "cancer.visceral_metastases", "cancer.brain_metastases",
                 "patient.karnofsky", "patient.ecog"),
    "teachh": ("cancer.primary", "patient.ecog", "patient.karnofsky", "patient.age_years",
               "cancer.prior_chemotherapy_lines", "patient.hospitalizations_past_3_months",
               "cancer.visceral_sites"),
    "crcl": ("patient.age_years", "patient.sex", "patient.weight_kg", "labs"),
    "corrected-calcium": ("labs",),
    "omed": ("medications",),
}


@router.get("/calculators")
def calculators(request: Request) -> HTMLResponse:
    user = current(request)
    return render(request, "calculators.html", {
        "scores": [s for s in SCORES if s.id in CALCULATOR_FIELDS]}, user=user)


@router.api_route("/calculators/{score}", methods=["GET", "POST"])
async def calculator(request: Request, score: str, case: str = "") -> HTMLResponse:
    user = current(request)
    if score not in CALCULATOR_FIELDS:
        raise HTTPException(404, f"no calculator {score!r}")
    values: dict[str, Any] = {}
    results: list[dict[str, Any]] = []
    errors: dict[str, str] = {}
    base: dict[str, Any] = {}
    if case:
        with database(request).session() as s:
            _, base = repo.get_case(s, user.actor, case)
        values = forms.form_values(base)
    if request.method == "POST":
        form = await _form(request)
        doc, problems = forms.document_from_form(form, {})
        values = forms.raw_values(form)
        try:
            parsed = parse_case(doc)
            results = [r.to_dict() for r in BY_ID[score].compute(parsed.case)]
        except InvalidInput as exc:
            problems.extend(exc.problems)
        errors = _errors(problems)
    elif base:
        results = [r.to_dict() for r in BY_ID[score].compute(parse_case(base).case)]
    info = BY_ID[score]
    values.setdefault("lesions[0].id", "spinal lesion")
    values.setdefault("lesions[1].id", "bone lesion")
    return render(request, "calculator.html", {
        "info": info, "wanted": CALCULATOR_FIELDS[score], "values": values, "errors": errors,
        "results": results, "from_case": case}, user=user)


# ---- wiring -------------------------------------------------------------------------------

def html_error(request: Request, status: int, detail: str) -> Response:
    if status == 401:
        return _redirect(f"/app/login?next={quote(request.url.path)}")
    return render(request, "error.html", {"status": status, "detail": detail}, status=status)


def install(app: FastAPI) -> None:
    from osseous.web import analytics_pages

    app.include_router(router)
    app.include_router(analytics_pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.html_error = html_error

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        return _redirect(f"/app/login?next={quote(request.url.path)}")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/app/cases", status_code=307)

    @app.get("/app", include_in_schema=False)
    @app.get("/app/", include_in_schema=False)
    def app_root() -> RedirectResponse:
        """The address the README and the start-up line give: the case list."""
        return RedirectResponse("/app/cases", status_code=307)
