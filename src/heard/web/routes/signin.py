from __future__ import annotations

import secrets

from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from heard.accounts.policy import Actor
from heard.accounts.signin import sign_in, sign_out
from heard.errors import NotAuthenticated, RateLimited
from heard.web.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, DbSession, get_heard, optional_actor
from heard.web.render import page
from heard.web.routing import new_router

router = new_router()


def _safe_next(target: str) -> str:
    # Only local paths: never bounce a freshly signed-in user to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = page(
        request,
        "login.html",
        {"next": _safe_next(next), "login_csrf": token},
        actor=None,
        title="Sign in",
    )
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax")
    return response


@router.post("/login", include_in_schema=False)
def login_submit(
    session: DbSession,
    request: Request,
    email: str = Form(...),
    password: str = Form(...),
    next: str = Form("/"),
    login_csrf: str = Form(""),
) -> Response:
    heard = get_heard(request)
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    error = None
    if not cookie_token or not secrets.compare_digest(cookie_token, login_csrf):
        error, status = "The sign-in form expired. Please try again.", 400
    else:
        address = request.client.host if request.client else "unknown"
        try:
            signed = sign_in(session, heard.settings, email, password, address)
        except NotAuthenticated as exc:
            error, status = str(exc).capitalize() + ".", 401
        except RateLimited as exc:
            error, status = str(exc).capitalize() + ".", 429
    if error:
        token = secrets.token_urlsafe(24)
        response = page(
            request,
            "login.html",
            {"next": _safe_next(next), "error": error, "email": email, "login_csrf": token},
            actor=None,
            status=status,
            title="Sign in",
        )
        response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax")
        return response
    redirect = RedirectResponse(_safe_next(next), status_code=303)
    redirect.set_cookie(
        SESSION_COOKIE,
        signed.cookie_value,
        httponly=True,
        samesite="lax",
        secure=heard.settings.cookie_secure,
        max_age=heard.settings.session_hours * 3600,
    )
    redirect.delete_cookie(LOGIN_CSRF_COOKIE)
    return redirect


@router.post("/logout", include_in_schema=False)
def logout(
    session: DbSession,
    request: Request,
    actor: Actor | None = Depends(optional_actor),
) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sign_out(session, cookie, actor)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
