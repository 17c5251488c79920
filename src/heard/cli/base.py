"""What every command shares: building the app and turning errors into exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from sqlalchemy.orm import Session

from heard.app import Heard
from heard.errors import HeardError


def app() -> Heard:
    """Build the application from the environment, the same way the server does."""
    return Heard()


@contextmanager
def transaction(check_schema: bool = True) -> Iterator[Session]:
    heard = app()
    try:
        if check_schema:
            heard.check_schema()
        with heard.transaction() as session:
            yield session
    finally:
        heard.close()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


def run_cli(group: click.Group, args: list[str] | None = None) -> int:
    """Run the command; a HeardError becomes a clear message and a non-zero exit code."""
    try:
        group.main(args=args, prog_name="heard", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except HeardError as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    return 0
