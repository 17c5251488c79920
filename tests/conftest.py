"""Shared fixtures: a real database (SQLite, or PostgreSQL when HEARD_TEST_DATABASE_URL is
set), the personas (alice the admin, pat the people partner, lee the leader, mo the member,
cora the CX lead, ari the agent, eve the executive viewer) and clients that act as them."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from heard.accounts.passwords import hash_password
from heard.accounts.policy import OPERATOR, Role
from heard.accounts.tokens import create_token
from heard.app import Heard
from heard.org.importer import import_people
from heard.settings import Settings
from heard.store.tables.accounts import User
from heard.store.wipe import delete_all_rows
from heard.web.app import create_app

PASSWORD = "correct horse battery"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: argon2 is slow on purpose

# A small organisation: a leadership team over two teams, one of them too small for k=5.
ORG_CSV = """employee_id,name,email,department,team,manager_employee_id,title,leads_team
E1,Eve Executive,eve@example.com,Operations,Leadership,,CEO,Leadership
E2,Lee Leader,lee@example.com,Support,Leadership,E1,Support lead,Support
E3,Lou Leader,lou@example.com,Engineering,Leadership,E1,Engineering lead,Platform
E4,Mo Member,mo@example.com,Support,Support,E2,Agent,
E5,Ari Agent,ari@example.com,Support,Support,E2,Agent,
E6,Cora CX,cora@example.com,Support,Support,E2,CX lead,
E7,Sam Support,sam@example.com,Support,Support,E2,Agent,
E8,Pat Partner,pat@example.com,Operations,Leadership,E1,People partner,
E9,Alice Admin,alice@example.com,Operations,Leadership,E1,IT,
E10,Pia Platform,pia@example.com,Engineering,Platform,E3,Engineer,
E11,Raj Platform,raj@example.com,Engineering,Platform,E3,Engineer,
"""

PERSONA_EMAILS = {
    Role.ADMIN: "alice@example.com",
    Role.PEOPLE_PARTNER: "pat@example.com",
    Role.LEADER: "lee@example.com",
    Role.MEMBER: "mo@example.com",
    Role.CX_LEAD: "cora@example.com",
    Role.AGENT: "ari@example.com",
    Role.EXECUTIVE: "eve@example.com",
}


def _postgres_database(base_url: str) -> Iterator[str]:
    """A throwaway database per test process, so parallel runs never collide."""
    url = make_url(base_url).set(drivername="postgresql+psycopg")
    name = f"heard_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pg = os.environ.get("HEARD_TEST_DATABASE_URL")
    if pg:
        yield from _postgres_database(pg)
    else:
        path: Path = tmp_path_factory.mktemp("db") / "heard-test.db"
        yield f"sqlite:///{path}"


@pytest.fixture(scope="session")
def heard_app(database_url: str) -> Iterator[Heard]:
    heard = Heard(
        Settings.from_env(
            environ={}, database_url=database_url, login_attempts=5, login_window_seconds=300
        )
    )
    heard.upgrade()
    yield heard
    heard.close()


@pytest.fixture(autouse=True)
def _empty_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts and ends with empty tables (only for tests that use the db)."""
    yield
    if "heard_app" in request.fixturenames:
        heard: Heard = request.getfixturevalue("heard_app")
        with heard.transaction() as session:
            delete_all_rows(session)


@pytest.fixture
def session(heard_app: Heard) -> Iterator[Session]:
    with heard_app.transaction() as s:
        yield s


@dataclass
class Personas:
    users: dict[Role, User]

    def email(self, role: Role) -> str:
        return self.users[role].email


@pytest.fixture
def personas(heard_app: Heard) -> Personas:
    with heard_app.transaction() as s:
        import_people(s, OPERATOR, ORG_CSV)
    with heard_app.transaction() as s:
        from sqlalchemy import select

        from heard.store.tables.org import Person

        people = {p.email: p.id for p in s.scalars(select(Person))}
        users = {}
        for role, email in PERSONA_EMAILS.items():
            user = User(
                email=email,
                name=email.split("@")[0].title(),
                role=role.value,
                password_hash=PASSWORD_HASH,
                person_id=people[email],
            )
            s.add(user)
            users[role] = user
        # Everyone else in the org gets a passwordless account, as in a real import.
        for email, person_id in people.items():
            if email not in PERSONA_EMAILS.values():
                s.add(
                    User(
                        email=email,
                        name=email.split("@")[0].title(),
                        role=Role.LEADER.value if email == "lou@example.com" else Role.MEMBER.value,
                        person_id=person_id,
                    )
                )
    return Personas(users)


@pytest.fixture
def client(heard_app: Heard) -> Iterator[TestClient]:
    with TestClient(create_app(heard_app)) as c:
        yield c


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the real form; return the session's CSRF token."""
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "next": "/",
            "login_csrf": client.cookies.get("heard_login_csrf", ""),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/")
    marker = 'name="csrf_token" value="'
    start = home.text.index(marker) + len(marker)
    return home.text[start : home.text.index('"', start)]


@pytest.fixture
def api_as(heard_app: Heard, personas: Personas) -> Iterator[object]:
    """`api_as(Role.MEMBER)` is a TestClient that sends that persona's API token."""
    app = create_app(heard_app)
    clients: list[TestClient] = []

    def make(role: Role) -> TestClient:
        with heard_app.transaction() as s:
            token = create_token(s, OPERATOR, email=personas.email(role), name="test")
        c = TestClient(app, headers={"Authorization": f"Bearer {token.secret}"})
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
