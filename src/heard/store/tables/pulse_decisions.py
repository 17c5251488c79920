"""Tables for acting on pulse results: decisions with the before-you-react checklist,
experiments on one team compared with similar teams, their history, and the team's own
anonymous feedback about the change.

Feedback is anonymous the way pulse answers are:

* ``pulse_experiment_feedback`` holds *what* was said: random key, the experiment, the ISO
  week and the text. No person id, no timestamp. The rows of an experiment are rewritten in
  shuffled order with fresh keys on every new comment (see ``docs/pulse.md``).
* ``pulse_feedback_given`` holds *who* has given feedback (one comment each), with
  no time and nothing pointing at the comment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from heard.store.base import Base
from heard.store.engine import utcnow


class PulseDecision(Base):
    """A leader's or people partner's decision to act on pulse results, with the answers to
    the five before-you-react questions (PRODUCT.md §1). All five are required."""

    __tablename__ = "pulse_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id"), index=True)
    item_ids: Mapped[list[int]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(500))
    who_is_affected: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    assumptions: Mapped[str] = mapped_column(Text)
    reversible_test: Mapped[str] = mapped_column(Text)
    feedback_plan: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseExperiment(Base):
    """A change tried on one team, compared with ``comparison_team_ids`` from
    ``start_round_id`` on by difference-in-differences. running -> concluded | abandoned;
    ``end_round_id`` freezes the analysis window when it stops."""

    __tablename__ = "pulse_experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_decisions.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    change: Mapped[str] = mapped_column(String(500))
    item_ids: Mapped[list[int]] = mapped_column(JSON)
    start_round_id: Mapped[int] = mapped_column(ForeignKey("pulse_rounds.id"))
    end_round_id: Mapped[int | None] = mapped_column(ForeignKey("pulse_rounds.id"))
    comparison_team_ids: Mapped[list[int]] = mapped_column(JSON)
    comparison_chosen: Mapped[str] = mapped_column(String(16))  # automatic | by hand
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseExperimentEvent(Base):
    """An experiment's history: one row per change, never updated."""

    __tablename__ = "pulse_experiment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_experiments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24))  # started | comparison | concluded | ...
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class PulseExperimentFeedback(Base):
    """One anonymous comment about an experiment: no person, no timestamp, random key.
    ``batch`` is set when the comment is released (released in groups of the comment
    threshold, so a new comment never appears on its own)."""

    __tablename__ = "pulse_experiment_feedback"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_experiments.id", ondelete="CASCADE"), index=True
    )
    week: Mapped[str] = mapped_column(String(8))  # ISO week, e.g. 2026-W14
    text: Mapped[str] = mapped_column(Text)
    batch: Mapped[int | None] = mapped_column(Integer)


class PulseFeedbackGiven(Base):
    """Participation: that a person has commented on an experiment. Never what, never when."""

    __tablename__ = "pulse_feedback_given"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_experiments.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
