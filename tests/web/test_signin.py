"""Signing in and out through the real forms, CSRF, and rate limiting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from heard.accounts.policy import Role
from tests.conftest import PASSWORD, Personas, login


def test_anonymous_visitor_is_sent_to_sign_in(client: TestClient) -> None:
    response = client.get("/org/teams", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/org/teams"


def test_member_signs_in_sees_their_home_and_signs_out(
    client: TestClient, personas: Personas
) -> None:
    csrf = login(client, personas.email(Role.MEMBER))
    home = client.get("/")
    assert "Welcome, Mo" in home.text
    assert "Your pulse answers are anonymous" in home.text
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: TestClient, personas: Personas
) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": personas.email(Role.LEADER),
            "password": "nope-nope",
            "login_csrf": client.cookies["heard_login_csrf"],
        },
    )
    assert response.status_code == 401
    assert "Email or password is wrong" in response.text


def test_sixth_failed_attempt_is_rate_limited_even_with_the_right_password(
    client: TestClient, personas: Personas
) -> None:
    email = personas.email(Role.ADMIN)
    for _ in range(5):
        client.get("/login")
        client.post(
            "/login",
            data={
                "email": email,
                "password": "wrong-guess",
                "login_csrf": client.cookies["heard_login_csrf"],
            },
        )
    client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": PASSWORD,
            "login_csrf": client.cookies["heard_login_csrf"],
        },
    )
    assert response.status_code == 429


def test_form_post_without_csrf_token_is_forbidden(client: TestClient, personas: Personas) -> None:
    login(client, personas.email(Role.ADMIN))
    response = client.post("/admin/users/role", data={"email": "mo@example.com", "role": "admin"})
    assert response.status_code == 403
    users = client.get("/api/users").json()["users"]
    assert next(u for u in users if u["email"] == "mo@example.com")["role"] == "member"


def test_login_form_without_its_csrf_cookie_is_refused(
    client: TestClient, personas: Personas
) -> None:
    response = client.post(
        "/login",
        data={"email": personas.email(Role.ADMIN), "password": PASSWORD, "login_csrf": "forged"},
    )
    assert response.status_code == 400
