"""Signing in and out: password check, rate limiting, cookie sessions with CSRF tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.passwords import verify_password
from heard.accounts.policy import Actor
from heard.accounts.users import ACTOR_COLUMNS, actor_for
from heard.errors import NotAuthenticated, RateLimited
from heard.settings import Settings
from heard.store.engine import read_rows, utcnow
from heard.store.tables.accounts import LoginFailure, User, WebSession


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    cookie_value: str
    csrf_token: str


def _check_rate_limit(session: Session, settings: Settings, email: str, address: str) -> None:
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    limits = {
        f"user:{email}": settings.login_attempts,
        f"addr:{address}": settings.login_attempts * 4,
    }
    for key, limit in limits.items():
        failures = session.scalar(
            select(func.count()).where(LoginFailure.key == key, LoginFailure.at >= since)
        )
        if (failures or 0) >= limit:
            raise RateLimited(
                "too many failed sign-ins; wait a few minutes and try again",
                retry_after=settings.login_window_seconds,
            )


def sign_in(
    session: Session, settings: Settings, email: str, password: str, address: str = "local"
) -> SignedIn:
    email = email.strip().lower()
    _check_rate_limit(session, settings, email, address)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.active:
        session.add(LoginFailure(key=f"user:{email}"))
        session.add(LoginFailure(key=f"addr:{address}"))
        audit.record(session, None, "signin.failed", email, address=address)
        raise NotAuthenticated("email or password is wrong")
    cookie_value = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(24)
    session.add(
        WebSession(
            token_hash=hash_token(cookie_value),
            user_id=user.id,
            csrf_token=csrf_token,
            expires_at=utcnow() + timedelta(hours=settings.session_hours),
        )
    )
    actor = actor_for(user, "session")
    audit.record(session, actor, "signin", user.email, address=address)
    return SignedIn(actor, cookie_value, csrf_token)


@dataclass(frozen=True)
class SessionInfo:
    actor: Actor
    csrf_token: str


# Every signed-in request runs this; building the select once saves most of its cost.
_SESSION_AND_USER = (
    select(WebSession.expires_at, WebSession.csrf_token, *ACTOR_COLUMNS)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_hash == bindparam("token_hash"))
)


def session_actor(session: Session, cookie_value: str) -> SessionInfo | None:
    row = read_rows(session, _SESSION_AND_USER, {"token_hash": hash_token(cookie_value)}).first()
    if row is None or row.expires_at < utcnow() or not row.active:
        return None
    return SessionInfo(actor_for(row, "session"), row.csrf_token)


def sign_out(session: Session, cookie_value: str, actor: Actor | None) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == hash_token(cookie_value)))
    if actor:
        audit.record(session, actor, "signout", actor.email)
