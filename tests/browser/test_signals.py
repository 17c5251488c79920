"""In a real browser: a CX lead ingests a file, filters the inbox to anger, corrects one
score in the review queue, and sees the correction on the message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from heard.accounts.policy import Role
from tests.browser.conftest import browser_login
from tests.conftest import Personas
from tests.signals.scorer_double import keyword_scorer

pytestmark = pytest.mark.browser

CSV = """id,conversation_id,text,channel,brand,at
b1,t1,"I am furious, the third time I ask!!",chat,Acme,2026-03-01T09:00:00Z
b2,t2,"unsure... I am angry maybe, mail me at jo@example.com",email,Acme,2026-03-01T09:05:00Z
b3,t3,Thanks for the quick fix,chat,Acme,2026-03-01T09:10:00Z
b4,t4,,chat,Acme,2026-03-01T09:15:00Z
"""


@pytest.fixture(autouse=True)
def _double(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with keyword_scorer(monkeypatch):
        yield


def test_ingest_filter_to_anger_correct_a_score_and_see_it(
    page: Any, live_server: str, personas: Personas, tmp_path: Path
) -> None:
    upload = tmp_path / "messages.csv"
    upload.write_text(CSV)
    browser_login(page, live_server, personas.email(Role.CX_LEAD))

    # ingest: the progress page polls until the run is done, and lists the bad row
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customer signals").click()
    signals_nav = page.get_by_role("navigation", name="Customer signals")
    signals_nav.get_by_role("link", name="Ingest").click()
    page.get_by_label("File", exact=True).set_input_files(str(upload))
    page.get_by_label("Format", exact=True).select_option("csv")
    page.get_by_role("button", name="Ingest").click()
    status = page.locator("#run-status")
    status.get_by_text("Done").wait_for()
    assert "'text' is required" in status.inner_text()

    # the inbox, filtered to anger
    signals_nav.get_by_role("link", name="Inbox").click()
    page.get_by_label("Emotion", exact=True).select_option(label="Anger / frustration")
    page.get_by_role("button", name="Filter").click()
    messages = page.get_by_role("list", name="Messages").get_by_role("listitem")
    assert messages.count() == 2
    assert "[EMAIL]" in messages.nth(1).inner_text() or "[EMAIL]" in messages.nth(0).inner_text()

    # correct the unsure one: it is sadness, not anger
    signals_nav.get_by_role("link", name="Review queue").click()
    card = page.locator("article.review", has_text="unsure")
    card.get_by_label("anger", exact=True).uncheck()
    card.get_by_label("sadness", exact=True).check()
    card.get_by_role("button", name="Save review").click()
    page.get_by_text("Saved. The message now shows your verdict.").wait_for()

    # the correction shows: gone from anger, present under sadness, marked as reviewed
    page.goto(f"{live_server}/signals?group=anger_frustration")
    assert page.get_by_role("list", name="Messages").get_by_role("listitem").count() == 1
    page.get_by_label("Emotion", exact=True).select_option(label="Sadness / disappointment")
    page.get_by_role("button", name="Filter").click()
    corrected = page.get_by_role("list", name="Messages").get_by_role("listitem")
    assert corrected.count() == 1
    text = corrected.first.inner_text()
    assert "unsure" in text and "Reviewed by a person" in text and "sadness" in text
