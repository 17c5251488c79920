"""Scoring customer messages through heard's one scoring function, and storing the result.

Three surfaces use this module: ``heard score`` (files), ``POST /api/score`` (texts) and
ingest (stored messages). All of them call :func:`scorer_for`, which returns
:func:`heard.signals.scoring.load_scorer` for a profile; :data:`SCORERS` is the explicit
registry (tests swap in a trivial double there, per STYLE habit 5).

After a stored message is scored: low-confidence and distress scores join the review
queue (:mod:`heard.signals.review`) and the conversation is routed
(:mod:`heard.signals.routing`). A distress flag always routes to specialists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.redaction import redact
from heard.store.engine import utcnow
from heard.store.tables.signals import Interaction, Score

PROFILES = ("default", "fast")
DEFAULT_BATCH = 64


class HasToDict(Protocol):
    def to_dict(self) -> dict[str, object]: ...


class ScorerLike(Protocol):
    """What heard needs from a scorer: ``heard.signals.scoring.Scorer`` fits."""

    profile: str

    def score(self, texts: Sequence[str], batch_size: int = ...) -> Sequence[HasToDict]: ...


def _load(profile: str) -> Callable[[], ScorerLike]:
    def load() -> ScorerLike:
        from heard.signals.scoring import load_scorer

        return load_scorer(profile)

    return load


SCORERS: dict[str, Callable[[], ScorerLike]] = {p: _load(p) for p in PROFILES}


def scorer_for(profile: str = "default") -> ScorerLike:
    try:
        factory = SCORERS[profile]
    except KeyError:
        raise ValidationError(
            f"unknown scoring profile {profile!r}; choose one of {', '.join(SCORERS)}"
        ) from None
    return factory()


# --- texts in, scores out (heard score, POST /api/score) ------------------------------


def score_texts(scorer: ScorerLike, texts: Sequence[str], batch_size: int) -> list[dict[str, Any]]:
    """Redact, then score. Returns each message's score as a plain dict."""
    clean = [redact(t).text for t in texts]
    return [s.to_dict() for s in scorer.score(clean, batch_size=batch_size)]


def score_items(
    actor: Actor, profile: str, items: list[dict[str, Any]], batch_size: int = DEFAULT_BATCH
) -> list[dict[str, Any]]:
    """``[{"id", "text"}]`` -> ``[{"id", emotions..., confidence}]`` (the API's shape)."""
    require(actor, Permission.SIGNALS_SCORE)
    problems = [
        Problem("'text' must be a string", "text", position)
        for position, item in enumerate(items, start=1)
        if not isinstance(item.get("text"), str)
    ]
    if problems:
        raise ValidationError(problems)
    if not items:
        return []
    scores = score_texts(scorer_for(profile), [item["text"] for item in items], batch_size)
    return [{"id": item.get("id"), **s} for item, s in zip(items, scores, strict=True)]


# --- stored messages -------------------------------------------------------------------


NEGATIVE_GROUPS = ("anger_frustration", "sadness_disappointment", "fear_anxiety", "confusion")


def top_group(score: dict[str, Any]) -> str:
    """The dashboard group a message belongs to: the strongest group with a label over its
    threshold, so 'neutral' wins only when no feeling was detected."""
    from heard.signals.models.labels import GROUPS

    labels = set(score.get("emotion_labels") or [])
    groups: dict[str, float] = score.get("emotion_groups") or {}
    present = [g for g, members in GROUPS.items() if g != "neutral" and labels & set(members)]
    if not present:
        return "neutral"
    return max(present, key=lambda g: groups.get(g, 0.0))


def score_row(interaction_id: int, profile: str, score: dict[str, Any]) -> dict[str, Any]:
    """A ``signal_scores`` row from a scorer's ``to_dict()``."""
    sentiment = score["sentiment"]
    distress = score["distress"]
    effort = score["effort"]
    confidence = {k: float(v) for k, v in score["confidence"].items()}
    return {
        "interaction_id": interaction_id,
        "profile": profile,
        "emotions": score["emotions"],
        "emotion_labels": list(score["emotion_labels"]),
        "emotion_groups": score.get("emotion_groups") or {},
        "top_group": top_group(score),
        "sentiment": sentiment["label"],
        "intensity": float(score["intensity"]),
        "distress_probability": float(distress["probability"]),
        "distress_flag": bool(distress["flag"]),
        "distress_signals": list(distress.get("signals") or []),
        "effort": float(effort["score"]),
        "effort_cues": list(effort.get("cues") or []),
        "confidence": confidence,
        "min_confidence": _decisive_confidence(confidence),
        "reviewed": False,
        "scored_at": utcnow(),
    }


def _decisive_confidence(confidence: dict[str, float]) -> float:
    # Intensity and effort are heuristics with deliberately discounted confidence; the heads
    # a reviewer can correct (emotions, sentiment, distress) decide whether review is needed.
    heads = [confidence[h] for h in ("emotions", "sentiment", "distress") if h in confidence]
    return min(heads) if heads else 0.0


@dataclass
class ScoreOutcome:
    scored: int = 0
    queued_for_review: int = 0
    distress: int = 0
    cases_opened: int = 0

    def add(self, other: ScoreOutcome) -> None:
        self.scored += other.scored
        self.queued_for_review += other.queued_for_review
        self.distress += other.distress
        self.cases_opened += other.cases_opened


def score_stored(
    session: Session, scorer: ScorerLike, interaction_ids: Iterable[int], batch_size: int = 256
) -> ScoreOutcome:
    """Score the unscored customer messages among ``interaction_ids``, then review + route."""
    from heard.signals.review import queue_for_review
    from heard.signals.routing import route_conversations

    rows = _unscored(session, list(interaction_ids))
    outcome = ScoreOutcome()
    if not rows:
        return outcome
    scores = scorer.score([r.text for r in rows], batch_size=batch_size)
    score_rows = [
        score_row(r.id, scorer.profile, s.to_dict()) for r, s in zip(rows, scores, strict=True)
    ]
    session.execute(insert(Score), score_rows)
    outcome.scored = len(score_rows)
    outcome.distress = sum(1 for s in score_rows if s["distress_flag"])
    outcome.queued_for_review = queue_for_review(session, score_rows)
    outcome.cases_opened = route_conversations(session, {r.conversation_id for r in rows})
    return outcome


def _unscored(session: Session, ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        rows.extend(
            session.execute(
                select(Interaction.id, Interaction.text, Interaction.conversation_id)
                .outerjoin(Score, Score.interaction_id == Interaction.id)
                .where(
                    Interaction.id.in_(chunk),
                    Interaction.role == "customer",
                    Score.interaction_id.is_(None),
                )
                .order_by(Interaction.id)
            ).all()
        )
    return rows


def unscored_ids(session: Session, actor: Actor, limit: int | None = None) -> list[int]:
    """Customer messages that have no score yet (for ``heard signals score``)."""
    require(actor, Permission.SIGNALS_INGEST)
    query = (
        select(Interaction.id)
        .outerjoin(Score, Score.interaction_id == Interaction.id)
        .where(Interaction.role == "customer", Score.interaction_id.is_(None))
        .order_by(Interaction.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))
