from __future__ import annotations

from typing import TextIO

import click

from heard.accounts.policy import OPERATOR
from heard.cli.base import echo_json, transaction
from heard.org.importer import import_people


@click.group("import")
def import_group() -> None:
    """Import data from files."""


@import_group.command("people")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_people_command(file: TextIO) -> None:
    """Import an HRIS-style people CSV. All-or-nothing; safe to repeat.

    Required columns: employee_id, name, email, department, team. Optional:
    manager_employee_id, title, location, start_date (YYYY-MM-DD), leads_team.
    """
    with transaction() as session:
        result = import_people(session, OPERATOR, file.read())
    echo_json(result.to_dict())
