"""API tokens for machine access. The secret is shown once; only its hash is stored."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.accounts.signin import hash_token
from heard.accounts.users import ACTOR_COLUMNS, actor_for, get_user_by_email
from heard.errors import NotFound
from heard.store.engine import read_rows, utcnow
from heard.store.tables.accounts import ApiToken, User

TOKEN_START = "heard_"


@dataclass(frozen=True)
class NewToken:
    id: int
    prefix: str
    secret: str  # shown to the user once, never stored


def create_token(session: Session, actor: Actor, *, email: str, name: str) -> NewToken:
    require(actor, Permission.MANAGE_TOKENS)
    user = get_user_by_email(session, email)
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(user_id=user.id, name=name, prefix=prefix, token_hash=hash_token(secret))
    session.add(token)
    session.flush()
    audit.record(session, actor, "token.create", user.email, token=prefix, name=name)
    return NewToken(token.id, prefix, secret)


def revoke_token(session: Session, actor: Actor, prefix: str) -> None:
    require(actor, Permission.MANAGE_TOKENS)
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    if token is None:
        raise NotFound(f"no token with prefix {prefix}")
    token.revoked_at = token.revoked_at or utcnow()
    audit.record(session, actor, "token.revoke", prefix)


def list_tokens(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.MANAGE_TOKENS)
    rows = session.execute(
        select(ApiToken, User.email).join(User).order_by(ApiToken.created_at.desc())
    )
    return [
        {
            "prefix": t.prefix,
            "name": t.name,
            "user": email,
            "created_at": t.created_at.isoformat(timespec="seconds"),
            "last_used_at": t.last_used_at.isoformat(timespec="seconds")
            if t.last_used_at
            else None,
            "revoked": t.revoked_at is not None,
        }
        for t, email in rows
    ]


# Every API request runs this; building the select once saves most of its cost.
_TOKEN_AND_USER = (
    select(ApiToken.id.label("token_id"), ApiToken.revoked_at, ApiToken.last_used_at,
           *ACTOR_COLUMNS)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)
_TOKEN_USED = (
    update(ApiToken)
    .where(ApiToken.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def token_actor(session: Session, secret: str) -> Actor | None:
    if not secret.startswith(TOKEN_START):
        return None
    row = read_rows(session, _TOKEN_AND_USER, {"token_hash": hash_token(secret)}).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    # Writing on every request would serialise API traffic on SQLite; minute precision is plenty.
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        session.connection().execute(_TOKEN_USED, {"token_id": row.token_id, "now": now})
    return actor_for(row, "token")
