"""The item bank: concrete practices, worded by heard so that higher always means better.

Rating items use a 1-5 agreement scale unless an admin chooses 0-10. The open question
"What gets in your way?" collects barriers in people's own words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, Problem, ValidationError
from heard.store.tables.pulse import PulseItem

RATING, OPEN = "rating", "open"
AGREEMENT = ("Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree")

# (key, dimension, text): heard's own wording.
BUILT_IN: tuple[tuple[str, str, str], ...] = (
    ("workload_sustainable", "workload", "I can finish my work in normal hours most weeks."),
    ("workload_recover", "workload", "After a busy stretch I get time to recover."),
    ("meetings_worthwhile", "meeting load", "Most meetings I attend are worth my time."),
    ("meetings_focus", "meeting load", "I get enough uninterrupted time to focus."),
    ("handoffs_smooth", "handoff friction", "Work handed to me arrives with what I need."),
    ("handoffs_waiting", "handoff friction", "I rarely wait on other teams to move forward."),
    ("tools_work", "tool friction", "Our tools help me more than they get in my way."),
    ("priorities_clear", "clarity of priorities", "I know which of my tasks matter most."),
    ("priorities_stable", "clarity of priorities", "Priorities stay stable long enough to finish."),
    ("recognition_seen", "recognition", "Good work on this team gets noticed."),
    ("energy_end_of_week", "energy", "I end most weeks with energy left."),
    (
        "safety_speak_up",
        "psychological safety",
        ("I can raise a problem without it being held against me."),
    ),
    ("safety_mistakes", "psychological safety", "On this team, admitting a mistake is safe."),
)
BARRIER_QUESTION = ("in_the_way", "barriers", "What gets in your way?")


@dataclass(frozen=True)
class ItemView:
    """An item as the rest of the pulse package uses it."""

    id: int
    key: str
    text: str
    dimension: str
    kind: str
    scale_min: int
    scale_max: int

    @property
    def is_rating(self) -> bool:
        return self.kind == RATING

    def to_1_5(self, value: float) -> float:
        """Place a value on the 1-5 range so items on different scales compare."""
        return 1 + 4 * (value - self.scale_min) / (self.scale_max - self.scale_min)

    @property
    def options(self) -> int:
        return self.scale_max - self.scale_min + 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "key": self.key,
            "text": self.text,
            "dimension": self.dimension,
            "kind": self.kind,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
        }


def view(item: PulseItem) -> ItemView:
    return ItemView(
        item.id, item.key, item.text, item.dimension, item.kind, item.scale_min, item.scale_max
    )


def ensure_item_bank(session: Session) -> None:
    """Add any built-in item the database lacks. Cheap and idempotent."""
    have = set(session.scalars(select(PulseItem.key).where(PulseItem.built_in.is_(True))))
    wanted = [(key, dim, text, RATING) for key, dim, text in BUILT_IN]
    wanted.append((*BARRIER_QUESTION, OPEN))
    for position, (key, dimension, text, kind) in enumerate(wanted):
        if key not in have:
            session.add(
                PulseItem(
                    key=key,
                    text=text,
                    dimension=dimension,
                    kind=kind,
                    scale_min=1,
                    scale_max=5,
                    built_in=True,
                    active=True,
                    position=position,
                )
            )
    session.flush()


def active_items(session: Session) -> list[ItemView]:
    ensure_item_bank(session)
    rows = session.scalars(
        select(PulseItem)
        .where(PulseItem.active.is_(True))
        .order_by(PulseItem.position, PulseItem.id)
    )
    return [view(i) for i in rows]


def list_items(session: Session, actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.PULSE_ANSWER)
    return [i.to_dict() for i in active_items(session)]


def add_item(
    session: Session,
    actor: Actor,
    *,
    text: str,
    dimension: str,
    kind: str = RATING,
    scale_max: int = 5,
    key: str = "",
) -> ItemView:
    """An admin adds an item (their own or from a licensed instrument)."""
    require(actor, Permission.PULSE_CONFIGURE)
    ensure_item_bank(session)
    text, dimension = text.strip(), dimension.strip().lower()
    problems = []
    if not 5 <= len(text) <= 400:
        problems.append(Problem("must be 5 to 400 characters", field="text"))
    if not dimension:
        problems.append(Problem("must not be empty", field="dimension"))
    if kind not in (RATING, OPEN):
        problems.append(Problem("must be 'rating' or 'open'", field="kind"))
    if scale_max not in (5, 10):
        problems.append(Problem("must be 5 (a 1-5 scale) or 10 (a 0-10 scale)", field="scale_max"))
    if problems:
        raise ValidationError(problems)
    key = key.strip() or "custom_" + "_".join(text.lower().split())[:40]
    key = "".join(c for c in key if c.isalnum() or c == "_")
    if session.scalar(select(PulseItem.id).where(PulseItem.key == key)):
        raise Conflict(f"an item with key {key!r} already exists")
    position = (session.scalar(select(func.max(PulseItem.position))) or 0) + 1
    item = PulseItem(
        key=key,
        text=text,
        dimension=dimension,
        kind=kind,
        scale_min=1 if scale_max == 5 else 0,
        scale_max=scale_max,
        built_in=False,
        active=True,
        position=position,
    )
    session.add(item)
    session.flush()
    audit.record(session, actor, "pulse.item_add", key, text=text)
    return view(item)
