"""The interactions inbox, the CX dashboard figures and an agent's own queue.

Only roles with ``SIGNALS_VIEW`` see customer text (which is stored redacted). The
dashboard figures carry no text and are open to ``SIGNALS_DASHBOARD`` (executives too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.signals.distress import why_flagged
from heard.signals.routing import GROUPS
from heard.store.engine import utcnow
from heard.store.tables.signals import (
    Case,
    Conversation,
    Handler,
    Interaction,
    Queue,
    Review,
    Score,
)

GROUP_LABELS = {
    "anger_frustration": "Anger / frustration",
    "sadness_disappointment": "Sadness / disappointment",
    "fear_anxiety": "Fear / anxiety",
    "confusion": "Confusion",
    "gratitude_joy": "Gratitude / joy",
    "neutral": "Neutral",
}
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows. Empty fields mean "any"."""

    group: str = ""
    distress: str = ""  # "" | "yes" | "no"
    min_effort: float | None = None
    sentiment: str = ""
    channel: str = ""

    def check(self) -> InboxFilter:
        problems = []
        if self.group and self.group not in GROUPS:
            problems.append(Problem(f"must be one of {', '.join(GROUPS)}", "group"))
        if self.distress not in ("", "yes", "no"):
            problems.append(Problem("must be yes or no", "distress"))
        if self.sentiment and self.sentiment not in SENTIMENTS:
            problems.append(Problem("must be negative, neutral or positive", "sentiment"))
        if self.min_effort is not None and not 0 <= self.min_effort <= 1:
            problems.append(Problem("must be between 0 and 1", "min_effort"))
        if problems:
            raise ValidationError(problems)
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "distress": self.distress,
            "min_effort": self.min_effort,
            "sentiment": self.sentiment,
            "channel": self.channel,
        }


def _filtered(query: Any, f: InboxFilter) -> Any:
    if f.group:
        query = query.where(Score.top_group == f.group)
    if f.distress:
        query = query.where(Score.distress_flag.is_(f.distress == "yes"))
    if f.min_effort is not None:
        query = query.where(Score.effort >= f.min_effort)
    if f.sentiment:
        query = query.where(Score.sentiment == f.sentiment)
    if f.channel:
        query = query.where(Conversation.channel == f.channel)
    return query


def _row(interaction: Interaction, conv: Conversation, score: Score | None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": interaction.id,
        "conversation_id": conv.id,
        "external_id": interaction.external_id,
        "text": interaction.text,
        "channel": conv.channel,
        "brand": conv.brand,
        "customer_tier": conv.customer_tier,
        "at": interaction.at.isoformat(timespec="minutes") if interaction.at else None,
        "score": None,
    }
    if score is not None:
        item["score"] = {
            "group": score.top_group,
            "group_label": GROUP_LABELS.get(score.top_group, score.top_group),
            "emotion_labels": score.emotion_labels,
            "sentiment": score.sentiment,
            "intensity": round(score.intensity, 2),
            "distress": score.distress_flag,
            "distress_signals": score.distress_signals,
            "distress_why": why_flagged(score.distress_flag, score.distress_signals),
            "distress_probability": round(score.distress_probability, 2),
            "effort": round(score.effort, 2),
            "effort_cues": score.effort_cues,
            "confidence": round(score.min_confidence, 2),
            "reviewed": score.reviewed,
            "profile": score.profile,
        }
    return item


def inbox(
    session: Session, actor: Actor, f: InboxFilter, *, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Customer messages, newest first, with their scores, filtered."""
    require(actor, Permission.SIGNALS_VIEW)
    f.check()
    base = (
        select(Interaction, Conversation, Score)
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .outerjoin(Score, Score.interaction_id == Interaction.id)
        .where(Interaction.role == "customer")
    )
    filtered = _filtered(base, f)
    if f.group or f.distress or f.min_effort is not None or f.sentiment:
        filtered = filtered.where(Score.interaction_id.is_not(None))
    total = session.scalar(select(func.count()).select_from(filtered.subquery())) or 0
    rows = session.execute(
        filtered.order_by(Interaction.at.desc(), Interaction.id.desc()).limit(limit).offset(offset)
    ).all()
    channels = list(session.scalars(select(Conversation.channel).distinct().order_by("channel")))
    audit.record(session, actor, "signals.inbox.read", "signal_interactions", count=len(rows))
    return {
        "filter": f.to_dict(),
        "total": total,
        "limit": limit,
        "offset": offset,
        "items": [_row(*row) for row in rows],
        "groups": [{"value": g, "label": GROUP_LABELS[g]} for g in GROUPS],
        "channels": channels,
    }


def dashboard(session: Session, actor: Actor, now: datetime | None = None) -> dict[str, Any]:
    """Figures without customer text: for CX leads' and executives' home pages."""
    require(actor, Permission.SIGNALS_DASHBOARD)
    from heard.signals.sla import board

    by_group = dict(
        session.execute(select(Score.top_group, func.count()).group_by(Score.top_group)).all()
    )
    scored = sum(by_group.values())
    distress = session.scalar(select(func.count()).where(Score.distress_flag.is_(True))) or 0
    pending = session.scalar(select(func.count()).where(Review.status == "pending")) or 0
    sla = board(session, actor, now or utcnow())
    return {
        "scored": scored,
        "groups": [
            {
                "value": g,
                "label": GROUP_LABELS[g],
                "count": by_group.get(g, 0),
                "share": round(by_group.get(g, 0) / scored, 3) if scored else 0.0,
            }
            for g in GROUPS
        ],
        "distress": distress,
        "pending_reviews": pending,
        "sla": sla["totals"],
        "alerts": sla["alerts"],
    }


def my_cases(session: Session, actor: Actor, limit: int = 50) -> dict[str, Any]:
    """The open cases assigned to the signed-in agent, distress and oldest first."""
    require(actor, Permission.SIGNALS_WORK)
    from heard.signals.sla import breaches

    if actor.person_id is None:
        return {"cases": [], "queues": []}
    now = utcnow()
    handler_ids = list(
        session.scalars(select(Handler.id).where(Handler.person_id == actor.person_id))
    )
    rows = session.execute(
        select(Case, Queue.name, Conversation)
        .join(Queue, Queue.id == Case.queue_id)
        .join(Conversation, Conversation.id == Case.conversation_id)
        .where(Case.handler_id.in_(handler_ids), Case.status == "assigned")
        .order_by(Case.distress.desc(), Case.first_response_due)
        .limit(limit)
    ).all()
    cases = []
    for case, queue, conv in rows:
        latest = session.scalar(
            select(Interaction.text)
            .where(Interaction.conversation_id == conv.id, Interaction.role == "customer")
            .order_by(Interaction.at.desc(), Interaction.id.desc())
            .limit(1)
        )
        cases.append(
            {
                "id": case.id,
                "queue": queue,
                "channel": conv.channel,
                "brand": conv.brand,
                "text": latest or "",
                "distress": case.distress,
                "complex": case.complex,
                "reason": case.reason,
                "responded": case.first_response_at is not None,
                "first_response_due": case.first_response_due.isoformat(timespec="minutes")
                if case.first_response_due
                else None,
                "breaches": [k for k, v in breaches(case, now).items() if v],
            }
        )
    queues = list(
        session.scalars(
            select(Queue.name)
            .join(Handler, Handler.queue_id == Queue.id)
            .where(Handler.id.in_(handler_ids))
        )
    )
    audit.record(session, actor, "signals.cases.read", "signal_cases", count=len(cases))
    return {"cases": cases, "queues": queues}


# --- home-page panels --------------------------------------------------------------------


def overview_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """CX leads, executives and admins: how customers feel, reviews and SLA health."""
    if actor.role.value == "agent" or not actor.can(Permission.SIGNALS_DASHBOARD):
        return None
    return dashboard(session, actor)


def queue_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """Agents: the cases assigned to them."""
    if actor.role.value != "agent" or not actor.can(Permission.SIGNALS_WORK):
        return None
    return my_cases(session, actor, limit=20)
