"""User accounts: create, change role, list."""

from __future__ import annotations

import re
from typing import Any, Protocol

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.passwords import MIN_LENGTH, hash_password
from heard.accounts.policy import Actor, Permission, Role, require
from heard.errors import Conflict, NotFound, Problem, ValidationError
from heard.store.tables.accounts import User
from heard.store.tables.org import Person

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise ValidationError(
            [Problem(f"unknown role {value!r}; choose one of {choices}", field="role")]
        ) from None


def user_to_dict(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "person_id": user.person_id,
        "active": user.active,
    }


def create_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str | None = None,
    person_id: int | None = None,
) -> User:
    require(actor, Permission.MANAGE_USERS)
    role = parse_role(role) if isinstance(role, str) else role
    email = email.strip().lower()
    problems = []
    if not EMAIL_RE.match(email):
        problems.append(Problem("not a valid email address", field="email"))
    if not name.strip():
        problems.append(Problem("must not be empty", field="name"))
    if password is not None and len(password) < MIN_LENGTH:
        problems.append(Problem(f"must be at least {MIN_LENGTH} characters", field="password"))
    if problems:
        raise ValidationError(problems)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise Conflict(f"a user with email {email} already exists")
    if person_id is None:
        person_id = session.scalar(select(Person.id).where(func.lower(Person.email) == email))
    user = User(
        email=email,
        name=name.strip(),
        role=role.value,
        password_hash=hash_password(password) if password else None,
        person_id=person_id,
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", user.email, role=role.value)
    return user


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user


def set_role(session: Session, actor: Actor, email: str, role: Role | str) -> User:
    require(actor, Permission.MANAGE_USERS)
    role = parse_role(role) if isinstance(role, str) else role
    user = get_user_by_email(session, email)
    previous = user.role
    user.role = role.value
    audit.record(session, actor, "user.role_change", user.email, previous=previous, new=role.value)
    return user


def set_password(session: Session, actor: Actor, email: str, password: str) -> None:
    require(actor, Permission.MANAGE_USERS)
    if len(password) < MIN_LENGTH:
        raise ValidationError(
            [Problem(f"must be at least {MIN_LENGTH} characters", field="password")]
        )
    user = get_user_by_email(session, email)
    user.password_hash = hash_password(password)
    audit.record(session, actor, "user.password_set", user.email)


def list_users(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.MANAGE_USERS)
    return [user_to_dict(u) for u in session.scalars(select(User).order_by(User.email))]


# The user columns an Actor is built from. Request-path lookups select these columns rather
# than User entities: loading an entity costs more than the query itself.
ACTOR_COLUMNS = (User.id, User.name, User.email, User.role, User.person_id, User.active)


class UserColumns(Protocol):
    id: int
    name: str
    email: str
    role: str
    person_id: int | None


def actor_for(user: UserColumns | Row[*tuple[Any, ...]], via: str) -> Actor:
    """The actor for a User, or for a row holding ACTOR_COLUMNS."""
    return Actor(
        user_id=user.id,
        name=user.name,
        email=user.email,
        role=Role(user.role),
        person_id=user.person_id,
        via=via,
    )
