"""One-time answer links: answer an open round without signing in.

A people partner issues links for an open round and hands them (name, email, link) to their
own mail system; heard sends no email. Each invitation gets a fresh random secret; only its
SHA-256 is stored on the invitation (``pulse_invitations.link_hash``), so someone reading
the table cannot answer for anyone, and issuing again replaces every hash: old links die.

The secret is the credential. Whoever holds it may see the form and answer once, through
exactly the same code path as the in-app form (:func:`heard.pulse.rounds.submit_answers`):
a sealed ballot with no person, the invitation marked answered, nothing linking the two.
Answering by link writes no audit event and no log line, for the same reason the in-app
path writes none: it would carry who answered when.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, Role, require
from heard.errors import NotFound, Problem, ValidationError
from heard.pulse import rounds, views
from heard.store.tables.org import Person
from heard.store.tables.pulse import PulseInvitation, PulseRound

LINK_PATH = "/pulse/a/"
SECRET_BYTES = 32  # 256 bits: guessing a live link is hopeless, so no rate limit is needed
_UNKNOWN = "this answer link is not valid"  # one message for never-issued and rotated links


@dataclass(frozen=True)
class AnswerLink:
    name: str
    email: str
    url: str


def hash_secret(secret: str) -> str:
    """SHA-256 is enough: the secret is 256 random bits, not a password to stretch."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_links(
    session: Session, actor: Actor, round_ref: int | str, base_url: str
) -> list[AnswerLink]:
    """Give every invitation of an open round that is still unanswered a new secret link,
    and return the links (the only time the secrets exist). Old links stop working,
    including those of people who have answered since."""
    require(actor, Permission.PULSE_RUN)
    rnd = rounds.get_round(session, round_ref)
    if rnd.status != rounds.OPEN:
        raise ValidationError(
            [Problem(f"round {rnd.name!r} is {rnd.status}; links exist only for open rounds",
                     field="round")]
        )
    base = _base(base_url)
    session.execute(
        update(PulseInvitation)
        .where(PulseInvitation.round_id == rnd.id, PulseInvitation.answered.is_(True))
        .values(link_hash=None)
    )
    rows = session.execute(
        select(PulseInvitation, Person.name, Person.email)
        .join(Person, Person.id == PulseInvitation.person_id)
        .where(PulseInvitation.round_id == rnd.id, PulseInvitation.answered.is_(False))
        .order_by(Person.name, Person.id)
    ).all()
    links = []
    for invitation, name, email in rows:
        secret = secrets.token_urlsafe(SECRET_BYTES)
        invitation.link_hash = hash_secret(secret)
        links.append(AnswerLink(name, email, f"{base}{LINK_PATH}{secret}"))
    audit.record(session, actor, "pulse.links_issue", rnd.name, links=len(links))
    return links


def _base(base_url: str) -> str:
    base = base_url.strip().rstrip("/")
    if not base.startswith(("http://", "https://")) or len(base) < len("http://x"):
        raise ValidationError(
            [Problem("must start with http:// or https://, e.g. https://heard.example.com",
                     field="base_url")]
        )
    return base


def links_csv(links: list[AnswerLink]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "email", "link"])
    writer.writerows([link.name, link.email, link.url] for link in links)
    return out.getvalue()


@dataclass(frozen=True)
class LinkState:
    """What a link leads to: the form, or why there is none."""

    round: PulseRound
    invitation: PulseInvitation

    @property
    def status(self) -> str:
        if self.round.status != rounds.OPEN:
            return "closed"
        return "answered" if self.invitation.answered else "open"


def _resolve(session: Session, secret: str) -> LinkState:
    # An unknown, rotated or malformed secret all give the same NotFound: the reply never
    # says whether a link ever existed.
    if not 16 <= len(secret) <= 128:
        raise NotFound(_UNKNOWN)
    row = session.execute(
        select(PulseInvitation, PulseRound)
        .join(PulseRound, PulseRound.id == PulseInvitation.round_id)
        .where(PulseInvitation.link_hash == hash_secret(secret))
    ).first()
    if row is None:
        raise NotFound(_UNKNOWN)
    return LinkState(round=row[1], invitation=row[0])


def _link_actor(invitation: PulseInvitation) -> Actor:
    """The holder of a link acts as the invited person, for this one answer only. Nothing
    of this actor is recorded anywhere (the answer path writes no audit event)."""
    return Actor(
        user_id=None,
        name="answer link",
        email="",
        role=Role.MEMBER,
        person_id=invitation.person_id,
        via="link",
    )


def link_form(session: Session, secret: str) -> dict[str, Any]:
    """The answer form behind a link, or ``status`` "answered"/"closed" with no form."""
    state = _resolve(session, secret)
    base = {"status": state.status, "round": {"id": state.round.id, "name": state.round.name}}
    if state.status != "open":
        return base | {"ratings": [], "open_questions": []}
    return views.answer_form(session, _link_actor(state.invitation), state.round.id) | {
        "status": "open"
    }


def answer_by_link(
    session: Session,
    secret: str,
    ratings: dict[int, int],
    comments: dict[int, str] | None = None,
) -> None:
    """Answer the link's round once, through the in-app answer path. A second use is a
    Conflict ("already answered"), a closed round a Conflict too."""
    state = _resolve(session, secret)
    rounds.submit_answers(
        session, _link_actor(state.invitation), state.round.id, ratings, comments
    )
