"""Saved debriefs: the pattern finder's result stored so a people partner can merge, split
and rename patterns, and the edits persist. Counts and quotes are recomputed on reading, so
they always match the members a person chose."""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import NotFound, Problem, ValidationError
from heard.programs.observations import debrief_items
from heard.programs.patterns import Item, breadth, describe, features, find_patterns
from heard.store.tables.programs import Debrief, DebriefPattern, Observation


def save_debrief(session: Session, actor: Actor, program_id: int | None = None) -> Debrief:
    require(actor, Permission.PROGRAMS_MANAGE)
    items = debrief_items(session, program_id)
    result = find_patterns(items)
    debrief = Debrief(program_id=program_id, created_by=actor.label, observations=len(items),
                      anecdotes=[int(i) for i in result["anecdotes"]])
    session.add(debrief)
    session.flush()
    session.add_all(
        DebriefPattern(debrief_id=debrief.id, label=p["label"],
                       members=[int(m) for m in p["members"]])
        for p in result["patterns"]
    )
    session.flush()
    return debrief


def latest_debrief(session: Session, actor: Actor) -> dict[str, Any] | None:
    """The newest saved whole-organisation debrief, its patterns ranked by breadth, or None.
    (Debriefs of one program, such as a pilot's, are shown with that program.)"""
    require(actor, Permission.PROGRAMS_MANAGE)
    debrief = session.scalar(
        select(Debrief).where(Debrief.program_id.is_(None)).order_by(Debrief.id.desc()).limit(1)
    )
    if debrief is None:
        return None
    return debrief_view(session, actor, debrief)


def debrief_view(session: Session, actor: Actor, debrief: Debrief) -> dict[str, Any]:
    """A saved debrief with its patterns' counts and quotes recomputed from their members."""
    require(actor, Permission.PROGRAMS_VIEW)
    patterns = list(session.scalars(
        select(DebriefPattern).where(DebriefPattern.debrief_id == debrief.id)
        .order_by(DebriefPattern.id)
    ))
    items = {item.id: item for item in debrief_items(session, debrief.program_id)}
    now = session.scalar(select(func.count(Observation.id))) or 0
    return {
        "debrief_id": debrief.id,
        "saved_by": debrief.created_by,
        "saved_at": debrief.created_at.isoformat()[:16] if debrief.created_at else None,
        "observations": debrief.observations,
        "new_since": max(0, now - debrief.observations) if debrief.program_id is None else 0,
        "patterns": _describe_all(items, patterns),
        "anecdotes": [str(i) for i in debrief.anecdotes],
        "anecdote_texts": [items[str(i)].text for i in debrief.anecdotes if str(i) in items],
    }


def _describe_all(items: dict[str, Item], patterns: list[DebriefPattern]) -> list[dict[str, Any]]:
    listed = [items[str(m)] for p in patterns for m in p.members if str(m) in items]
    if not listed:
        return []
    vectors = features([item.text for item in listed]) if len(listed) > 1 else None
    index = {item.id: n for n, item in enumerate(listed)}
    described = []
    for pattern in patterns:
        members = [index[str(m)] for m in pattern.members if str(m) in index]
        if not members:
            continue
        view = describe(listed, members, vectors if vectors is not None else np.ones((1, 1)))
        view.update(id=pattern.id, label=pattern.label,
                    member_texts=[{"id": listed[i].id, "text": listed[i].text} for i in members])
        described.append(view)
    return sorted(described, key=breadth, reverse=True)


def _pattern(session: Session, pattern_id: int) -> DebriefPattern:
    pattern = session.get(DebriefPattern, pattern_id)
    if pattern is None:
        raise NotFound(f"no debrief pattern {pattern_id}")
    return pattern


def rename_pattern(session: Session, actor: Actor, pattern_id: int, label: str) -> DebriefPattern:
    require(actor, Permission.PROGRAMS_MANAGE)
    pattern = _pattern(session, pattern_id)
    if not label.strip():
        raise ValidationError([Problem("give the pattern a name", "label")])
    pattern.label = label.strip()[:300]
    return pattern


def merge_patterns(session: Session, actor: Actor, pattern_ids: list[int]) -> DebriefPattern:
    """Fold the later patterns into the first one chosen; it keeps its name."""
    require(actor, Permission.PROGRAMS_MANAGE)
    patterns = [_pattern(session, i) for i in dict.fromkeys(pattern_ids)]
    if len(patterns) < 2:
        raise ValidationError([Problem("choose at least two patterns to merge", "pattern_ids")])
    if len({p.debrief_id for p in patterns}) > 1:
        raise ValidationError([Problem("patterns from different debriefs", "pattern_ids")])
    keep = patterns[0]
    keep.members = list(dict.fromkeys(m for p in patterns for m in p.members))
    for other in patterns[1:]:
        session.delete(other)
    session.flush()
    return keep


def split_pattern(
    session: Session, actor: Actor, pattern_id: int, members: list[int], label: str
) -> DebriefPattern:
    """Move the chosen observations out into a new pattern of their own."""
    require(actor, Permission.PROGRAMS_MANAGE)
    pattern = _pattern(session, pattern_id)
    moving = [m for m in pattern.members if m in set(members)]
    if not moving or len(moving) == len(pattern.members):
        raise ValidationError(
            [Problem("choose some, but not all, of the pattern's observations", "members")]
        )
    if not label.strip():
        raise ValidationError([Problem("name the new pattern", "label")])
    pattern.members = [m for m in pattern.members if m not in set(moving)]
    new = DebriefPattern(debrief_id=pattern.debrief_id, label=label.strip()[:300], members=moving)
    session.add(new)
    session.flush()
    return new
