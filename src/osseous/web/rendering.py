"""Rendering the pages: the templates with the plain-words labels, the CSRF token and cookie,
and the helpers every page family shares (form with CSRF check, redirect after POST)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from osseous.report import labels
from osseous.web import forms
from osseous.web.session import WebUser, check_csrf, csrf_token, set_cookies

HERE: Final = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["labels"] = labels
templates.env.filters["plain"] = labels.plain
templates.env.filters["rule"] = labels.rule
FAMILY_NAMES: Final = labels.FAMILY


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           user: WebUser | None = None) -> HTMLResponse:
    csrf = user.csrf if user else csrf_token(request)
    response = templates.TemplateResponse(request, name, {
        "user": user, "csrf": csrf, "fields": forms, "family_names": FAMILY_NAMES,
        **context}, status_code=status)
    set_cookies(response, request, csrf=csrf)
    return response


async def form_of(request: Request) -> FormData:
    """The submitted form, after checking its CSRF token."""
    form = await request.form()
    check_csrf(request, str(form.get("csrf") or ""))
    return form


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
