"""The pages of one case and the case list: the work queue, the case page a board projects
(header, problems in urgency order with the board's decision on each), decisions, follow-up,
the board PDF and the patient summary. Every read and write goes through the registry's
service functions (:mod:`osseous.registry.overview`), which check the role and audit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Final
from urllib.parse import quote

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from osseous.core.case import Primary
from osseous.core.errors import InvalidInput, Problem
from osseous.core.validation import parse_case
from osseous.plan.monitoring import monitoring
from osseous.registry import overview
from osseous.registry import repository as repo
from osseous.registry.policy import Action
from osseous.report import board_view
from osseous.report.patient_summary import summarise
from osseous.report.patient_texts import TREATMENTS
from osseous.report.pdf import html_to_pdf
from osseous.scores.pain import radiotherapy_start
from osseous.web import charts
from osseous.web.offload import heavy
from osseous.web.rendering import HERE, date_param, form_of, redirect, render, templates
from osseous.web.session import WebUser, current, database

router = APIRouter(prefix="/app", include_in_schema=False)
PER_PAGE: Final = 50
SEVERITIES: Final = ("critical", "warning", "info")
PRIMARIES: Final = Primary.__args__  # type: ignore[attr-defined]


def _choice_param(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw and raw not in allowed:
        raise HTTPException(400, f"{name}: must be one of {', '.join(allowed)}")
    return raw


# ---- the case list: a work queue ----------------------------------------------------------

@router.get("/cases")
def cases(request: Request, q: str = "", primary: str = "", severity: str = "",
          status: str = "", board_date: str = "", sort: str = "urgency",
          page: str = "1") -> HTMLResponse:
    user = current(request)
    when = date_param("board_date", board_date)
    _choice_param("severity", severity, SEVERITIES)
    _choice_param("status", status, repo.STATUSES)
    _choice_param("sort", sort, overview.SORTS)
    _choice_param("primary", primary, PRIMARIES)
    if not page.isdigit() or not 1 <= int(page) <= 100_000:
        raise HTTPException(400, "page: must be a whole number from 1")
    with database(request).read_session() as s:
        rows, total = overview.case_list(s, user.actor, q=q[:100], primary=primary,
                                         severity=severity, status=status, board_date=when,
                                         sort=sort, page=int(page), per_page=PER_PAGE)
    filters = {"q": q, "primary": primary, "severity": severity, "status": status,
               "board_date": board_date, "sort": sort}
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    return render(request, "cases.html", {
        "rows": rows, "total": total, "page": int(page), "pages": pages, "filters": filters,
        "primaries": PRIMARIES, "statuses": repo.STATUSES,
        "query": "&".join(f"{k}={quote(v)}" for k, v in filters.items() if v)}, user=user)


# ---- the case page -------------------------------------------------------------------------

def view_context(view: overview.CaseView) -> dict[str, Any]:
    doc, a = view.document, view.assessment
    try:
        duties: dict[str, Any] | None = monitoring(parse_case(doc).case, date.today())
    except InvalidInput:
        duties = None
    return {
        "case": view.case, "doc": doc, "a": a, "pseudonym": view.pseudonym,
        "decisions": view.decisions, "stored": view.stored,
        "head": board_view.header(doc, a), "lesions": board_view.lesion_rows(doc, a),
        "labs": board_view.latest_labs(doc, a),
        "problems": board_view.problems(a, view.decisions), "duties": duties,
        "survival": [s for s in a["scores"] if s["score"] in board_view.SURVIVAL_SCORES],
        "anchor": problem_anchor,
    }


def case_page(request: Request, user: WebUser, case_id: str,
              form_state: dict[str, Any] | None = None, status: int = 200,
              template: str = "case.html", extra: dict[str, Any] | None = None) -> HTMLResponse:
    """The case page; ``form_state`` re-shows a refused or questioned decision form with what
    the user typed, its messages and (for a contradiction) the earlier decision."""
    with database(request).read_session() as s:
        view = overview.case_view(s, user.actor, case_id)
    return render(request, template, {**view_context(view), "form": form_state or {},
                                      **(extra or {})}, status=status, user=user)


@router.get("/cases/{case_id}")
def case(request: Request, case_id: str) -> HTMLResponse:
    return case_page(request, current(request), case_id)


def problem_anchor(problem: str | None) -> str:
    """The id of a problem's place on the case page (``problems`` when it has none)."""
    if not problem:
        return "problems"
    return "problem-" + "".join(c if c.isalnum() or c in "-_" else "-" for c in problem)


DECISION_FIELDS: Final = ("recommendation_id", "lesion", "problem", "decision", "reason",
                          "specialty", "owner", "due_date", "confirm", "back")


def decision_payload(typed: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    """The decision a form describes, and a problem per refused field."""
    problems: list[Problem] = []
    if typed["decision"] not in repo.DECISIONS:
        problems.append(Problem("decision", "choose accepted, modified or declined"))
    due = None
    if typed["due_date"]:
        try:
            due = date.fromisoformat(typed["due_date"])
        except ValueError:
            problems.append(Problem("due_date", "must be a date written YYYY-MM-DD"))
    if typed["decision"] in ("modified", "declined") and not typed["reason"].strip():
        problems.append(Problem("reason", f"required when the board {typed['decision']} the "
                                          "option: say why"))
    return {"recommendation_id": typed["recommendation_id"], "lesion": typed["lesion"] or None,
            "problem": typed["problem"] or None, "decision": typed["decision"],
            "reason": typed["reason"].strip()[:2000] or None,
            "specialty": typed["specialty"].strip()[:64] or None,
            "owner": typed["owner"].strip()[:128] or None, "due_date": due}, problems


async def record_decision(request: Request, case_id: str) -> tuple[dict[str, Any],
                                                                     int]:
    """Record a decision from the submitted form: ({"anchor": the problem's place on the
    page}, 303) when recorded, else the form state to show again and its status (422
    refused, 409 contradicts an earlier decision)."""
    user = current(request, Action.WRITE_PATIENT_DATA)
    form = await form_of(request)
    typed = {k: str(form.get(k, ""))[:2000] for k in DECISION_FIELDS}
    payload, problems = decision_payload(typed)
    key = f"{typed['recommendation_id']}|{typed['lesion']}"
    if not problems:
        try:
            with database(request).session() as s:
                row = overview.decide(s, user.actor, case_id, payload,
                                      confirmed=typed["confirm"] == "yes")
                # back to the problem just decided, not to the top of the list
                return {"anchor": problem_anchor(row.problem)}, 303
        except overview.Contradiction as exc:
            e = exc.earlier
            return {"key": key, "values": typed, "errors": {}, "earlier": {
                "decision": e.decision, "on": e.decided_on, "by": e.decided_by,
                "reason": e.reason}}, 409
        except InvalidInput as exc:
            problems = exc.problems
    return {"key": key, "values": typed,
            "errors": {p.path or "decision": p.message for p in problems}}, 422


@router.post("/cases/{case_id}/decisions")
async def decide(request: Request, case_id: str) -> Response:
    state, status = await record_decision(request, case_id)
    if status == 303:
        return redirect(f"/app/cases/{quote(case_id)}#{state['anchor']}")
    return case_page(request, current(request), case_id, state, status)


@router.post("/cases/{case_id}/agenda")
async def agenda(request: Request, case_id: str) -> Response:
    user = current(request)
    form = await form_of(request)
    board = date_param("board_date", str(form.get("board_date", "")))
    status = _choice_param("status", str(form.get("status", "")), repo.STATUSES)
    with database(request).session() as s:
        overview.update_agenda(s, user.actor, case_id, status=status or None,
                               board_date=board)
    return redirect(f"/app/cases/{quote(case_id)}")


# ---- follow-up -----------------------------------------------------------------------------

def _follow_up_page(request: Request, user: WebUser, case_id: str,
                    refused: dict[str, Any] | None = None) -> HTMLResponse:
    """The follow-up page; ``refused`` re-shows a refused form with messages and values."""
    with database(request).read_session() as s:
        view = overview.case_view(s, user.actor, case_id)
    doc, assessment = view.document, view.assessment
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
    timeline: list[tuple[str, str]] = []
    for lesion in doc.get("lesions") or []:
        for c in lesion.get("prior_radiotherapy") or []:
            timeline.append((c.get("date") or "", f"Radiotherapy {c.get('dose_gy')} Gy in "
                             f"{c.get('fractions')} fractions to {lesion['id']}"))
        for p in lesion.get("prior_surgery") or []:
            timeline.append((p.get("date") or "", f"{p.get('procedure')} of {lesion['id']}"))
    for p in doc.get("pain_assessments") or []:
        omed = (f", {p['omed_mg_per_day']:g} mg/day oral morphine equivalent"
                if p.get("omed_mg_per_day") is not None else "")
        pain = f"worst pain {p['worst_pain']:g}/10" if p.get("worst_pain") is not None else \
            "pain not scored"
        where = f"of {p['lesion']}" if p.get("lesion") else "(no lesion named)"
        timeline.append((p.get("date") or "", f"Pain assessment {where}: {pain}{omed}"))
    for e in doc.get("events") or []:
        timeline.append((e.get("date") or "", e["type"].replace("-", " ").capitalize()
                         + (f" ({e['lesion']})" if e.get("lesion") else "")))
    return render(request, "follow_up.html", {
        "case": view.case, "doc": doc, "charts": chart_svgs, "today": date.today().isoformat(),
        "timeline": sorted(timeline, key=lambda t: t[0] or "9999"),
        "pain_rows": list(enumerate(doc.get("pain_assessments") or [])),
        "responses": [r for r in assessment["scores"] if r["score"] == "pain-response"],
        "refused": refused or {"kind": None, "values": {}, "errors": {}}},
        status=422 if refused else 200, user=user)


@router.get("/cases/{case_id}/follow-up")
def follow_up(request: Request, case_id: str) -> HTMLResponse:
    return _follow_up_page(request, current(request), case_id)


def follow_up_entry(kind: str, typed: dict[str, str],
                    today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed values of a follow-up form as case fields, and a message per refused field.
    A pain assessment or a course cannot be dated after today."""
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
    else:
        try:
            if date.fromisoformat(typed["date"]) > today:
                errors["date"] = (f"cannot be after today ({today.isoformat()}): record it "
                                  "once it has happened")
        except ValueError:
            errors["date"] = "must be a date written YYYY-MM-DD"
    return item, errors


def _edit(request: Request, user: WebUser, case_id: str, edit: Any) -> None:
    with database(request).session() as s:
        overview.edit_case(s, user.actor, case_id, edit)


@router.post("/cases/{case_id}/follow-up")
async def add_follow_up(request: Request, case_id: str) -> Response:
    user = current(request, Action.WRITE_PATIENT_DATA)
    form = await form_of(request)
    kind = "radiotherapy" if str(form.get("kind")) == "radiotherapy" else "pain"
    typed = {k: str(form.get(k, "")).strip()[:200] for k in (
        "date", "lesion", "worst_pain", "omed_mg_per_day", "dose_gy", "fractions", "technique",
        "replace")}
    item, errors = follow_up_entry(kind, typed, date.today())

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        if kind == "pain":
            rows = list(doc.get("pain_assessments") or [])
            at = int(typed["replace"]) if typed["replace"].isdigit() else None
            if at is not None and at < len(rows):
                rows[at] = item  # an edit of a recorded assessment
            else:
                rows.append(item)
            doc["pain_assessments"] = rows
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
            _edit(request, user, case_id, edit)
        except InvalidInput as exc:
            for p in exc.problems:
                errors[p.path.rsplit(".", 1)[-1]] = p.message
    if errors:
        return _follow_up_page(request, user, case_id,
                               {"kind": kind, "values": typed, "errors": errors})
    return redirect(f"/app/cases/{quote(case_id)}/follow-up")


@router.post("/cases/{case_id}/follow-up/pain/{index}/delete")
async def delete_pain(request: Request, case_id: str, index: int) -> Response:
    user = current(request, Action.WRITE_PATIENT_DATA)
    await form_of(request)

    def edit(doc: dict[str, Any]) -> dict[str, Any]:
        rows = list(doc.get("pain_assessments") or [])
        if not 0 <= index < len(rows):
            raise InvalidInput([Problem("pain_assessments", f"no pain assessment {index}")])
        del rows[index]
        doc["pain_assessments"] = rows
        return doc

    try:
        _edit(request, user, case_id, edit)
    except InvalidInput as exc:
        raise HTTPException(404, exc.problems[0].message) from None
    return redirect(f"/app/cases/{quote(case_id)}/follow-up")


# ---- reports -------------------------------------------------------------------------------

def printed_at() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def board_html(view: overview.CaseView, *, standalone: bool = True) -> str:
    """The board summary of one case as HTML for WeasyPrint (also a section of the minutes)."""
    return templates.get_template("board_summary.html").render(
        **view_context(view), css=(HERE / "static" / "print.css").read_text(),
        printed=printed_at(), standalone=standalone)


def _case_view(request: Request, case_id: str) -> overview.CaseView:
    user = current(request)
    with database(request).read_session() as s:
        return overview.case_view(s, user.actor, case_id)


@router.get("/cases/{case_id}/board.pdf")
async def board_pdf(request: Request, case_id: str) -> Response:
    view = await to_thread.run_sync(_case_view, request, case_id)
    pdf = await heavy(request, html_to_pdf, board_html(view))  # seconds of CPU: a few at once
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="osseous-{view.case.id}.pdf"'})


@router.get("/cases/{case_id}/patient-summary")
def patient_summary(request: Request, case_id: str) -> HTMLResponse:
    user = current(request)
    with database(request).read_session() as s:
        view = overview.case_view(s, user.actor, case_id)
    summary = summarise(view.assessment, view.decisions)
    shown = {i.heading for i in [*summary["planned"], *summary["items"]]}
    families = list(dict.fromkeys(r["modality"] for r in view.assessment["recommendations"]
                                  if r["title"] in shown))
    return render(request, "patient_summary.html", {
        "case": view.case, "summary": summary,
        "handouts": [(f, TREATMENTS[f].title) for f in families if f in TREATMENTS]},
        user=user)
