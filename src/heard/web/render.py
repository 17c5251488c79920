"""Rendering. A handler builds one data dict; :func:`page` renders it as HTML, and the
matching ``/api`` route returns the same dict as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.web.auth import CurrentActor, DbSession
from heard.web.nav import current_item, nav_for

WEB = Path(__file__).parent
templates = Jinja2Templates(directory=str(WEB / "templates"))
# Templates ship with the package; checking each file's mtime on every render is wasted work.
templates.env.auto_reload = False


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


DataBuilder = Callable[[Session, Actor], dict[str, Any]]


def page_and_api(
    router: APIRouter,
    *,
    page_path: str,
    api_path: str,
    template: str,
    title: str,
    tag: str,
    build: DataBuilder,
) -> None:
    """Register a read-only page and its `/api` twin over one data builder: the page
    renders the dict, the API returns it. Access is checked inside `build`."""

    def page_route(
        actor: CurrentActor,
        session: DbSession,
        request: Request,
    ) -> HTMLResponse:
        return page(request, template, build(session, actor), actor=actor, title=title)

    def api_route(
        actor: CurrentActor,
        session: DbSession,
    ) -> dict[str, Any]:
        return build(session, actor)

    name = build.__name__
    router.add_api_route(
        page_path,
        page_route,
        methods=["GET"],
        response_class=HTMLResponse,
        include_in_schema=False,
        name=f"{name}_page",
    )
    router.add_api_route(
        api_path,
        api_route,
        methods=["GET"],
        tags=[tag],
        name=f"{name}_api",
        description=build.__doc__ or "",
    )
