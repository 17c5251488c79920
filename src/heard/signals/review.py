"""Human review of scores: who gets a second look, and what reviewers say.

A score joins the review queue when it is **high stakes** (the distress flag is set) or
**low confidence** (the least confident of the emotion, sentiment and distress heads is
below :data:`REVIEW_BELOW`). A reviewer confirms or corrects the emotion labels, the
sentiment and the distress flag. Every verdict is stored as a :class:`Label` next to what
the model said, so agreement can be measured (:mod:`heard.signals.agreement`) and the
models retrained; the message's displayed score then shows the reviewer's values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, NotFound, Problem, ValidationError
from heard.signals.distress import why_flagged
from heard.store.engine import utcnow
from heard.store.tables.signals import Conversation, Interaction, Label, Review, Score

REVIEW_BELOW = 0.35
SENTIMENTS = ("negative", "neutral", "positive")


def review_reason(row: dict[str, Any]) -> str | None:
    """Why a score (a ``signal_scores`` row) needs a human, or None."""
    if row["distress_flag"]:
        return "distress"
    if row["min_confidence"] < REVIEW_BELOW:
        return "low_confidence"
    return None


def queue_for_review(session: Session, score_rows: Sequence[dict[str, Any]]) -> int:
    """Add the scores that need a human to the queue; returns how many were added."""
    now = utcnow()
    rows = [
        {
            "interaction_id": r["interaction_id"],
            "reason": reason,
            "status": "pending",
            "created_at": now,
        }
        for r in score_rows
        if (reason := review_reason(r)) is not None
    ]
    if rows:
        session.execute(insert(Review), rows)
    return len(rows)


def _item(
    review: Review, interaction: Interaction, score: Score, conv: Conversation
) -> dict[str, Any]:
    return {
        "id": review.id,
        "interaction_id": interaction.id,
        "reason": review.reason,
        "status": review.status,
        "text": interaction.text,
        "channel": conv.channel,
        "brand": conv.brand,
        "at": interaction.at.isoformat(timespec="minutes") if interaction.at else None,
        "emotion_labels": score.emotion_labels,
        "top_group": score.top_group,
        "sentiment": score.sentiment,
        "distress": score.distress_flag,
        "distress_signals": score.distress_signals,
        "distress_why": why_flagged(score.distress_flag, score.distress_signals),
        "confidence": score.confidence,
        "min_confidence": round(score.min_confidence, 2),
        "reviewed_at": review.reviewed_at.isoformat(timespec="minutes")
        if review.reviewed_at
        else None,
    }


def review_queue(
    session: Session, actor: Actor, *, status: str = "pending", limit: int = 50
) -> dict[str, Any]:
    """Reviews waiting (or done), distress first, then least confident first."""
    require(actor, Permission.SIGNALS_REVIEW)
    if status not in ("pending", "confirmed", "corrected"):
        raise ValidationError([Problem("must be pending, confirmed or corrected", "status")])
    rows = session.execute(
        select(Review, Interaction, Score, Conversation)
        .join(Interaction, Interaction.id == Review.interaction_id)
        .join(Score, Score.interaction_id == Review.interaction_id)
        .join(Conversation, Conversation.id == Interaction.conversation_id)
        .where(Review.status == status)
        .order_by((Review.reason == "distress").desc(), Score.min_confidence, Review.id)
        .limit(limit)
    ).all()
    counts = dict(
        session.execute(select(Review.status, func.count()).group_by(Review.status)).all()
    )
    audit.record(session, actor, "signals.review.read", "signal_reviews", count=len(rows))
    return {
        "status": status,
        "counts": {s: counts.get(s, 0) for s in ("pending", "confirmed", "corrected")},
        "items": [_item(*row) for row in rows],
    }


def _check_verdict(emotion_labels: list[str], sentiment: str) -> None:
    from heard.signals.models.labels import EMOTIONS

    problems = [
        Problem(f"unknown emotion label {label!r}", "emotion_labels")
        for label in emotion_labels
        if label not in EMOTIONS
    ]
    if sentiment not in SENTIMENTS:
        problems.append(Problem("must be negative, neutral or positive", "sentiment"))
    if problems:
        raise ValidationError(problems)


def submit_review(
    session: Session,
    actor: Actor,
    review_id: int,
    *,
    emotion_labels: list[str],
    sentiment: str,
    distress: bool,
) -> dict[str, Any]:
    """Record a reviewer's verdict; the message's score now shows the reviewer's values."""
    from heard.signals.pipeline import top_group

    require(actor, Permission.SIGNALS_REVIEW)
    _check_verdict(emotion_labels, sentiment)
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"no review {review_id}")
    if review.status != "pending":
        raise Conflict("this score has already been reviewed")
    score = session.get(Score, review.interaction_id)
    if score is None:
        raise NotFound("the score under review is gone")
    labels = sorted(set(emotion_labels))
    corrected = (
        labels != sorted(score.emotion_labels)
        or sentiment != score.sentiment
        or distress != score.distress_flag
    )
    session.add(
        Label(
            interaction_id=review.interaction_id,
            reviewer_id=actor.user_id,
            emotion_labels=labels,
            sentiment=sentiment,
            distress=distress,
            corrected=corrected,
            model_emotion_labels=sorted(score.emotion_labels),
            model_sentiment=score.sentiment,
            model_distress=score.distress_flag,
        )
    )
    review.status = "corrected" if corrected else "confirmed"
    review.reviewer_id = actor.user_id
    review.reviewed_at = utcnow()
    score.emotion_labels = labels
    score.top_group = top_group({"emotion_labels": labels, "emotion_groups": score.emotion_groups})
    score.sentiment = sentiment
    score.distress_flag = distress
    score.reviewed = True
    if distress:
        # A reviewer who sees a crisis the model missed sends the case to specialists now.
        from heard.signals.routing import route_conversations

        interaction = session.get(Interaction, review.interaction_id)
        session.flush()
        if interaction is not None:
            route_conversations(session, [interaction.conversation_id])
    audit.record(session, actor, f"signals.review.{review.status}", f"review:{review.id}")
    return {"id": review.id, "status": review.status, "interaction_id": review.interaction_id}
