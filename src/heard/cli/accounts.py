from __future__ import annotations

import click

from heard.accounts import tokens as token_domain
from heard.accounts import users as user_domain
from heard.accounts.policy import OPERATOR, Role
from heard.cli.base import echo_json, transaction

ROLE_CHOICE = click.Choice([r.value for r in Role])


@click.group()
def users() -> None:
    """User accounts and roles."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=ROLE_CHOICE, required=True)
@click.option("--password", help="Omit to be asked (hidden input).")
@click.option("--no-password", is_flag=True, help="Create without a password (no sign-in).")
def users_create(email: str, name: str, role: str, password: str | None, no_password: bool) -> None:
    """Create a user."""
    if password is None and not no_password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with transaction() as session:
        user = user_domain.create_user(
            session, OPERATOR, email=email, name=name, role=role, password=password
        )
        echo_json(user_domain.user_to_dict(user))


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def users_set_role(email: str, role: str) -> None:
    """Change a user's role."""
    with transaction() as session:
        user = user_domain.set_role(session, OPERATOR, email, role)
        echo_json(user_domain.user_to_dict(user))


@users.command("set-password")
@click.argument("email")
@click.option("--password", help="Omit to be asked (hidden input).")
def users_set_password(email: str, password: str | None) -> None:
    """Set a user's password."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with transaction() as session:
        user_domain.set_password(session, OPERATOR, email, password)
    click.echo(f"password set for {email}")


@users.command("list")
def users_list() -> None:
    """List users and their roles."""
    with transaction() as session:
        echo_json(user_domain.list_users(session, OPERATOR))


@click.group()
def tokens() -> None:
    """API tokens for machine access."""


@tokens.command("create")
@click.option("--email", required=True, help="The user whose access the token carries.")
@click.option("--name", required=True, help="What the token is for.")
def tokens_create(email: str, name: str) -> None:
    """Create a token. The secret is printed once; store it safely."""
    with transaction() as session:
        new = token_domain.create_token(session, OPERATOR, email=email, name=name)
    echo_json({"prefix": new.prefix, "token": new.secret})


@tokens.command("revoke")
@click.argument("prefix")
def tokens_revoke(prefix: str) -> None:
    """Revoke a token by its prefix."""
    with transaction() as session:
        token_domain.revoke_token(session, OPERATOR, prefix)
    click.echo(f"token {prefix} revoked")


@tokens.command("list")
def tokens_list() -> None:
    """List tokens (never their secrets)."""
    with transaction() as session:
        echo_json(token_domain.list_tokens(session, OPERATOR))
