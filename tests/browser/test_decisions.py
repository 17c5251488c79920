"""A leader answers the five before-you-react questions, starts an experiment on their team,
and (with rounds seeded by the test) reads the difference-in-differences result and chart,
in a real Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from heard.app import Heard
from heard.pulse import decisions
from tests.browser.conftest import browser_login
from tests.pulse.test_experiments import _world

pytestmark = pytest.mark.browser


def test_a_leader_records_a_decision_starts_an_experiment_and_sees_the_result(
    page: Any, live_server: str, heard_app: Heard
) -> None:
    world = _world(heard_app)  # five published rounds; Crew improves from R4
    browser_login(page, live_server, world.org.emails["Crew"])
    page.goto(f"{live_server}/pulse/decisions")
    page.get_by_role("link", name="Record a decision").click()

    page.get_by_label("Round whose results prompted it").select_option(label="R3")
    boxes = page.locator("input[name=item_ids]")
    boxes.nth(0).check()  # the two workload questions come first
    boxes.nth(1).check()
    page.get_by_label("What you decided, in a sentence").fill("Protected focus mornings")
    for field, question in decisions.QUESTIONS:
        page.get_by_label(question).fill(f"Our answer to {field}.")
    page.get_by_role("button", name="Save the decision").click()
    assert page.get_by_text("Decision saved with your five answers").is_visible()
    assert page.get_by_text("Our answer to reversible_test.").is_visible()

    assert page.get_by_label("First round after the change").input_value() == str(
        world.round_ids["R4"]
    )
    page.get_by_role("button", name="Start the experiment").click()
    page.wait_for_url(f"{live_server}/pulse/experiments/*")
    reading = page.locator("#did-reading")
    assert reading.inner_text().startswith("Crew improved by")
    assert "95% CI" in reading.inner_text()
    chart = page.locator("#did-chart svg")
    assert chart.is_visible()
    assert chart.locator("polyline").count() == 2  # the team and the similar teams
    assert page.get_by_text("more needed before any comment is shown").is_visible()
