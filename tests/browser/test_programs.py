"""In a real browser: Lee logs what he saw in two immersion sessions from his phone, Pat
runs the debrief and promotes the pattern to an experiment that Lee owns, and Lee finds it
among his commitments. Pat schedules rotations from the organisation; Lee records a ritual
as held."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.sessions import add_session, create_program
from heard.store.tables.org import Person
from tests.browser.conftest import browser_login
from tests.conftest import Personas

pytestmark = pytest.mark.browser

SEEN = [
    "The caller waited on hold for forty minutes before anyone answered.",
    "She waited on hold so long she gave up; mail me at jo@example.com, she said.",
    "He waited on hold for half an hour and hung up.",
]
PHONE = {"width": 390, "height": 844}


def _two_sessions_for_lee(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        lee = s.scalar(select(Person.id).where(Person.email == "lee@example.com"))
        program = create_program(s, OPERATOR, name="Autumn immersion", kind="immersion",
                                 strategic_priority="Cut time to resolution")
        for _ in range(2):
            add_session(s, OPERATOR, program, format_="support at peak hours", leader_id=lee)


def _log(page: Any, session_index: int, text: str) -> None:
    card = page.locator("section.programs-session").nth(session_index)
    card.get_by_label("Friction point").check()
    card.get_by_label("What did you see or hear?").fill(text)
    card.get_by_label("Touchpoint").select_option("support")
    card.get_by_label("Customer segment").select_option("consumer")
    card.get_by_label("Severity (1 minor – 4 severe)").fill("3")
    card.get_by_role("button", name="Save observation").click()
    page.get_by_text("Observation saved.").wait_for()


def test_observations_become_a_commitment_the_leader_owns(
    page: Any, live_server: str, personas: Personas, heard_app: Heard
) -> None:
    _two_sessions_for_lee(heard_app)

    # Lee, on his phone, logs three observations across his two sessions
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, personas.email(Role.LEADER))
    page.goto(f"{live_server}/programs/sessions")
    for i, text in enumerate(SEEN):
        _log(page, i % 2, text)
    page.context.clear_cookies()

    # Pat runs the debrief: one pattern across both sessions, the email already redacted
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, live_server, personas.email(Role.PEOPLE_PARTNER))
    page.goto(f"{live_server}/programs/debrief")
    pattern = page.locator("section.programs-pattern").first
    assert "2 sessions" in pattern.inner_text()
    assert "jo@example.com" not in page.content()

    pattern.get_by_text("Promote to an experiment").click()
    pattern.get_by_label("Hypothesis").fill("A callback option halves abandoned calls")
    pattern.get_by_label("Owner").select_option(label="Lee Leader · Support lead")
    pattern.get_by_label("Metric it should move").fill("abandoned calls %")
    pattern.get_by_label("Baseline").fill("18")
    pattern.get_by_label("Target").fill("9")
    pattern.get_by_label("Due date").fill("2026-12-01")
    pattern.get_by_role("button", name="Promote").click()
    page.wait_for_url(f"{live_server}/programs/commitments")
    page.context.clear_cookies()

    # Lee sees it among his commitments, marked as his
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, personas.email(Role.LEADER))
    page.goto(f"{live_server}/programs/commitments")
    mine = page.locator("article.programs-commitment.mine")
    assert mine.count() == 1
    text = mine.inner_text()
    assert "A callback option halves abandoned calls" in text
    assert "abandoned calls %" in text and "proposed" in text


def test_pat_schedules_rotations_from_the_org_and_lee_records_a_ritual(
    page: Any, live_server: str, personas: Personas, heard_app: Heard
) -> None:
    with heard_app.transaction() as s:
        lee = s.scalar(select(Person.id).where(Person.email == "lee@example.com"))
        rituals = create_program(s, OPERATOR, name="Briefings", kind="ritual",
                                 strategic_priority="Customer first")
        add_session(s, OPERATOR, rituals, format_="weekly customer briefing", leader_id=lee,
                    scheduled_on=date.today() - timedelta(days=2))

    # Pat builds the problem from the organisation, solves it and sees the assignments
    browser_login(page, live_server, personas.email(Role.PEOPLE_PARTNER))
    page.goto(f"{live_server}/programs/schedule")
    page.get_by_label("Number of weeks").fill("4")
    page.get_by_label("Visits per leader").fill("2")
    page.get_by_label("Blackout weeks for every host").fill("3")
    page.get_by_role("button", name="Build from the organisation and solve").click()
    page.get_by_text("6 sessions scheduled").wait_for()
    grid = page.locator("table.programs-grid")
    assert "Lee Leader" in grid.inner_text() and "W3" in grid.inner_text()
    assert grid.locator("tbody td").nth(2).inner_text() == ""  # week 3 is blacked out
    with page.expect_download() as download:
        page.get_by_role("button", name="Download calendar (.ics)").click()
    assert download.value.suggested_filename == "schedule.ics"
    page.get_by_role("button", name="Create 6 sessions").click()
    page.get_by_text("6 rotation sessions created").wait_for()
    page.context.clear_cookies()

    # Lee, on his phone, records the briefing he held; the overdue reminder goes away
    page.set_viewport_size(PHONE)
    browser_login(page, live_server, personas.email(Role.LEADER))
    assert "Record 1 ritual as held or skipped" in page.inner_text("main")
    page.get_by_role("link", name="Record 1 ritual as held or skipped").click()
    assert "1 ritual overdue" in page.inner_text("main")
    page.get_by_role("button", name="Held: Weekly customer briefing").click()
    page.get_by_text("Recorded.").wait_for()
    assert page.locator(".programs-overdue").count() == 0
    assert "held" in page.locator("ul.programs-recorded").inner_text()
