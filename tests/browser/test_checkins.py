"""A leader holds a barrier-focused check-in, sees the not-a-status-check reminder, writes a
private and a shared note; the private note is there again at the next check-in; the
member sees the shared note and never the private one. Also: a one-time answer link on a
phone, without signing in. In a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.pulse import links, rounds
from tests.browser.conftest import browser_login
from tests.conftest import Personas

pytestmark = pytest.mark.browser

PRIVATE = "Caring for a parent; keep Fridays light"
SHARED = "Release weeks are the hard part"


def test_a_barrier_check_in_keeps_private_notes_private(
    browser: Any, page: Any, live_server: str, personas: Personas
) -> None:
    browser_login(page, live_server, "lee@example.com")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Check-ins", exact=True).click()
    page.get_by_role("link", name="Start check-in with Mo Member").click()
    reminder = page.get_by_role("note")
    assert "this is not a status check" in reminder.inner_text()
    page.get_by_label("What is getting in your way right now?").fill("The ticket tool times out")
    page.get_by_label("Notes", exact=True).fill(SHARED)
    page.get_by_label("Agreed follow-ups").fill("Lee asks Platform about time-outs")
    page.get_by_label("Private notes").fill(PRIVATE)
    page.get_by_role("button", name="Save check-in").click()
    assert page.get_by_text("Check-in saved.").is_visible()
    assert page.get_by_text(PRIVATE).is_visible()  # the leader sees their own note

    page.get_by_role("link", name="Next check-in with Mo Member").click()
    assert page.get_by_label("Private notes").input_value() == PRIVATE  # carried over
    assert page.get_by_text(SHARED).is_visible()  # last time's shared record
    page.get_by_role("link", name="Status update").click()
    assert page.get_by_role("note").count() == 0  # no reminder on a status check-in

    page.goto(f"{live_server}/checkins")
    row = page.get_by_role("row").filter(has_text="Mo Member")
    assert "1 barrier-focused" in row.inner_text() and "0 days ago" in row.inner_text()
    assert page.get_by_text("100%").is_visible()  # one check-in, barrier-focused

    member = browser.new_context(viewport={"width": 390, "height": 844})
    member.set_default_timeout(10_000)
    mo = member.new_page()
    browser_login(mo, live_server, "mo@example.com")
    mo.get_by_role("navigation", name="Main").get_by_role("link", name="My check-ins").click()
    assert mo.get_by_text(SHARED).is_visible()
    assert mo.get_by_text("Lee asks Platform about time-outs").is_visible()
    assert PRIVATE not in mo.content()
    member.close()


def test_a_one_time_link_answers_on_a_phone_without_signing_in(
    browser: Any, live_server: str, heard_app: Heard, personas: Personas
) -> None:
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name="Link pulse")
        rounds.open_round(s, OPERATOR, rnd.id)
        issued = links.issue_links(s, OPERATOR, rnd.id, live_server)
    link = next(x.url for x in issued if x.email == "mo@example.com")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
    phone = context.new_page()
    phone.goto(link)
    for fieldset in phone.locator("fieldset.likert").all():
        fieldset.get_by_text("4", exact=True).click()
    phone.get_by_role("button", name="Send my answers").click()
    phone.wait_for_url(f"{live_server}/pulse/thanks")
    assert phone.get_by_text("sealed without your name").is_visible()
    phone.goto(link)
    assert phone.get_by_text("already been used").is_visible()
    context.close()
