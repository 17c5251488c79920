"""The `heard` command line. Each area's commands live in their own module and are added
to the root group explicitly in :data:`GROUPS` / :data:`COMMANDS`."""

from __future__ import annotations

import sys

import click

from heard.cli import accounts, core, org, programs
from heard.cli import pulse as pulse_cli
from heard.cli import signals as signals_cli
from heard.cli.base import run_cli

COMMANDS: list[click.Command] = [
    core.serve,
    core.db,
    core.demo,
    core.settings_command,
    org.import_group,
    accounts.users,
    accounts.tokens,
    programs.programs,
    pulse_cli.pulse,
    signals_cli.score_command,
    signals_cli.signals_group,
    signals_cli.models_group,
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="heard")
def cli() -> None:
    """heard: leadership empathy as a measured, practised discipline.

    Settings come from HEARD_* environment variables (see `heard settings`);
    HEARD_DATABASE_URL picks the database (a SQLite file by default).
    """


for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    sys.exit(run_cli(cli))
