"""Acceptance: a 4-person team's leader sees a suppression notice and no numbers; a 6-person
team's leader sees their numbers. On the page, through the API, in the CLI report and in
the CSV export, because all four read the same aggregation function."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from heard.app import Heard
from heard.cli import cli
from heard.web.app import create_app
from tests.conftest import login
from tests.pulse.builders import Org, build_org, run_round

FIGURES = ("actual_mean", "ci_low", "ci_high", "gap", "rwg")


@pytest.fixture
def org(heard_app: Heard) -> Org:
    org = build_org(heard_app, {"Top": (None, 0), "Four": ("Top", 4), "Six": ("Top", 6)})
    run_round(
        heard_app,
        org,
        "Spring",
        answer=lambda actor, j: 1 + (actor.person_id or 0 + j) % 5,
        predict={"Four": [4.0] * 13, "Six": [4.0] * 13},
    )
    return org


def test_the_four_person_teams_leader_sees_a_notice_and_no_numbers_on_the_page(
    client: TestClient, org: Org
) -> None:
    login(client, org.emails["Four"])
    page = client.get("/pulse/gap")
    assert page.status_code == 200
    assert "Results hidden to protect anonymity" in page.text
    assert "Fewer than 5 people answered" in page.text
    assert "gap-chart" not in page.text and "95% CI" not in page.text


def test_the_six_person_teams_leader_sees_the_gap_chart_on_the_page(
    client: TestClient, org: Org
) -> None:
    login(client, org.emails["Six"])
    page = client.get("/pulse/gap")
    assert "gap-chart" in page.text and "<svg" in page.text
    assert "Results hidden" not in page.text


def test_the_api_gives_figures_to_one_leader_and_only_a_notice_to_the_other(
    heard_app: Heard, org: Org
) -> None:
    app_client = TestClient(create_app(heard_app))
    four = _api(app_client, org.emails["Four"]).get("/api/pulse/gap").json()
    assert four["gap"]["suppressed"] is True
    assert four["gap"]["notice"].startswith("Fewer than 5 people answered")
    assert four["gap"]["items"] == []
    assert all(v is None for v in four["gap"]["calibration"].values())
    six = _api(app_client, org.emails["Six"]).get("/api/pulse/gap").json()
    assert six["gap"]["suppressed"] is False
    assert len(six["gap"]["items"]) == 13
    assert all(i["actual_mean"] is not None and i["gap"] is not None for i in six["gap"]["items"])


def _api(client: TestClient, email: str) -> TestClient:
    login(client, email)
    return client


def test_the_cli_report_has_nulls_for_the_small_team_and_figures_for_the_other(
    heard_app: Heard, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)
    result = CliRunner().invoke(cli, ["pulse", "report", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    four = [r for r in records if r["team"] == "Four"]
    six = [r for r in records if r["team"] == "Six"]
    assert len(four) == len(six) == 13
    assert all(r["suppressed"] and all(r[f] is None for f in FIGURES) for r in four)
    assert all(r["respondents"] == 4 and r["predicted_mean"] == 4.0 for r in four)
    assert all(not r["suppressed"] and all(r[f] is not None for f in FIGURES) for r in six)

    as_csv = CliRunner().invoke(cli, ["pulse", "report", "--round", "Spring", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(as_csv.output)))
    # Top holds the two leaders: too small as well.
    assert {r["team"] for r in rows} == {"Top", "Four", "Six"}
    assert all(r["actual_mean"] == "" and r["gap"] == "" for r in rows if r["team"] != "Six")


def test_report_help_lists_the_rounds(
    heard_app: Heard, org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)
    result = CliRunner().invoke(cli, ["pulse", "report", "--help"])
    assert result.exit_code == 0
    assert "Rounds (id, name, status)" in result.output
    assert "Spring  [results]" in result.output


def test_the_csv_export_follows_the_same_rule_for_each_leader(client: TestClient, org: Org) -> None:
    login(client, org.emails["Four"])
    rows = list(csv.DictReader(io.StringIO(client.get("/pulse/export.csv").text)))
    assert {r["team"] for r in rows} == {"Four"}  # a leader exports only their own team
    assert all(r["suppressed"] == "True" and r["actual_mean"] == "" for r in rows)
    client.cookies.clear()
    login(client, org.emails["Six"])
    rows = list(csv.DictReader(io.StringIO(client.get("/pulse/export.csv").text)))
    assert {r["team"] for r in rows} == {"Six"}
    assert all(r["suppressed"] == "False" and r["actual_mean"] != "" for r in rows)
