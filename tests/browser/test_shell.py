"""A person signs in, finds their way around, is told plainly when a page is not theirs,
and signs out, in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from heard.accounts.policy import Role
from tests.browser.conftest import browser_login
from tests.conftest import Personas

pytestmark = pytest.mark.browser


def test_admin_signs_in_navigates_and_signs_out(
    page: Any, live_server: str, personas: Personas
) -> None:
    browser_login(page, live_server, personas.email(Role.ADMIN))
    assert page.get_by_role("heading", name="Welcome, Alice").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisation").click()
    page.wait_for_url(f"{live_server}/org/teams")
    assert page.get_by_role("cell", name="Platform", exact=True).is_visible()
    page.get_by_role("link", name="Users").click()
    assert page.get_by_role("heading", name="Users").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/login")
    page.goto(f"{live_server}/admin/users")
    assert "/login" in page.url


def test_member_is_told_an_admin_page_is_forbidden(
    page: Any, live_server: str, personas: Personas
) -> None:
    browser_login(page, live_server, personas.email(Role.MEMBER))
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Users").count() == 0
    response = page.goto(f"{live_server}/admin/users")
    assert response is not None and response.status == 403
    assert page.get_by_role("heading", name="You don't have access to this page").is_visible()


def test_keyboard_user_can_sign_in_without_a_mouse(
    page: Any, live_server: str, personas: Personas
) -> None:
    page.goto(f"{live_server}/login")
    page.keyboard.press("Tab")  # skip link first
    page.get_by_label("Email").focus()
    page.keyboard.type(personas.email(Role.LEADER))
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", name="Welcome, Lee").is_visible()
