"""Pat plans a quarter of rotations from the organisation on the schedule page: leaders and
host teams come from the org, the solver runs while she waits, and the result is a grid she
can download as SCHEDULE.json or a calendar, or turn into program sessions."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.programs.problem import parse_problem
from heard.programs.rotations import OrgOptions, problem_from_org
from heard.store.tables.programs import Program, ProgramSession
from tests.conftest import Personas, login

FORM = {"source": "org", "weeks": "4", "visits": "2", "host_capacity": "1",
        "mentors_per_host": "1", "blackout_weeks": "2", "peak_hours": "9-12",
        "start_date": "2026-03-02"}


def test_the_problem_from_the_org_has_leaders_hosts_and_mentors(
    heard_app: Heard, personas: Personas
) -> None:
    with heard_app.transaction() as s:
        problem = problem_from_org(s, OPERATOR, OrgOptions(weeks=4, visits=2,
                                                           blackout_weeks=(2,)))
    parse_problem(problem)  # the same checks as the command line
    assert {x["id"] for x in problem["leaders"]} == {"eve@example.com", "lee@example.com",
                                                     "lou@example.com"}
    assert {h["id"] for h in problem["hosts"]} == {"Leadership", "Support", "Platform"}
    assert all(h["blackout_weeks"] == [2] for h in problem["hosts"])
    leaders = {x["id"] for x in problem["leaders"]}
    # mentors are members of the host team who lead no team themselves
    assert problem["mentors"] and not leaders & {m["id"] for m in problem["mentors"]}


def test_pat_builds_solves_downloads_and_creates_sessions(
    client: TestClient, heard_app: Heard, personas: Personas
) -> None:
    token = login(client, personas.email(Role.PEOPLE_PARTNER))
    assert "Build from the organisation and solve" in client.get("/programs/schedule").text
    shown = client.post("/programs/schedule", data=FORM | {"csrf_token": token})
    assert shown.status_code == 200, shown.text
    assert "6 sessions scheduled" in shown.text  # 3 leaders x 2 visits
    assert "Lee Leader" in shown.text and "Host teams by week" in shown.text

    problem = json.loads(_field(shown.text, "problem", textarea=True))
    schedule = json.loads(_field(shown.text, "schedule"))
    _check(problem, schedule)

    ics = client.post("/programs/schedule/download",
                      data={"csrf_token": token, "schedule": json.dumps(schedule),
                            "start_date": "2026-03-02", "format": "ics"})
    assert ics.headers["content-type"].startswith("text/calendar")
    assert ics.text.count("BEGIN:VEVENT") == 6 and "DTSTART:202603" in ics.text
    file = client.post("/programs/schedule/download",
                       data={"csrf_token": token, "schedule": json.dumps(schedule)})
    assert "SCHEDULE.json" in file.headers["content-disposition"]
    assert json.loads(file.text)["assignments"] == schedule["assignments"]

    created = client.post("/programs/schedule/sessions",
                          data={"csrf_token": token, "schedule": json.dumps(schedule),
                                "start_date": "2026-03-02", "name": "Spring rotation",
                                "format": "support"}, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"].endswith("created=6")
    with heard_app.transaction() as s:
        program = s.scalars(select(Program).where(Program.name == "Spring rotation")).one()
        rows = list(s.scalars(select(ProgramSession).where(ProgramSession.program_id
                                                           == program.id)))
    assert program.kind == "rotation" and len(rows) == 6
    assert all(r.host_team_id and r.mentor_id and r.scheduled_on for r in rows)


def _check(problem: dict[str, Any], schedule: dict[str, Any]) -> None:
    """The hard rules, checked here from the problem as written."""
    leaders = {x["id"]: x for x in problem["leaders"]}
    hosts = {x["id"]: x for x in problem["hosts"]}
    mentors = {x["id"]: x for x in problem["mentors"]}
    weeks: dict[str, set[int]] = {}
    for a in schedule["assignments"]:
        assert hosts[a["host"]]["department"] != leaders[a["leader"]]["department"]
        assert a["week"] not in hosts[a["host"]]["blackout_weeks"]
        assert mentors[a["mentor"]]["host"] == a["host"]
        assert a["week"] not in weeks.setdefault(a["leader"], set())
        weeks[a["leader"]].add(a["week"])
    assert all(len(w) == 2 for w in weeks.values()) and len(weeks) == 3


def _field(html: str, name: str, textarea: bool = False) -> str:
    import html as markup

    if textarea:
        start = html.index(f'name="{name}"')
        start = html.index(">", start) + 1
        return markup.unescape(html[start: html.index("</textarea>", start)])
    marker = f'name="{name}" value="'
    start = html.index(marker) + len(marker)
    return markup.unescape(html[start: html.index('"', start)])


def test_an_impossible_plan_shows_the_constraint_that_fails(
    client: TestClient, personas: Personas
) -> None:
    token = login(client, personas.email(Role.PEOPLE_PARTNER))
    shown = client.post("/programs/schedule", data=FORM | {
        "csrf_token": token, "weeks": "2", "visits": "2", "blackout_weeks": "2"})
    assert shown.status_code == 200
    assert "No schedule exists." in shown.text and "available in only" not in shown.text
    assert "capacity" in shown.text or "weeks" in shown.text


def test_a_pasted_problem_is_solved_and_bad_input_names_the_field(
    client: TestClient, personas: Personas
) -> None:
    token = login(client, personas.email(Role.PEOPLE_PARTNER))
    problem = {"weeks": 2, "leaders": [{"id": "a", "department": "X", "visits": 1}],
               "hosts": [{"id": "h", "department": "Y", "capacity_per_week": 1}],
               "mentors": [{"id": "m", "host": "h", "capacity_per_week": 1}]}
    shown = client.post("/programs/schedule", data={"csrf_token": token, "source": "json",
                                                    "problem": json.dumps(problem)})
    assert "1 sessions scheduled" in shown.text
    uploaded = client.post("/programs/schedule", data={"csrf_token": token, "source": "json"},
                           files={"problem_file": ("p.json", json.dumps(problem),
                                                   "application/json")})
    assert "1 sessions scheduled" in uploaded.text
    bad = client.post("/programs/schedule", data={"csrf_token": token, "source": "json",
                                                  "problem": '{"weeks": 0, "leaders": []}'})
    assert bad.status_code == 400 and "problem.weeks" in bad.text and "hosts" in bad.text
    bad = client.post("/programs/schedule", data=FORM | {"csrf_token": token,
                                                         "blackout_weeks": "9"})
    assert bad.status_code == 400 and "blackout_weeks" in bad.text
    # sessions for ids that are not people in heard: refused, nothing written
    schedule = {"assignments": [{"leader": "a", "host": "h", "mentor": "m", "week": 1,
                                 "slot": {"day": "Mon", "start": "14:00", "end": "16:00"}}]}
    refused = client.post("/programs/schedule/sessions",
                          data={"csrf_token": token, "schedule": json.dumps(schedule),
                                "start_date": "2026-03-02"})
    assert refused.status_code == 400 and "no person with that email" in refused.text


def test_the_api_builds_from_the_org_and_creates_sessions(
    api_as: Any, personas: Personas
) -> None:
    pat = api_as(Role.PEOPLE_PARTNER)
    problem = pat.get("/api/programs/schedule/org", params={"weeks": 3}).json()
    result = pat.post("/api/programs/schedule", json=problem).json()
    assert result["status"] == "feasible"
    ics = pat.post("/api/programs/schedule/ics", json=result | {"start_date": "2026-03-02"})
    assert ics.text.startswith("BEGIN:VCALENDAR")
    made = pat.post("/api/programs/schedule/sessions",
                    json=result | {"start_date": "2026-03-02", "name": "API rotation"})
    assert made.json()["sessions"] == 3
    assert pat.get("/api/programs/schedule/org", params={"weeks": 99}).status_code == 400
