"""The `heard` command line. Each area's commands live in their own module and are listed
for the root group in :data:`COMMANDS`, by name and import path.

A command's module is imported only when that command runs (or help lists it): the pulse
and programs modules pull in scipy and OR-Tools, about a second of start-up that
`heard score` or `heard serve` should not pay."""

from __future__ import annotations

import importlib
import sys

import click

from heard.cli.base import run_cli

COMMANDS: dict[str, str] = {
    "serve": "heard.cli.core:serve",
    "db": "heard.cli.core:db",
    "demo": "heard.cli.core:demo",
    "settings": "heard.cli.core:settings_command",
    "import": "heard.cli.org:import_group",
    "users": "heard.cli.accounts:users",
    "tokens": "heard.cli.accounts:tokens",
    "programs": "heard.cli.programs:programs",
    "pulse": "heard.cli.pulse:pulse",
    "score": "heard.cli.signals:score_command",
    "signals": "heard.cli.signals:signals_group",
    "models": "heard.cli.signals:models_group",
}


class LazyGroup(click.Group):
    """click's documented pattern for subcommands imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="heard")
def cli() -> None:
    """heard: leadership empathy as a measured, practised discipline.

    Settings come from HEARD_* environment variables (see `heard settings`);
    HEARD_DATABASE_URL picks the database (a SQLite file by default).
    """


def main() -> None:
    sys.exit(run_cli(cli))
