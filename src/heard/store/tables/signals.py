"""Customer signals: conversations and their messages, scores, review, routing and SLAs.

Every text column holds *redacted* text: :mod:`heard.signals.ingest` redacts before it
writes, and nothing else writes these tables' text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from heard.store.base import Base
from heard.store.engine import utcnow


class Conversation(Base):
    """A thread: one ticket, chat or social conversation with one customer."""

    __tablename__ = "signal_conversations"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(40), index=True)
    brand: Mapped[str] = mapped_column(String(120), default="", index=True)
    customer: Mapped[str] = mapped_column(String(200), default="")
    customer_tier: Mapped[str] = mapped_column(String(40), default="standard")
    subject: Mapped[str] = mapped_column(String(300), default="")
    started_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Interaction(Base):
    """One message in a conversation, from the customer or an agent (text is redacted)."""

    __tablename__ = "signal_interactions"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("signal_conversations.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), index=True)  # customer | agent
    author: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    redactions: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    ingested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Score(Base):
    """What the scoring function said about one customer message."""

    __tablename__ = "signal_scores"

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("signal_interactions.id", ondelete="CASCADE"), primary_key=True
    )
    profile: Mapped[str] = mapped_column(String(20))
    emotions: Mapped[dict[str, float]] = mapped_column(JSON)
    emotion_labels: Mapped[list[str]] = mapped_column(JSON)
    emotion_groups: Mapped[dict[str, float]] = mapped_column(JSON)
    top_group: Mapped[str] = mapped_column(String(40), index=True)
    sentiment: Mapped[str] = mapped_column(String(16), index=True)
    intensity: Mapped[float] = mapped_column(Float)
    distress_probability: Mapped[float] = mapped_column(Float)
    distress_flag: Mapped[bool] = mapped_column(Boolean, index=True)
    distress_signals: Mapped[list[str]] = mapped_column(JSON)
    effort: Mapped[float] = mapped_column(Float, index=True)
    effort_cues: Mapped[list[str]] = mapped_column(JSON)
    confidence: Mapped[dict[str, float]] = mapped_column(JSON)  # per head
    min_confidence: Mapped[float] = mapped_column(Float, index=True)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)  # a human's labels applied
    scored_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Review(Base):
    """A score waiting for (or given) a human look: low confidence or high stakes."""

    __tablename__ = "signal_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("signal_interactions.id", ondelete="CASCADE"), unique=True
    )
    reason: Mapped[str] = mapped_column(String(40))  # distress | low_confidence
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)


class Label(Base):
    """A reviewer's verdict on one message next to what the model said at the time: the
    ground truth for agreement and retraining."""

    __tablename__ = "signal_labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("signal_interactions.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    emotion_labels: Mapped[list[str]] = mapped_column(JSON)
    sentiment: Mapped[str] = mapped_column(String(16))
    distress: Mapped[bool] = mapped_column(Boolean)
    corrected: Mapped[bool] = mapped_column(Boolean)  # False: the reviewer confirmed the model
    model_emotion_labels: Mapped[list[str]] = mapped_column(JSON)
    model_sentiment: Mapped[str] = mapped_column(String(16))
    model_distress: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Queue(Base):
    """A work queue served by one handler team."""

    __tablename__ = "signal_queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    specialist: Mapped[bool] = mapped_column(Boolean, default=False)
    alert_depth: Mapped[int] = mapped_column(Integer, default=50)


class Handler(Base):
    """A person who works a queue, with how many open cases they can hold at once."""

    __tablename__ = "signal_handlers"
    __table_args__ = (UniqueConstraint("queue_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    queue_id: Mapped[int] = mapped_column(
        ForeignKey("signal_queues.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Rule(Base):
    """If a case matches ``conditions`` it goes to ``queue_id``; lowest ``position`` wins."""

    __tablename__ = "signal_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    queue_id: Mapped[int] = mapped_column(ForeignKey("signal_queues.id", ondelete="CASCADE"))
    conditions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SlaPolicy(Base):
    """First-response and resolution targets; complex cases answer faster, resolve slower."""

    __tablename__ = "signal_sla_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    channel: Mapped[str] = mapped_column(String(40), default="")  # "" = any channel
    customer_tier: Mapped[str] = mapped_column(String(40), default="")  # "" = any tier
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    complex_first_response_minutes: Mapped[int] = mapped_column(Integer)
    complex_resolution_minutes: Mapped[int] = mapped_column(Integer)


class Case(Base):
    """A conversation that needs a human: where it was routed, who holds it, its SLA clock."""

    __tablename__ = "signal_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("signal_conversations.id", ondelete="CASCADE"), unique=True
    )
    queue_id: Mapped[int] = mapped_column(ForeignKey("signal_queues.id"), index=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("signal_rules.id", ondelete="SET NULL"))
    handler_id: Mapped[int | None] = mapped_column(
        ForeignKey("signal_handlers.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    complex: Mapped[bool] = mapped_column(Boolean, default=False)
    distress: Mapped[bool] = mapped_column(Boolean, default=False)
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("signal_sla_policies.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    first_response_due: Mapped[datetime | None] = mapped_column(DateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(DateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)


class IngestRun(Base):
    """One file or API import: its progress while it runs and its outcome afterwards."""

    __tablename__ = "signal_ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(64))
    # running | done | failed | interrupted (its worker stopped beating; see signals.ingest)
    status: Mapped[str] = mapped_column(String(16), default="running")
    bytes_total: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    records: Mapped[int] = mapped_column(Integer, default=0)
    conversations_added: Mapped[int] = mapped_column(Integer, default=0)
    interactions_added: Mapped[int] = mapped_column(Integer, default=0)
    already_present: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    problem_count: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(254), default="")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Written by the worker while the run is in progress, at least every HEARTBEAT_SECONDS.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
