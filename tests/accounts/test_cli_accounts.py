"""An operator manages users and tokens from the command line; every change is audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from heard.app import Heard
from heard.cli import cli
from heard.cli.base import run_cli
from heard.store.tables.audit import AuditEvent
from heard.web.app import create_app


@dataclass
class Outcome:
    exit_code: int
    output: str
    stderr: str


@pytest.fixture
def run(
    heard_app: Heard, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Outcome]:
    """Run `heard ARGS...` in-process, exactly as the console script does."""
    monkeypatch.setenv("HEARD_DATABASE_URL", heard_app.settings.database_url)

    def invoke(*args: str) -> Outcome:
        code = run_cli(cli, list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    return invoke


def test_operator_creates_a_user_changes_their_role_and_both_are_audited(
    run: Callable[..., Outcome], heard_app: Heard
) -> None:
    created = run(
        "users",
        "create",
        "--email",
        "nia@example.com",
        "--name",
        "Nia",
        "--role",
        "leader",
        "--password",
        "a long password",
    )
    assert created.exit_code == 0, created.output
    assert json.loads(created.output)["role"] == "leader"
    changed = run("users", "set-role", "nia@example.com", "people_partner")
    assert json.loads(changed.output)["role"] == "people_partner"
    with heard_app.transaction() as s:
        actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["user.create", "user.role_change"]


def test_unknown_role_and_duplicate_user_fail_with_a_clear_message(
    run: Callable[..., Outcome],
) -> None:
    bad = run("users", "set-role", "nobody@example.com", "wizard")
    assert bad.exit_code == 2 and "wizard" in bad.stderr
    run(
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "member",
        "--no-password",
    )
    dup = run(
        "users",
        "create",
        "--email",
        "x@example.com",
        "--name",
        "X",
        "--role",
        "member",
        "--no-password",
    )
    assert dup.exit_code == 1
    assert "already exists" in dup.stderr


def test_token_from_the_cli_opens_the_api_until_revoked(
    run: Callable[..., Outcome], heard_app: Heard
) -> None:
    run(
        "users",
        "create",
        "--email",
        "bot@example.com",
        "--name",
        "Bot",
        "--role",
        "admin",
        "--no-password",
    )
    token = json.loads(run("tokens", "create", "--email", "bot@example.com", "--name", "ci").output)
    api = TestClient(create_app(heard_app), headers={"Authorization": f"Bearer {token['token']}"})
    assert api.get("/api/me").json()["email"] == "bot@example.com"
    listed = json.loads(run("tokens", "list").output)
    assert token["token"] not in json.dumps(listed)  # secrets are never shown again
    assert run("tokens", "revoke", token["prefix"]).exit_code == 0
    assert api.get("/api/me").status_code == 401


def test_every_command_has_help(run: Callable[..., Outcome]) -> None:
    import click

    def walk(command: click.Command, path: list[str]) -> list[list[str]]:
        found = [path]
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                found += walk(sub, [*path, name])
        return found

    for path in walk(cli, []):
        result = run(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.output
