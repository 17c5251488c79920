from __future__ import annotations

from typing import Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from heard.accounts import tokens, users
from heard.accounts.policy import Actor, Role
from heard.audit import recent_events
from heard.errors import Conflict, ValidationError
from heard.web.auth import CurrentActor, DbSession
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()


class NewUser(BaseModel):
    email: str
    name: str
    role: str
    password: str | None = None


class RoleChange(BaseModel):
    role: str


class NewToken(BaseModel):
    email: str
    name: str


def users_data(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "users": users.list_users(session, actor),
        "roles": [{"value": r.value, "label": r.label} for r in Role],
    }


@router.get("/admin/users", response_class=HTMLResponse, include_in_schema=False)
def users_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    return page(request, "admin/users.html", users_data(session, actor), actor=actor, title="Users")


@router.post("/admin/users", include_in_schema=False)
def users_create_form(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    email: str = Form(...),
    name: str = Form(...),
    role: str = Form(...),
    password: str = Form(""),
) -> Response:
    try:
        users.create_user(
            session, actor, email=email, name=name, role=role, password=password or None
        )
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = users_data(session, actor) | {"error": str(exc)}
        return page(request, "admin/users.html", data, actor=actor, status=400, title="Users")
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/role", include_in_schema=False)
def users_role_form(
    actor: CurrentActor,
    session: DbSession,
    email: str = Form(...),
    role: str = Form(...),
) -> Response:
    users.set_role(session, actor, email, role)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/api/users", tags=["admin"])
def users_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    return users_data(session, actor)


@router.post("/api/users", tags=["admin"], status_code=201)
def users_create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewUser,
) -> dict[str, Any]:
    user = users.create_user(
        session, actor, email=body.email, name=body.name, role=body.role, password=body.password
    )
    return users.user_to_dict(user)


@router.put("/api/users/{email}/role", tags=["admin"])
def users_role_api(
    actor: CurrentActor,
    session: DbSession,
    email: str,
    body: RoleChange,
) -> dict[str, Any]:
    return users.user_to_dict(users.set_role(session, actor, email, body.role))


def tokens_data(session: Session, actor: Actor) -> dict[str, Any]:
    return {"tokens": tokens.list_tokens(session, actor)}


@router.get("/admin/tokens", response_class=HTMLResponse, include_in_schema=False)
def tokens_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    return page(
        request, "admin/tokens.html", tokens_data(session, actor), actor=actor, title="API tokens"
    )


@router.post("/admin/tokens", response_class=HTMLResponse, include_in_schema=False)
def tokens_create_form(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    email: str = Form(...),
    name: str = Form(...),
) -> HTMLResponse:
    new = tokens.create_token(session, actor, email=email, name=name)
    data = tokens_data(session, actor) | {"new_secret": new.secret}
    return page(request, "admin/tokens.html", data, actor=actor, title="API tokens")


@router.post("/admin/tokens/{prefix}/revoke", include_in_schema=False)
def tokens_revoke_form(
    actor: CurrentActor,
    session: DbSession,
    prefix: str,
) -> Response:
    tokens.revoke_token(session, actor, prefix)
    return RedirectResponse("/admin/tokens", status_code=303)


@router.get("/api/tokens", tags=["admin"])
def tokens_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    return tokens_data(session, actor)


@router.post("/api/tokens", tags=["admin"], status_code=201)
def tokens_create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewToken,
) -> dict[str, Any]:
    new = tokens.create_token(session, actor, email=body.email, name=body.name)
    return {"prefix": new.prefix, "token": new.secret}


@router.delete("/api/tokens/{prefix}", tags=["admin"])
def tokens_revoke_api(
    actor: CurrentActor,
    session: DbSession,
    prefix: str,
) -> dict[str, Any]:
    tokens.revoke_token(session, actor, prefix)
    return {"prefix": prefix, "revoked": True}


def audit_data(session: Session, actor: Actor) -> dict[str, Any]:
    """The newest 200 audit events (reading them is itself audited)."""
    return {"events": recent_events(session, actor, 200)}


page_and_api(
    router,
    page_path="/admin/audit",
    api_path="/api/audit",
    template="admin/audit.html",
    title="Audit log",
    tag="admin",
    build=audit_data,
)
