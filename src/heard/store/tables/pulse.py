"""Pulse tables: item bank, rounds, participation, sealed ballots, anonymous responses,
per-team aggregates frozen at close, and leader predictions.

Anonymity is a property of this schema as much as of the code:

* ``pulse_invitations`` (participation) knows *who* answered, never *what*.
* ``pulse_ballots``, ``pulse_responses`` and ``pulse_comments`` know *what* was answered,
  never *who*: no person id, no timestamp, random UUID keys. Ballots are only a sealed box
  while a round is open; at close they are shuffled into ``pulse_responses`` /
  ``pulse_comments`` in one transaction and deleted (see ``docs/pulse.md``).
* ``pulse_team_results`` holds what analytics read: per team and round, counts and per-item
  sums and sums of squares, plus a snapshot of the team tree at close.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from heard.store.base import Base
from heard.store.engine import utcnow


class PulseItem(Base):
    """One question of the item bank. Rating items are worded so that higher is better."""

    __tablename__ = "pulse_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(String(400))
    dimension: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # rating | open
    scale_min: Mapped[int] = mapped_column(Integer, default=1)
    scale_max: Mapped[int] = mapped_column(Integer, default=5)
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseSetting(Base):
    """Organisation-level pulse settings an admin may change (e.g. ``min_group_size``)."""

    __tablename__ = "pulse_settings"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseRound(Base):
    """draft -> open -> closed -> results. ``k`` and ``comment_k`` are frozen at close."""

    __tablename__ = "pulse_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    opens_on: Mapped[date | None] = mapped_column(Date)
    closes_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    results_at: Mapped[datetime | None] = mapped_column(DateTime)
    k: Mapped[int | None] = mapped_column(Integer)
    comment_k: Mapped[int | None] = mapped_column(Integer)
    # The round's point of the organisation trend, computed at close by the aggregation
    # function (everything it depends on is frozen then), so the trend reads one row a round.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class PulseRoundItem(Base):
    """The items of a round, in order. Fixed once the round opens."""

    __tablename__ = "pulse_round_items"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("pulse_items.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class PulseInvitation(Base):
    """Participation: who was invited and whether they answered. Never what they answered,
    and no time of answering."""

    __tablename__ = "pulse_invitations"
    __table_args__ = (UniqueConstraint("round_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    # SHA-256 of the one-time answer link's secret (heard.pulse.links). The secret itself is
    # never stored: whoever reads this table cannot answer for anyone.
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)


class PulseBallot(Base):
    """A sealed answer while the round is open: no person, no time, random key."""

    __tablename__ = "pulse_ballots"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(Integer)
    values: Mapped[list[int]] = mapped_column(JSON)
    # [[item_id, text], ...] for the round's open questions that were answered
    comments: Mapped[list[list[Any]]] = mapped_column(JSON)


class PulseResponse(Base):
    """One anonymous response: rating values in round item order. Written at close in
    shuffled order; no person id, no timestamp."""

    __tablename__ = "pulse_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    values: Mapped[list[int]] = mapped_column(JSON)


class PulseComment(Base):
    """An answer to an open question, kept apart from the ratings of the same response."""

    __tablename__ = "pulse_comments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(Integer, index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("pulse_items.id"))
    text: Mapped[str] = mapped_column(Text)


class PulseTeamResult(Base):
    """Per team and round, frozen at close: the team tree as it was, participation counts,
    and per rating item (round order) the sum and sum of squares of the answers.
    Everything the analytics need, so they never read raw responses."""

    __tablename__ = "pulse_team_results"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(Integer)
    leader_id: Mapped[int | None] = mapped_column(Integer, index=True)
    invited: Mapped[int] = mapped_column(Integer)
    respondents: Mapped[int] = mapped_column(Integer)
    comments: Mapped[int] = mapped_column(Integer)
    sums: Mapped[list[int]] = mapped_column(JSON)
    squares: Mapped[list[int]] = mapped_column(JSON)


class PulsePrediction(Base):
    """A leader's prediction of their team's average per rating item (round order) and the
    three items they expect to hurt most. Accepted only while the round is open."""

    __tablename__ = "pulse_predictions"
    __table_args__ = (UniqueConstraint("round_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_rounds.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    values: Mapped[list[float]] = mapped_column(JSON)
    barriers: Mapped[list[int]] = mapped_column(JSON)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseCheckin(Base):
    """A check-in a leader held with one person: what was shared with the person (answers
    to the template's questions, notes, agreed follow-ups). The leader's private notes live
    apart in :class:`PulseCheckinNote` so that nothing that reads check-ins for the member
    can pick them up by accident."""

    __tablename__ = "pulse_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    template: Mapped[str] = mapped_column(String(40))
    # Copied from the template when held, so a later change of templates keeps the share.
    barrier_focused: Mapped[bool] = mapped_column(Boolean)
    # [{"question": ..., "answer": ...}] in the template's order, wording as asked
    answers: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    shared_notes: Mapped[str] = mapped_column(Text, default="")
    follow_ups: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseCheckinNote(Base):
    """A leader's private notes on one check-in: visible to that leader only."""

    __tablename__ = "pulse_checkin_notes"

    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_checkins.id", ondelete="CASCADE"), primary_key=True
    )
    leader_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
