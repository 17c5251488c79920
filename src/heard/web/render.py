"""Rendering. A handler builds one data dict; :func:`page` renders it as HTML, and the
matching ``/api`` route returns the same dict as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from heard.accounts.policy import Actor
from heard.web.nav import current_item, nav_for

WEB = Path(__file__).parent
templates = Jinja2Templates(directory=str(WEB / "templates"))


def page(
    request: Request,
    template: str,
    data: dict[str, Any] | None = None,
    *,
    actor: Actor | None,
    status: int = 200,
    title: str = "",
) -> HTMLResponse:
    nav = nav_for(actor)
    context = {
        "actor": actor,
        "nav": nav,
        "current_nav": current_item(nav, request.url.path),
        "path": request.url.path,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "title": title,
        **(data or {}),
    }
    return templates.TemplateResponse(request, template, context, status_code=status)
