"""Rendering the pages: the templates with the plain-words labels, the CSRF token and cookie,
and the helpers every page family shares (form with CSRF check, redirect after POST)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Final

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from osseous.core.validation import text_problem
from osseous.report import labels
from osseous.web import forms
from osseous.web.session import WebUser, check_csrf, csrf_token, set_cookies

HERE: Final = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["labels"] = labels
templates.env.filters["plain"] = labels.plain
templates.env.filters["rule"] = labels.rule
templates.env.filters["band_of"] = lambda band, score: labels.band(score, band)
FAMILY_NAMES: Final = labels.FAMILY
#: the most fields a page form may send (the case editor at its row limits stays below it)
MAX_FORM_FIELDS: Final = 20_000


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           user: WebUser | None = None) -> HTMLResponse:
    csrf = user.csrf if user else csrf_token(request)
    response = templates.TemplateResponse(request, name, {
        "user": user, "csrf": csrf, "fields": forms, "family_names": FAMILY_NAMES,
        **context}, status_code=status)
    set_cookies(response, request, csrf=csrf)
    return response


async def form_of(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token; bounded in size, and text that no
    field may hold (NUL, lone surrogates) is a 400 naming the field."""
    form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    check_csrf(request, str(form.get("csrf") or ""))
    for name, value in form.multi_items():
        if isinstance(value, str) and (text_problem(name) or text_problem(value)):
            raise HTTPException(400, f"{name[:60]!r}: {text_problem(value) or text_problem(name)}")
    return form


def date_param(field: str, text: str) -> date | None:
    """A date typed into a page (empty: none), or a 400 naming the field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HTTPException(400, f"{field}: must be a date written YYYY-MM-DD, not "
                                 f"{text[:40]!r}") from None


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
