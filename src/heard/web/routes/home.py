from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from heard.web.auth import CurrentActor, DbSession
from heard.web.home import home_data
from heard.web.render import page
from heard.web.routing import new_router

router = new_router()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    return page(request, "home.html", home_data(session, actor), actor=actor, title="Home")


@router.get("/api/home", tags=["home"])
def home_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """The signed-in user's home page as data: their role and its panels."""
    return home_data(session, actor)


@router.get("/api/me", tags=["home"])
def me(actor: CurrentActor) -> dict[str, Any]:
    return {
        "name": actor.name,
        "email": actor.email,
        "role": actor.role.value,
        "person_id": actor.person_id,
        "via": actor.via,
    }


@router.get("/api/health", tags=["home"])
def health() -> dict[str, str]:
    return {"status": "ok"}
