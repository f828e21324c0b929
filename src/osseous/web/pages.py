"""The pages of the tumour-board application, under ``/app``."""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from urllib.parse import quote

import orjson
from anyio import to_thread
from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.triage import QUESTIONS, parse_answers, triage
from osseous.registry import overview, policy
from osseous.registry import repository as repo
from osseous.registry.errors import PreconditionFailed, RegistryError
from osseous.registry.policy import Action
from osseous.registry.signin import LoginPolicy, sign_in
from osseous.report.patient_texts import FAQ, GLOSSARY, INVESTIGATIONS, TREATMENTS, PatientText
from osseous.report.readability import medical_terms
from osseous.web import forms
from osseous.web.offload import heavy
from osseous.web.rendering import HERE, form_of, redirect, render
from osseous.web.session import (
    LoginRequired,
    WebUser,
    clear_cookies,
    client_address,
    current,
    database,
    end_session,
    issue_csrf,
    set_cookies,
    settings_of,
)

router = APIRouter(prefix="/app", include_in_schema=False)
_form = form_of
_redirect = redirect


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
    throttle = LoginPolicy(settings.login_max_failures_per_account,
                         settings.login_max_failures_per_client, settings.login_window_seconds)
    result = await heavy(request, lambda: sign_in(
        database(request), throttle, username, password[:1024], client_address(request),
        via="web", token_name="web session", days=1, roles=policy.roles(Action.SIGN_IN_TO_PAGES)))
    if result.outcome != "ok" or result.token is None:
        locked = result.outcome == "locked"
        return render(request, "login.html", {"next": target, "error": (
            "Too many failed sign-ins: this account or address is locked for "
            f"{settings.login_window_seconds // 60} minutes." if locked else
            "Wrong username or password, or this account has no access to these pages.")},
            status=429 if locked else 401)
    if not policy.allows(result.user.role if result.user else None,
                         Action.READ_PATIENT_DATA):  # aggregates only
        target = "/app/analytics"
    response = _redirect(target if target.startswith("/app") else "/app/cases")
    # a new session gets a new CSRF token, bound to it
    set_cookies(response, request, session=result.token,
                csrf=issue_csrf(request, result.token))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await _form(request)
    await to_thread.run_sync(end_session, request)  # a database write: off the event loop
    response = _redirect("/app/login")
    clear_cookies(response)
    return response


# ---- case editor --------------------------------------------------------------------------

#: the editor's lists of rows (besides the lesions), with their titles
LISTS: Final = {"labs": "Laboratory results (with units)", "medications": "Medicines",
                "pain_assessments": "Pain assessments"}

def _editor(request: Request, user: WebUser, values: dict[str, Any],
            errors: dict[str, str], case: overview.EditedCase | None, pseudonym: str = "",
            status: int = 200, message: str | None = None, add: str = "") -> HTMLResponse:
    """The editor; ``add`` draws more blank rows (a row, a lab panel, a lesion) without
    saving anything."""
    # rows are drawn for the indices submitted (each bounded by forms.MAX_ROWS), never for
    # every number up to the largest one; a row marked for removal is not drawn again
    def kept(key: str) -> list[int]:
        return [i for i in forms.indices(values, key) if not values.get(f"{key}[{i}]._remove")]

    lesion_rows = []
    indices = kept("lesions")
    for i in indices:
        lesion_rows.append((i, values.get(f"lesions[{i}]._kind", "spine")))
    nxt = (max(indices) + 1) if indices else 0
    extra = {"spine": ["spine"], "bone": ["bone"]}.get(add, ["spine", "bone"] if not indices
                                                        else [])
    lesion_rows += [(nxt + k, kind) for k, kind in enumerate(extra)]
    rows = {key: kept(key) for key in LISTS}
    row_indices = {}
    for key, found in rows.items():
        start = max([*forms.indices(values, key), -1]) + 1
        more = (len(forms.LAB_PANEL) if add == "lab-panel" and key == "labs" else
                1 if add == key or not found else 0)
        row_indices[key] = [*found, *range(start, min(start + more, forms.MAX_ROWS[key]))]
        if add == "lab-panel" and key == "labs":
            values = {**values, **{f"labs[{start + k}].analyte": a
                                   for k, a in enumerate(forms.LAB_PANEL)}}
    courses = case.courses if case is not None else {}
    return render(request, "case_edit.html", {
        "values": values, "errors": errors, "case": case, "pseudonym": pseudonym,
        "courses": courses,
        "lesion_rows": lesion_rows, "row_indices": row_indices, "message": message,
        "added": add, "max_rows": forms.MAX_ROWS,
        "lists": [(key, title, forms.ROWS[key]) for key, title in LISTS.items()]},
        status=status,
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
        case = overview.case_for_editing(s, user.actor, case_id)
    return _editor(request, user, forms.form_values(case.document), {}, case, case.pseudonym)


@router.post("/cases/new")
async def create_case(request: Request) -> Response:
    return await _save(request, None)


@router.post("/cases/{case_id}/edit")
async def save_case(request: Request, case_id: str) -> Response:
    return await _save(request, case_id)


async def _save(request: Request, case_id: str | None) -> Response:
    user = current(request, Action.WRITE_PATIENT_DATA)
    form = await _form(request)
    # reading, validating, assessing and (when refused) redrawing a form of thousands of
    # fields takes long: in a worker thread, so the event loop keeps answering everyone else
    return await to_thread.run_sync(_save_form, request, user, form, case_id)


def _save_form(request: Request, user: WebUser, form: Any, case_id: str | None) -> Response:
    pseudonym = str(form.get("pseudonym", "")).strip()
    db = database(request)
    base: dict[str, Any] = {}
    case = None
    if case_id is not None:
        with db.session() as s:
            case = overview.case_for_editing(s, user.actor, case_id)
        base = case.document
    add = str(form.get("add", ""))
    if add in (*LISTS, "lab-panel", "spine", "bone"):  # a row, not a save
        return _editor(request, user, forms.raw_values(form), {}, case, pseudonym, add=add)
    doc, problems = forms.document_from_form(form, base)
    problems += forms.future_dates(form, date.today())
    if case_id is None and (why := repo.pseudonym_problem(pseudonym)):
        problems.append(Problem("pseudonym", why))  # the API's rule
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
                saved = overview.new_case(s, user.actor, pseudonym, doc).id
            else:
                saved = overview.save_case(s, user.actor, case_id, forms.version_of(form), doc)
    except PreconditionFailed:
        return _editor(request, user, forms.raw_values(form), {}, case, pseudonym, status=409,
                       message="Someone else changed this case while you were editing. Your "
                               "entries are below; reload the case to see their changes.")
    except RegistryError as exc:
        return _editor(request, user, forms.raw_values(form), {"id": str(exc)}, case,
                       pseudonym, status=409, message=str(exc))
    return _redirect(f"/app/cases/{quote(saved)}")


@router.post("/import")
async def import_case(request: Request) -> Response:
    user = current(request, Action.WRITE_PATIENT_DATA)
    form = await _form(request)
    upload = form.get("file")
    text = str(form.get("json", "") or "")
    if upload is not None and hasattr(upload, "read"):
        text = (await upload.read()).decode("utf-8", "replace") or text
    pseudonym = str(form.get("pseudonym", "")).strip() or None
    await form.close()  # release the uploaded file
    # parsing, validating and assessing a large document: off the event loop
    return await to_thread.run_sync(_import_text, request, user, text, pseudonym)


def _import_text(request: Request, user: WebUser, text: str,
                 pseudonym: str | None) -> Response:
    try:  # orjson refuses NaN, lone surrogates and nesting deeper than 1024 (linear time)
        document = orjson.loads(text.encode("utf-8", "surrogatepass"))
    except orjson.JSONDecodeError as exc:
        return _editor(request, user, {}, {"document": f"not valid JSON: {exc}"}, None,
                       status=422, message="The file is not valid JSON.")
    try:
        with database(request).session() as s:
            imported = overview.import_case(s, user.actor, document, pseudonym)
    except InvalidInput as exc:
        return _editor(request, user, {}, _errors(exc.problems), None, status=422,
                       message="The document was not imported: "
                               + "; ".join(str(p) for p in exc.problems[:10]))
    return _redirect(f"/app/cases/{quote(imported)}")


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


# ---- wiring -------------------------------------------------------------------------------

def html_error(request: Request, status: int, detail: str) -> Response:
    if status == 401:
        return _redirect(f"/app/login?next={quote(request.url.path)}")
    return render(request, "error.html", {"status": status, "detail": detail}, status=status)


def install(app: FastAPI) -> None:
    from osseous.registry.errors import Forbidden
    from osseous.web import analytics_pages, board_pages, calculator_pages, case_pages

    app.include_router(router)
    app.include_router(case_pages.router)
    app.include_router(board_pages.router)
    app.include_router(analytics_pages.router)
    app.include_router(calculator_pages.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.html_error = html_error

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return html_error(request, 403, str(exc))

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
