"""The root command lists every area's commands but imports each one only when used."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from heard.cli import COMMANDS, cli


def test_every_listed_command_resolves_under_its_own_name() -> None:
    with click.Context(cli) as ctx:
        for name in COMMANDS:
            command = cli.get_command(ctx, name)
            assert command is not None and command.name == name
        assert cli.get_command(ctx, "no-such-command") is None


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.output.split("Commands:")[1].splitlines()
              if line.strip()}
    assert listed == set(COMMANDS)


def test_scoring_does_not_import_the_pulse_and_programs_stacks() -> None:
    probe = (
        "import sys, click; from heard.cli import cli\n"
        "with click.Context(cli) as ctx: cli.get_command(ctx, 'score')\n"
        "print(sorted(m for m in ('scipy.stats', 'ortools', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
