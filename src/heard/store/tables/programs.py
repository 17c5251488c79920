"""Empathy programs: programs, sessions, observations, experiments and their history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from heard.store.base import Base


class Program(Base):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))  # see heard.programs.catalog.KINDS
    strategic_priority: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ProgramSession(Base):
    __tablename__ = "program_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(60))
    objective: Mapped[str] = mapped_column(Text, default="")
    learning_goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    question_guide: Mapped[list[str]] = mapped_column(JSON, default=list)
    time_box_minutes: Mapped[int] = mapped_column(Integer, default=120)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    host_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    scheduled_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="planned")


class Observation(Base):
    """Text is redacted before it is stored; the original is never kept."""

    __tablename__ = "program_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("program_sessions.id", ondelete="CASCADE"), index=True
    )
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text)
    touchpoint: Mapped[str] = mapped_column(String(60), default="")
    segment: Mapped[str] = mapped_column(String(60), default="")
    severity: Mapped[int] = mapped_column(Integer, default=2)
    redactions: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Experiment(Base):
    __tablename__ = "program_experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    hypothesis: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    metric: Mapped[str] = mapped_column(String(120))
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    pattern_label: Mapped[str] = mapped_column(String(300), default="")
    evidence: Mapped[list[int]] = mapped_column(JSON, default=list)  # observation ids
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ExperimentEvent(Base):
    """Status history: one row per change, never updated."""

    __tablename__ = "program_experiment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("program_experiments.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Debrief(Base):
    """A saved run of the pattern finder, so a people partner's edits persist."""

    __tablename__ = "program_debriefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int | None] = mapped_column(ForeignKey("programs.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(254))
    observations: Mapped[int] = mapped_column(Integer, default=0)
    anecdotes: Mapped[list[int]] = mapped_column(JSON, default=list)  # observation ids
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class DebriefPattern(Base):
    __tablename__ = "program_debrief_patterns"

    id: Mapped[int] = mapped_column(primary_key=True)
    debrief_id: Mapped[int] = mapped_column(
        ForeignKey("program_debriefs.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(300))
    members: Mapped[list[int]] = mapped_column(JSON, default=list)  # observation ids


class Pilot(Base):
    """One product area: a short immersion, a debrief, a few changes, a quarter of measuring."""

    __tablename__ = "program_pilots"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_area: Mapped[str] = mapped_column(String(120))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), index=True)
    debrief_id: Mapped[int | None] = mapped_column(ForeignKey("program_debriefs.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    immersion_days: Mapped[int] = mapped_column(Integer, default=14)
    changes_planned: Mapped[int] = mapped_column(Integer, default=3)
    experiment_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
