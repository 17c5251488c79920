"""Importing an HRIS export: every problem reported with line, field and reason; a bad file
changes nothing; a good file imported twice leaves exactly one person per employee."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.errors import ImportRejected
from heard.org.importer import import_people
from heard.store.tables.org import Person, Team


def company_csv(rows: int = 1000, bad_line: int | None = None, prefix: str = "E") -> str:
    """`rows` people in 20 teams of 4 departments; one leader per team reporting to E1."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "employee_id",
            "name",
            "email",
            "department",
            "team",
            "manager_employee_id",
            "title",
            "start_date",
            "leads_team",
        ]
    )
    for i in range(1, rows + 1):
        team = f"Team {i % 20:02d}"
        leads = team if i <= 20 else ""
        manager = "" if i == 1 else (f"{prefix}1" if i <= 20 else f"{prefix}{(i % 20) or 20}")
        email = f"person{i}@example.com"
        start = "2024-02-30" if i + 1 == bad_line else "2024-02-01"  # line = row + 1 (header)
        writer.writerow(
            [
                f"{prefix}{i}",
                f"Person {i}",
                email,
                f"Dept {i % 4}",
                team,
                manager,
                "Engineer",
                start,
                leads,
            ]
        )
    return out.getvalue()


def count_people(heard: Heard) -> int:
    with heard.transaction() as s:
        return s.scalar(select(func.count(Person.id))) or 0


def test_one_bad_row_in_a_thousand_changes_nothing_and_is_reported_precisely(
    heard_app: Heard,
) -> None:
    with pytest.raises(ImportRejected) as caught, heard_app.transaction() as s:
        import_people(s, OPERATOR, company_csv(bad_line=512))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (512, "start_date")
    assert "2024-02-30" in problem.reason
    assert count_people(heard_app) == 0


def test_fixed_file_imported_twice_leaves_exactly_a_thousand_people(heard_app: Heard) -> None:
    for attempt in range(2):
        with heard_app.transaction() as s:
            result = import_people(s, OPERATOR, company_csv())
        if attempt == 0:
            assert result.created == 1000
        else:
            assert (result.created, result.updated, result.unchanged) == (0, 0, 1000)
    assert count_people(heard_app) == 1000


def test_reimport_updates_changed_people_in_place(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        import_people(s, OPERATOR, company_csv(50))
    changed = company_csv(50).replace("Person 7,", "Person Seven,")
    with heard_app.transaction() as s:
        result = import_people(s, OPERATOR, changed)
        assert (result.created, result.updated) == (0, 1)
        assert s.scalar(select(Person.name).where(Person.employee_id == "E7")) == "Person Seven"
    assert count_people(heard_app) == 50


def test_teams_get_leaders_and_a_hierarchy_from_the_reporting_lines(session: Session) -> None:
    import_people(
        session,
        OPERATOR,
        (
            "employee_id,name,email,department,team,manager_employee_id,leads_team\n"
            "C1,Cleo,cleo@example.com,Ops,Leadership,,Leadership\n"
            "S1,Sol,sol@example.com,Support,Leadership,C1,Support\n"
            "S2,Sky,sky@example.com,Support,Support,S1,\n"
        ),
    )
    teams = {t.name: t for t in session.scalars(select(Team))}
    people = {p.employee_id: p for p in session.scalars(select(Person))}
    # A leader sits in their manager's team, so their own team hangs below it.
    assert teams["Support"].leader_id == people["S1"].id
    assert teams["Support"].parent_id == teams["Leadership"].id
    assert teams["Leadership"].parent_id is None
    assert people["S2"].manager_id == people["S1"].id
    # Sol works in Support but sits in Leadership: the team takes its leader's department.
    assert teams["Support"].department.name == "Support"


@pytest.mark.parametrize(
    ("row", "line", "field", "reason"),
    [
        ("E3,Ann,not-an-email,Ops,Ops,,,,", 4, "email", "not a valid email"),
        ("E3,,ann@example.com,Ops,Ops,,,,", 4, "name", "must not be empty"),
        ("E1,Ann,ann@example.com,Ops,Ops,,,,", 4, "employee_id", "duplicate employee id"),
        ("E3,Ann,bo@example.com,Ops,Ops,,,,", 4, "email", "duplicate email"),
        ("E3,Ann,ann@example.com,Ops,Ops,E99,,,", 4, "manager_employee_id", "unknown manager"),
        ("E3,Ann,ann@example.com,Ops,Ops,E3,,,", 4, "manager_employee_id", "cannot manage"),
        ("E3,Ann,ann@example.com,Ops,Ops,,,,Ghosts", 4, "leads_team", "no members"),
    ],
)
def test_each_kind_of_bad_row_names_line_field_and_reason(
    session: Session, row: str, line: int, field: str, reason: str
) -> None:
    text = (
        "employee_id,name,email,department,team,manager_employee_id,title,start_date,"
        "leads_team\nE1,Al,al@example.com,Ops,Ops,,,,Ops\nE2,Bo,bo@example.com,Ops,Ops,E1,,,\n"
        + row
        + "\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_people(session, OPERATOR, text)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (line, field)
    assert reason in problem.reason


def test_missing_required_column_is_reported_on_the_header_line(session: Session) -> None:
    with pytest.raises(ImportRejected) as caught:
        import_people(session, OPERATOR, "employee_id,name,email\nE1,Al,al@example.com\n")
    assert caught.value.problems[0].line == 1
    assert "department" in caught.value.problems[0].reason


def test_the_web_page_imports_the_same_file_and_lists_problems(
    api_as: object, heard_app: Heard
) -> None:
    partner: TestClient = api_as(Role.PEOPLE_PARTNER)  # type: ignore[operator]
    before = count_people(heard_app)
    bad = partner.post(
        "/org/import", files={"file": ("hris.csv", company_csv(30, 9, "H"), "text/csv")}
    )
    assert bad.status_code == 400
    assert "start_date" in bad.text and ">9<" in bad.text
    assert count_people(heard_app) == before
    good = partner.post(
        "/api/people/import", files={"file": ("hris.csv", company_csv(30, prefix="H"), "text/csv")}
    )
    assert good.status_code == 200 and good.json()["created"] == 30


def test_cli_import_exits_non_zero_and_names_the_row(
    heard_app: Heard, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from heard.cli import cli

    path = Path(str(tmp_path)) / "people.csv"
    path.write_text(company_csv(40, bad_line=17))
    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)
    result = CliRunner().invoke(cli, ["import", "people", str(path)], standalone_mode=False)
    assert isinstance(result.exception, ImportRejected)
    assert "line 17, field 'start_date'" in str(result.exception)
    path.write_text(company_csv(40))
    ok = CliRunner().invoke(cli, ["import", "people", str(path)])
    assert ok.exit_code == 0, ok.output
    assert '"created": 40' in ok.output
