"""Who is asking, from a session cookie or a bearer token, and CSRF checks for forms."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.accounts.signin import session_actor
from heard.accounts.tokens import token_actor
from heard.app import Heard
from heard.errors import Forbidden, NotAuthenticated
from heard.web.routing import READ_METHODS

SESSION_COOKIE = "heard_session"
LOGIN_CSRF_COOKIE = "heard_login_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def get_heard(request: Request) -> Heard:
    heard: Heard = request.app.state.heard
    return heard


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed if the handler returns, rolled back if not.

    A read (GET/HEAD) opens and commits on the event loop, where its handler runs too (see
    :mod:`heard.web.routing`), saving two thread-pool hops. Any other request commits on a
    worker thread: its transaction may hold SQLite's write lock, and a read on the loop that
    writes an audit event would otherwise wait for a commit that needs the loop itself."""
    transaction = get_heard(request).transaction()
    if request.method in READ_METHODS:
        with transaction as session:
            yield session
    else:
        async with contextmanager_in_threadpool(transaction) as session:
            yield session


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value else None


async def _form_csrf(request: Request) -> str | None:
    if request.headers.get("x-csrf-token"):
        return request.headers["x-csrf-token"]
    content_type = request.headers.get("content-type", "")
    if "form" in content_type:
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def optional_actor(
    request: Request, session: Session = Depends(db_session, scope="function")
) -> Actor | None:
    token = _bearer(request)
    if token is not None:
        actor = token_actor(session, token)
        if actor is None:
            raise NotAuthenticated("the API token is unknown or revoked")
        request.state.actor = actor
        return actor
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    info = session_actor(session, cookie)
    if info is None:
        return None
    request.state.csrf_token = info.csrf_token
    request.state.actor = info.actor
    # Cookies ride along on cross-site requests; tokens do not, so only cookies need CSRF.
    if request.method in UNSAFE and not secrets.compare_digest(
        (await _form_csrf(request)) or "", info.csrf_token
    ):
        raise Forbidden("the form has expired or did not come from heard; reload and try again")
    return info.actor


async def current_actor(actor: Actor | None = Depends(optional_actor)) -> Actor:
    if actor is None:
        raise NotAuthenticated("sign in first")
    return actor


# Handler parameter types. The session is scope="function": committed before the response
# is sent, and the same session the actor dependency used.
DbSession = Annotated[Session, Depends(db_session, scope="function")]
CurrentActor = Annotated[Actor, Depends(current_actor)]
