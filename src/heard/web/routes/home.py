from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.web.auth import current_actor, db_session
from heard.web.home import home_data
from heard.web.render import page
from heard.web.routing import new_router

router = new_router()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home_page(
    request: Request,
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> HTMLResponse:
    return page(request, "home.html", home_data(session, actor), actor=actor, title="Home")


@router.get("/api/home", tags=["home"])
def home_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    """The signed-in user's home page as data: their role and its panels."""
    return home_data(session, actor)


@router.get("/api/me", tags=["home"])
def me(actor: Actor = Depends(current_actor)) -> dict[str, Any]:
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
