"""Board meeting mode: the meetings, each date's agenda (order, presenter, attendees by
specialty), stepping through its cases with decisions captured per problem, and the minutes as
PDF."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from osseous.core.errors import InvalidInput
from osseous.registry import overview
from osseous.registry.errors import NotFound
from osseous.registry.policy import Action
from osseous.report.pdf import html_to_pdf
from osseous.web.case_pages import case_page, printed_at, record_decision, view_context
from osseous.web.offload import heavy
from osseous.web.rendering import HERE, form_of, redirect, render, templates
from osseous.web.session import current, database

router = APIRouter(prefix="/app/board", include_in_schema=False)
MAX_ATTENDEES: Final = 40
#: how many cases the agenda's "Add a case" offers as the name is typed
OFFERED: Final = 200


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise HTTPException(400, f"board date: must be written YYYY-MM-DD, not {raw[:40]!r}") \
            from None


@router.get("")
def meetings(request: Request) -> HTMLResponse:
    user = current(request)
    with database(request).read_session() as s:
        found = overview.meetings(s, user.actor)
    return render(request, "board_index.html", {"meetings": found,
                                                "today": date.today().isoformat()}, user=user)


@router.get("/go")
def go(request: Request, day: str = "") -> Response:
    """The "Open the meeting of" form (a plain GET: no script needed, none allowed inline)."""
    current(request)
    return redirect(f"/app/board/{_day(day.strip()).isoformat()}")


@router.get("/{day}")
def meeting(request: Request, day: str) -> HTMLResponse:
    return _meeting_page(request, day)


def _meeting_page(request: Request, day: str, error: str = "",
                  status: int = 200) -> HTMLResponse:
    user = current(request)
    when = _day(day)
    with database(request).read_session() as s:
        found = overview.meeting(s, user.actor, when)
        # the cases a coordinator may add, offered as they type the name (most urgent first)
        waiting, _ = overview.case_list(s, user.actor, per_page=OFFERED)
    on_agenda = {e.case_id for e in found.agenda}
    offered = [r for r in waiting if r.case_id not in on_agenda]
    return render(request, "board_meeting.html", {"m": found, "error": error[:200],
                                                  "offered": offered},
                  status=status if error else 200, user=user)


def _attendees(text: str) -> list[dict[str, str]]:
    """'Name, specialty' per line (either part may be left out)."""
    out = []
    for line in text.splitlines()[:MAX_ATTENDEES]:
        if not line.strip():
            continue
        name, _, specialty = line.partition(",")
        out.append({"name": name.strip()[:80], "specialty": specialty.strip()[:80]})
    return out


@router.post("/{day}")
async def save_meeting(request: Request, day: str) -> Response:
    user = current(request, Action.MANAGE_AGENDA)
    when = _day(day)
    form = await form_of(request)
    with database(request).session() as s:
        overview.save_meeting(s, user.actor, when,
                              _attendees(str(form.get("attendees", ""))[:8000]),
                              str(form.get("chair", "")).strip()[:120] or None)
    return redirect(f"/app/board/{when.isoformat()}")


@router.post("/{day}/agenda")
async def agenda(request: Request, day: str) -> Response:
    """Add a case to the agenda, or set the order and presenters of the cases on it."""
    user = current(request, Action.MANAGE_AGENDA)
    when = _day(day)
    form = await form_of(request)
    added = str(form.get("case_id", "")).strip()[:128]
    try:
        with database(request).session() as s:
            if added:
                overview.schedule(s, user.actor, added, when,
                                  presenter=str(form.get("presenter", "")).strip()[:120])
            for key in form:
                if key.startswith("position:"):
                    raw = str(form.get(key, "")).strip()
                    if not raw.isdigit() or not 1 <= int(raw) <= 500:
                        raise InvalidInput([])
                    overview.schedule(s, user.actor, key[9:], when, position=int(raw),
                                      presenter=str(form.get(f"presenter:{key[9:]}", ""))
                                      .strip()[:120])
    except InvalidInput:
        return _meeting_page(request, day, error="Each position must be a whole number from 1.",
                             status=422)
    except NotFound:
        return _meeting_page(request, day, error=f"No case is named {added[:60]!r}: choose one "
                                                 "from the list offered as you type.",
                             status=404)
    return redirect(f"/app/board/{when.isoformat()}")


def _step(request: Request, day: str, n: int) -> tuple[date, overview.Meeting, str]:
    user = current(request)
    when = _day(day)
    with database(request).read_session() as s:
        found = overview.meeting(s, user.actor, when)
    if not 1 <= n <= len(found.agenda):
        raise HTTPException(404, f"the agenda of {when.isoformat()} has "
                                 f"{len(found.agenda)} cases")
    return when, found, found.agenda[n - 1].case_id


@router.get("/{day}/case/{n}")
def step(request: Request, day: str, n: int) -> HTMLResponse:
    """One case of the meeting, with the way to the previous and the next."""
    when, found, case_id = _step(request, day, n)
    return case_page(request, current(request), case_id, extra={
        "meeting": found, "step": n, "base": f"/app/board/{when.isoformat()}"})


@router.post("/{day}/case/{n}/decisions")
async def decide(request: Request, day: str, n: int) -> Response:
    when, found, case_id = _step(request, day, n)
    state, status = await record_decision(request, case_id)
    if status == 303:
        return redirect(f"/app/board/{when.isoformat()}/case/{n}#{state['anchor']}")
    return case_page(request, current(request), case_id, state, status, extra={
        "meeting": found, "step": n, "base": f"/app/board/{when.isoformat()}"})


@router.post("/{day}/case/{n}/discussed")
async def discussed(request: Request, day: str, n: int) -> Response:
    when, found, case_id = _step(request, day, n)
    await form_of(request)
    user = current(request, Action.MANAGE_AGENDA)
    with database(request).session() as s:
        overview.mark_discussed(s, user.actor, case_id)
    following = n + 1 if n < len(found.agenda) else None
    return redirect(f"/app/board/{when.isoformat()}/case/{following}" if following
                    else f"/app/board/{when.isoformat()}")


def _minutes(request: Request, when: date) -> tuple[overview.Meeting,
                                                      list[overview.CaseView]]:
    user = current(request)
    with database(request).read_session() as s:
        return overview.minutes(s, user.actor, when)


@router.get("/{day}/minutes.pdf")
async def minutes_pdf(request: Request, day: str) -> Response:
    when = _day(day)
    found, views = await to_thread.run_sync(_minutes, request, when)
    sections: list[dict[str, Any]] = [
        {"entry": e, **view_context(v)} for e, v in zip(found.agenda, views, strict=True)]
    html = templates.get_template("minutes.html").render(
        m=found, sections=sections, css=(HERE / "static" / "print.css").read_text(),
        printed=printed_at())
    return Response(await heavy(request, html_to_pdf, html), media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="osseous-board-{when.isoformat()}.pdf"'})
