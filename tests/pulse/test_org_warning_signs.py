"""Warning signs on the people partner's organisation view: listed for every team whose
figures are shown in both rounds, grouped by sign, and never for a hidden team."""

from __future__ import annotations

import json

from heard.accounts.policy import OPERATOR
from heard.app import Heard
from heard.pulse import views
from heard.pulse.items import BUILT_IN
from tests.pulse.builders import build_org, run_round

WORKLOAD = [j for j, (_k, dimension, _t) in enumerate(BUILT_IN) if dimension == "workload"]
OPTIMISTIC = [4.8] * len(BUILT_IN)


def test_signs_are_grouped_by_kind_and_hidden_teams_raise_none(heard_app: Heard) -> None:
    # Crew is reportable in both rounds; Small (4 people) never is; Shy is hidden in the
    # first round (3 of 6 answered) and shown in the second.
    org = build_org(
        heard_app, {"Top": (None, 1), "Crew": ("Top", 10), "Small": ("Top", 4), "Shy": ("Top", 6)}
    )
    shy_quiet = {a.person_id for a in org.members["Shy"][3:]}
    predictions = {"Crew": OPTIMISTIC, "Small": OPTIMISTIC, "Shy": OPTIMISTIC}
    run_round(
        heard_app,
        org,
        "Before",
        answer=lambda a, j: 3,
        respond=lambda a: a.person_id not in shy_quiet,
        predict=predictions,
        comment=lambda a: "Release weeks are heavy.",
    )
    crew_quiet = {a.person_id for a in org.members["Crew"][7:]}
    run_round(
        heard_app,
        org,
        "After",
        answer=lambda a, j: 1 if j in WORKLOAD else 2,
        respond=lambda a: a.person_id not in crew_quiet,
        predict=predictions,
    )
    with heard_app.transaction() as s:
        data = views.org_view(s, OPERATOR)
    signs = data["warning_signs"]
    assert signs["compared_with"] == "Before"
    kinds = [sign["kind"] for sign in signs["signs"]]
    assert kinds == ["quiet_read_as_coping", "same_blind_spot", "silence_read_as_agreement"]
    for sign in signs["signs"]:
        assert [t["name"] for t in sign["teams"]] == ["Crew"]
    blind = signs["signs"][1]["teams"][0]
    assert len(blind["item_ids"]) == len(BUILT_IN)  # every rating item, twice a blind spot
    assert blind["details"][0].startswith("The leader predicted clearly better")
    # Small (always hidden) and Shy (hidden before) appear nowhere, with no figure at all.
    text = json.dumps(signs)
    assert "Small" not in text and "Shy" not in text


def test_the_org_page_lists_the_signs_with_links_to_the_team(
    heard_app: Heard, personas: object
) -> None:
    """Through the page, a people partner sees each sign with a link to the team's row."""
    from fastapi.testclient import TestClient

    from heard.web.app import create_app
    from tests.conftest import login

    with heard_app.transaction() as s:
        from heard.pulse import rounds

        for name in ("One", "Two"):
            rnd = rounds.create_round(s, OPERATOR, name=name)
            rounds.open_round(s, OPERATOR, rnd.id)
            rounds.close_round(s, OPERATOR, rnd.id, heard_app.settings)
            rounds.publish_results(s, OPERATOR, rnd.id)
    with TestClient(create_app(heard_app)) as client:
        login(client, "pat@example.com")
        page = client.get("/pulse/org")
        assert page.status_code == 200
        assert "Warning signs" in page.text
        assert "No warning signs against One" in page.text  # every team is too small here
