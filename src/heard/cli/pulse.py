"""`heard pulse ...`: run pulse rounds and report their results from the command line."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from heard.accounts.policy import OPERATOR
from heard.cli.base import app, echo_json, transaction
from heard.pulse import config, items, links, rounds, views
from heard.pulse.report import to_csv


@click.group("pulse")
def pulse() -> None:
    """Pulse rounds and the leadership empathy gap."""


def _rounds_listing() -> str:
    """The rounds in the database, for help texts. Help must not fail without a database,
    nor create an empty SQLite file by looking."""
    heard = app()
    try:
        url = heard.db.engine.url
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
            return "(no database yet: run `heard db upgrade`)"
        with heard.transaction() as session:
            rows = rounds.list_rounds(session, OPERATOR)
    except Exception as exc:  # noqa: BLE001  (help text only; say why the list is missing)
        return f"(could not read the rounds: {exc.__class__.__name__})"
    finally:
        heard.close()
    if not rows:
        return "(no rounds yet)"
    return "\n".join(f"{r['id']:>4}  {r['name']}  [{r['status']}]" for r in rows)


class RoundsInHelp(click.Command):
    """A command whose --help ends with the rounds currently in the database."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        with formatter.section("Rounds (id, name, status)"):
            # \b keeps click from re-wrapping the table.
            formatter.write_text("\b\n" + _rounds_listing())


@pulse.command("items")
def items_command() -> None:
    """List the active items of the item bank."""
    with transaction() as session:
        echo_json(items.list_items(session, OPERATOR))


@pulse.command("add-item")
@click.option("--text", required=True, help="The statement people rate (higher = better).")
@click.option("--dimension", required=True, help="What it measures, e.g. 'workload'.")
@click.option("--kind", type=click.Choice([items.RATING, items.OPEN]), default=items.RATING)
@click.option("--scale", type=click.Choice(["5", "10"]), default="5", help="1-5 or 0-10.")
def add_item_command(text: str, dimension: str, kind: str, scale: str) -> None:
    """Add an item to the bank."""
    with transaction() as session:
        item = items.add_item(
            session, OPERATOR, text=text, dimension=dimension, kind=kind, scale_max=int(scale)
        )
        echo_json(item.to_dict())


@pulse.command("rounds")
def rounds_command() -> None:
    """List rounds with their status and response rate."""
    with transaction() as session:
        echo_json(rounds.list_rounds(session, OPERATOR))


@pulse.command("create-round")
@click.option("--name", required=True)
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), help="Opening date (YYYY-MM-DD).")
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), help="Closing date (YYYY-MM-DD).")
def create_round_command(name: str, opens: Any, closes: Any) -> None:
    """Create a draft round with every active item."""
    with transaction() as session:
        rnd = rounds.create_round(
            session,
            OPERATOR,
            name=name,
            opens_on=_date(opens),
            closes_on=_date(closes),
        )
        echo_json(rounds.round_to_dict(rnd))


def _date(value: Any) -> date | None:
    return value.date() if value is not None else None


@pulse.command("open", cls=RoundsInHelp)
@click.argument("round_ref", metavar="ROUND")
def open_command(round_ref: str) -> None:
    """Open a draft round: invite everyone."""
    with transaction() as session:
        echo_json(rounds.round_to_dict(rounds.open_round(session, OPERATOR, round_ref)))


@pulse.command("remind", cls=RoundsInHelp)
@click.argument("round_ref", metavar="ROUND")
def remind_command(round_ref: str) -> None:
    """Remind everyone who has not answered an open round."""
    with transaction() as session:
        echo_json({"reminded": rounds.remind(session, OPERATOR, round_ref)})


@pulse.command("close", cls=RoundsInHelp)
@click.argument("round_ref", metavar="ROUND")
def close_command(round_ref: str) -> None:
    """Close an open round: aggregate answers, lock predictions, freeze k."""
    heard = app()
    try:
        heard.check_schema()
        with heard.transaction() as session:
            rnd = rounds.close_round(session, OPERATOR, round_ref, heard.settings)
            echo_json(rounds.round_to_dict(rnd))
    finally:
        heard.close()


@pulse.command("publish", cls=RoundsInHelp)
@click.argument("round_ref", metavar="ROUND")
def publish_command(round_ref: str) -> None:
    """Publish a closed round's results to its leaders."""
    with transaction() as session:
        echo_json(rounds.round_to_dict(rounds.publish_results(session, OPERATOR, round_ref)))


@pulse.command("links", cls=RoundsInHelp)
@click.argument("round_ref", metavar="ROUND")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV here [default: standard output].",
)
@click.option(
    "--base-url",
    help="Address people open heard at, e.g. https://heard.example.com "
    "[default: http://HEARD_HOST:HEARD_PORT].",
)
def links_command(round_ref: str, output: Path | None, base_url: str | None) -> None:
    """Issue one-time answer links for an open round: a CSV of name, email, link for
    everyone who has not answered, to send with your own mail system. Running it again
    replaces every earlier link."""
    heard = app()
    try:
        heard.check_schema()
        base = base_url or f"http://{heard.settings.host}:{heard.settings.port}"
        with heard.transaction() as session:
            text = links.links_csv(links.issue_links(session, OPERATOR, round_ref, base))
    finally:
        heard.close()
    if output is None:
        click.echo(text, nl=False)
        return
    # The links are credentials: the file is readable by its owner only.
    with os.fdopen(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(text)
    click.echo(f"{text.count(chr(10)) - 1} links written to {output}", err=True)


@pulse.command("report", cls=RoundsInHelp)
@click.option(
    "--round", "round_ref", metavar="ROUND", help="Round id or name [default: latest closed]."
)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def report_command(round_ref: str | None, fmt: str, output: Path | None) -> None:
    """One record per (team, item): respondents, suppression, actual mean with 95% CI,
    predicted mean and gap (predicted - actual). Suppressed figures are null."""
    with transaction() as session:
        data = views.report_view(session, OPERATOR, round_ref)
    text = to_csv(data["records"]) if fmt == "csv" else None
    if output is not None:
        output.write_text(text if text is not None else json.dumps(data["records"], indent=2))
        click.echo(f"{len(data['records'])} records written to {output}")
    elif text is not None:
        click.echo(text, nl=False)
    else:
        echo_json(data["records"])


@pulse.command("set-k")
@click.argument("k", type=int)
def set_k_command(k: int) -> None:
    """Set the anonymity threshold k (3-10) used for rounds closed from now on."""
    heard = app()
    try:
        with heard.transaction() as session:
            config.set_min_group_size(session, OPERATOR, k)
            echo_json(config.settings_data(session, OPERATOR, heard.settings))
    finally:
        heard.close()


@pulse.command("experiments")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def experiments_command(fmt: str) -> None:
    """Experiments with their difference-in-differences estimate against similar teams."""
    from heard.pulse import experiments  # imported here: statsmodels is slow to load

    with transaction() as session:
        listed = experiments.list_experiments(session, OPERATOR)
    if fmt == "json":
        echo_json(listed)
        return
    if not listed:
        click.echo("(no experiments yet)")
    for e in listed:
        click.echo(f"{e['id']:>4}  {e['team']['name']}  [{e['status']}]  {e['change']}")
        click.echo(f"      {e['result']['reading']}")
