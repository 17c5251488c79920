from __future__ import annotations

import click

from heard.cli.base import app, echo_json, transaction
from heard.settings import SETTINGS, settings_markdown


@click.command()
@click.option("--host", help="Address to listen on [default: HEARD_HOST or 127.0.0.1].")
@click.option("--port", type=int, help="Port [default: HEARD_PORT or 8000].")
@click.option("--workers", type=int, help="Worker processes [default: HEARD_WORKERS or 1].")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web app and the JSON API."""
    from heard.web import workers as web_workers

    heard = app()
    heard.check_schema()
    settings = heard.settings
    host, port = host or settings.host, port or settings.port
    click.echo(f"heard is serving at http://{host}:{port}  (Ctrl+C stops it)")
    heard.close()  # each worker opens its own connections
    status = web_workers.serve(host, port, workers or settings.workers)
    if status:
        raise SystemExit(status)


@click.group()
def db() -> None:
    """Database schema: migrate and inspect."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    heard = app()
    heard.upgrade()
    click.echo(
        f"database is up to date: {heard.db.engine.url.render_as_string(hide_password=True)}"
    )


@db.command()
def status() -> None:
    """Show the schema revision of the database and whether it is current."""
    from heard.store import migrate

    heard = app()
    echo_json(
        {
            "url": heard.db.engine.url.render_as_string(hide_password=True),
            "current": sorted(migrate.current_revisions(heard.db)),
            "head": sorted(migrate.head_revisions(heard.db)),
            "up_to_date": migrate.is_current(heard.db),
        }
    )


@click.command()
@click.option("--reset", is_flag=True, help="Delete everything in the database first.")
@click.option("--seed", type=int, default=None, help="Generator seed [default: HEARD_DEMO_SEED].")
def demo(reset: bool, seed: int | None) -> None:
    """Load the demo organisation into the database, then exit."""
    from heard.demo import load_demo

    heard = app()
    heard.upgrade()
    with heard.transaction() as session:
        summary = load_demo(
            session, seed=seed if seed is not None else heard.settings.demo_seed, reset=reset
        )
    click.echo("Demo organisation loaded.")
    for key, value in summary.details.items():
        click.echo(f"  {key}: {value}")
    click.echo(
        f"\nSign in at http://{heard.settings.host}:{heard.settings.port} "
        f"with password '{summary.password}' as:"
    )
    for role, email in summary.logins.items():
        click.echo(f"  {role:<15} {email}")


@click.command("settings")
@click.option("--markdown", is_flag=True, help="Print the table for docs/configuration.md.")
def settings_command(markdown: bool) -> None:
    """List every setting, its environment variable and its current value."""
    if markdown:
        click.echo(settings_markdown(), nl=False)
        return
    heard = app()
    for s in SETTINGS:
        value = heard.settings.values[s.name]
        if s.name == "database_url":
            value = heard.db.engine.url.render_as_string(hide_password=True)
        click.echo(f"{s.env}={value}\n    {s.help}")


__all__ = ["db", "demo", "serve", "settings_command", "transaction"]
