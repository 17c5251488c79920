"""One-time answer links: a link answers its round once through the in-app answer path,
then says "already answered"; issuing again kills old links; an unknown link is a plain
404; the ballot carries nothing about the person and the invitations table holds nothing
that works as a link."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from heard.accounts.policy import OPERATOR, Role
from heard.app import Heard
from heard.cli import cli
from heard.errors import Conflict, ValidationError
from heard.pulse import links, rounds
from heard.store.tables.accounts import User
from heard.store.tables.audit import AuditEvent
from heard.store.tables.pulse import PulseBallot, PulseInvitation
from heard.store.wipe import delete_all_rows
from tests.conftest import PASSWORD_HASH, login
from tests.pulse.builders import Org, build_org

BASE = "https://heard.test"


@pytest.fixture
def org(heard_app: Heard) -> Org:
    return build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 5)})


def _open_round(heard_app: Heard, name: str = "Links") -> tuple[int, list[int]]:
    with heard_app.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name=name)
        rounds.open_round(s, OPERATOR, rnd.id)
        return rnd.id, [i.id for i in rounds.round_items(s, rnd.id).ratings]


def _issue(heard_app: Heard, round_id: int) -> dict[str, str]:
    """email -> link path (/pulse/a/...)"""
    with heard_app.transaction() as s:
        issued = links.issue_links(s, OPERATOR, round_id, BASE)
    return {x.email: x.url.removeprefix(BASE) for x in issued}


def _answer(client: TestClient, path: str, item_ids: list[int], value: int = 4) -> int:
    form = client.get(path)
    marker = 'name="csrf_token" value="'
    start = form.text.index(marker) + len(marker)
    nonce = form.text[start : form.text.index('"', start)]
    data = {f"item_{i}": str(value) for i in item_ids} | {"csrf_token": nonce}
    return client.post(path, data=data, follow_redirects=False).status_code


def test_a_link_answers_once_without_signing_in(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    issued = _issue(heard_app, round_id)
    member = org.members["Crew"][0]
    path = issued[member.email]

    page = client.get(path)
    assert page.status_code == 200
    assert "Send my answers" in page.text and "works once" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert _answer(client, path, item_ids) == 303

    with heard_app.transaction() as s:
        answered = s.scalar(
            select(PulseInvitation.answered).where(
                PulseInvitation.round_id == round_id, PulseInvitation.person_id == member.person_id
            )
        )
        assert answered is True
        assert s.scalar(select(func.count()).select_from(PulseBallot)) == 1
    again = client.get(path)
    assert again.status_code == 200
    assert "already been used" in again.text and "Send my answers" not in again.text

    # A second submission (e.g. a replayed form) is refused and adds no ballot.
    with heard_app.transaction() as s, pytest.raises(Conflict, match="already answered"):
        links.answer_by_link(s, path.removeprefix(links.LINK_PATH), dict.fromkeys(item_ids, 2))
    with heard_app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PulseBallot)) == 1


def test_answering_in_the_app_uses_up_the_link_and_the_app_refuses_a_link_answerer(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    issued = _issue(heard_app, round_id)
    first, second = org.members["Crew"][:2]
    with heard_app.transaction() as s:
        rounds.submit_answers(s, first, round_id, dict.fromkeys(item_ids, 3))
    assert "already been used" in client.get(issued[first.email]).text

    assert _answer(client, issued[second.email], item_ids) == 303
    with heard_app.transaction() as s, pytest.raises(Conflict, match="already answered"):
        rounds.submit_answers(s, second, round_id, dict.fromkeys(item_ids, 3))


def test_issuing_again_kills_old_links_and_unknown_links_look_the_same(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    old = _issue(heard_app, round_id)
    new = _issue(heard_app, round_id)
    member = org.members["Crew"][0].email
    assert old[member] != new[member]
    rotated = client.get(old[member])
    unknown = client.get(links.LINK_PATH + "x" * 43)
    assert rotated.status_code == unknown.status_code == 404
    assert rotated.text == unknown.text  # nothing says a link once existed
    assert client.post(old[member], data={"csrf_token": "x"}).status_code == 404
    assert _answer(client, new[member], item_ids) == 303


def test_a_closed_round_says_so_and_takes_no_answer(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    issued = _issue(heard_app, round_id)
    path = issued[org.members["Crew"][0].email]
    form = client.get(path)
    with heard_app.transaction() as s:
        rounds.close_round(s, OPERATOR, round_id, heard_app.settings)
    closed = client.get(path)
    assert closed.status_code == 200 and "round is closed" in closed.text
    start = form.text.index('name="csrf_token" value="') + len('name="csrf_token" value="')
    nonce = form.text[start : form.text.index('"', start)]
    data = {f"item_{i}": "4" for i in item_ids} | {"csrf_token": nonce}
    refused = client.post(path, data=data, follow_redirects=False)
    assert refused.status_code == 400 and "round is closed" in refused.text
    with heard_app.transaction() as s, pytest.raises(ValidationError, match="only for open"):
        links.issue_links(s, OPERATOR, round_id, BASE)


def test_a_post_without_the_forms_nonce_is_refused(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    path = _issue(heard_app, round_id)[org.members["Crew"][0].email]
    client.get(path)  # sets the nonce cookie
    data = {f"item_{i}": "4" for i in item_ids} | {"csrf_token": "forged"}
    response = client.post(path, data=data, follow_redirects=False)
    assert response.status_code == 400 and "expired" in response.text
    with heard_app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PulseBallot)) == 0


def test_the_ballot_carries_nothing_about_the_person_and_nothing_is_logged(
    heard_app: Heard, org: Org, client: TestClient
) -> None:
    round_id, item_ids = _open_round(heard_app)
    issued = _issue(heard_app, round_id)
    member = org.members["Crew"][0]
    path = issued[member.email]
    secret = path.removeprefix(links.LINK_PATH)
    with heard_app.transaction() as s:
        events_before = s.scalar(select(func.count()).select_from(AuditEvent))
    assert _answer(client, path, item_ids, value=2) == 303
    with heard_app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == events_before
        ballot = s.scalars(select(PulseBallot)).one()
        stored = {c.name: getattr(ballot, c.key) for c in PulseBallot.__table__.columns}
        assert set(stored) == {"id", "round_id", "team_id", "values", "comments"}
        assert stored["values"] == [2] * len(item_ids)
        # No person column (checked above), and no trace of the link or the person.
        for trace in (secret, links.hash_secret(secret), member.email, member.name):
            assert trace not in repr(stored)


def test_export_on_the_rounds_page_the_api_and_the_cli(
    heard_app: Heard,
    org: Org,
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    round_id, _items = _open_round(heard_app)
    with heard_app.transaction() as s:  # a people partner to sign in as
        s.add(User(email="pp@example.com", name="PP", role=Role.PEOPLE_PARTNER.value,
                   password_hash=PASSWORD_HASH))
    token = login(client, "pp@example.com")
    assert "Answer links (CSV)" in client.get("/pulse/rounds").text
    download = client.post(f"/pulse/rounds/{round_id}/links", data={"csrf_token": token})
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert list(rows[0]) == ["name", "email", "link"]
    with heard_app.transaction() as s:
        invited = s.scalar(select(func.count()).select_from(PulseInvitation))
    assert len(rows) == invited == 7  # Crew's five, Top's member and Crew's leader
    assert all(r["link"].startswith("http://testserver/pulse/a/") for r in rows)

    api = client.post(f"/api/pulse/rounds/{round_id}/links", json={"base_url": BASE + "/"},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 200
    fresh = api.json()["links"]
    assert all(x["link"].startswith(BASE + "/pulse/a/") for x in fresh)
    assert client.get(rows[0]["link"].removeprefix("http://testserver")).status_code == 404
    bad = client.post(f"/api/pulse/rounds/{round_id}/links", json={"base_url": "heard.test"},
                      headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and bad.json()["error"]["problems"][0]["field"] == "base_url"

    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(
        cli, ["pulse", "links", "Links", "--output", str(out), "--base-url", "http://h:8000"]
    )
    assert result.exit_code == 0, result.output
    cli_rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(cli_rows) == len(fresh)
    assert all(r["link"].startswith("http://h:8000/pulse/a/") for r in cli_rows)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert client.get(fresh[0]["link"].removeprefix(BASE)).status_code == 404  # rotated


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(issues=st.integers(min_value=1, max_value=3), answered=st.sets(st.integers(0, 4)))
def test_the_invitations_table_stores_no_usable_secret(
    heard_app: Heard, issues: int, answered: set[int]
) -> None:
    with heard_app.transaction() as s:
        delete_all_rows(s)
    org = build_org(heard_app, {"Top": (None, 1), "Crew": ("Top", 5)})
    round_id, item_ids = _open_round(heard_app)
    crew = org.members["Crew"]
    with heard_app.transaction() as s:
        for i in answered:
            rounds.submit_answers(s, crew[i], round_id, dict.fromkeys(item_ids, 3))
    secrets_seen: list[str] = []
    for _ in range(issues):
        issued = _issue(heard_app, round_id).values()
        secrets_seen += [p.removeprefix(links.LINK_PATH) for p in issued]
    with heard_app.transaction() as s:
        rows = s.execute(select(PulseInvitation.__table__)).mappings().all()
        dump = repr([dict(r) for r in rows])
        for secret in secrets_seen:
            assert secret not in dump
        stored = [r["link_hash"] for r in rows if r["link_hash"]]
        # Answered invitations lose their link; every other one has exactly one live link.
        assert len(stored) == len(rows) - len(answered)
        for value in stored:
            with pytest.raises(Exception, match="not valid"):
                links.link_form(s, value)  # the stored value does not open anything


def test_an_access_log_line_never_carries_a_links_secret() -> None:
    import logging

    import heard.web.routes.pulse  # noqa: F401  (installs the filter)

    secret = "kc4ThlYpirQKJaWfANGP_b1VcADRxWJn91fu_qLYesc"
    # The arguments uvicorn's access logger passes: client, method, path, version, status.
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "POST", f"/pulse/a/{secret}", "1.1", 303), None,
    )
    assert logging.getLogger("uvicorn.access").filter(record)
    assert secret not in record.getMessage() and "/pulse/a/" in record.getMessage()
