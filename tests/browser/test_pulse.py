"""Members answer a pulse on a phone-sized screen, the leader predicts, the round closes,
and the leader sees the gap chart, in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.pulse import rounds
from tests.browser.conftest import browser_login
from tests.pulse.builders import build_org

pytestmark = pytest.mark.browser


def _answer_in_browser(browser: Any, live_server: str, email: str, value: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    context.set_default_timeout(10_000)
    page = context.new_page()
    browser_login(page, live_server, email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pulse").click()
    page.get_by_role("link", name="Answer now").click()
    for fieldset in page.locator("fieldset.likert").all():
        fieldset.get_by_text(value, exact=True).click()
    page.get_by_label("What gets in your way?").fill("Release weeks pile up.")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(f"{live_server}/pulse?answered=1")
    assert page.get_by_text("sealed without your name").is_visible()
    assert page.get_by_text("answered", exact=True).is_visible()
    context.close()


def test_members_answer_the_leader_predicts_and_then_sees_the_gap_chart(
    browser: Any, page: Any, live_server: str, heard_app: Heard
) -> None:
    org = build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 5)})
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name="October pulse")
        rounds.open_round(s, OPERATOR, rnd.id)
    for member, value in zip(org.members["Crew"], "23443", strict=True):
        _answer_in_browser(browser, live_server, member.email, value)

    browser_login(page, live_server, org.emails["Crew"])
    page.goto(f"{live_server}/pulse/gap")
    page.get_by_role("link", name="Predict October pulse for Crew").click()
    for field in page.locator("input[type=number]").all():
        field.fill("4.2")
    for box in page.locator("input[name=barrier]").all()[:3]:
        box.check()
    page.get_by_role("button", name="Save prediction").click()
    assert page.get_by_text("Prediction saved").is_visible()

    with heard_app.transaction() as s:
        rounds.close_round(s, OPERATOR, rnd.id, heard_app.settings)
        rounds.publish_results(s, OPERATOR, rnd.id)

    page.goto(f"{live_server}/pulse/gap")
    chart = page.locator("#gap-chart svg")
    assert chart.is_visible()
    assert chart.locator("circle").count() == 13  # the team's mean per item
    assert chart.locator("path").count() == 13  # the leader's prediction per item
    assert page.get_by_role("cell", name="+1.00").first.is_visible()  # 4.2 - 3.2
