"""Organisation-level pulse settings. The default of k comes from ``heard.settings``
(``HEARD_MIN_GROUP_SIZE``); an admin may store another value between 3 and 10."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.settings import Settings
from heard.store.engine import utcnow
from heard.store.tables.pulse import PulseSetting

K_MIN, K_MAX = 3, 10
MIN_GROUP_SIZE = "min_group_size"


def min_group_size(session: Session, settings: Settings) -> int:
    """k: the fewest respondents any pulse figure may describe."""
    stored = session.get(PulseSetting, MIN_GROUP_SIZE)
    return stored.value if stored else int(settings.min_group_size)


def comment_group_size(session: Session, settings: Settings) -> int:
    """Free-text comments need a larger group, and never less than k."""
    return max(int(settings.comment_min_group_size), min_group_size(session, settings))


def set_min_group_size(session: Session, actor: Actor, value: int) -> int:
    require(actor, Permission.PULSE_CONFIGURE)
    if not K_MIN <= value <= K_MAX:
        raise ValidationError([Problem(f"must be {K_MIN} to {K_MAX}", field="min_group_size")])
    stored = session.get(PulseSetting, MIN_GROUP_SIZE)
    previous = stored.value if stored else None
    if stored is None:
        session.add(PulseSetting(name=MIN_GROUP_SIZE, value=value))
    else:
        stored.value, stored.updated_at = value, utcnow()
    session.flush()
    audit.record(session, actor, "pulse.k_change", MIN_GROUP_SIZE, previous=previous, new=value)
    return value


def settings_data(session: Session, actor: Actor, settings: Settings) -> dict[str, Any]:
    require(actor, Permission.PULSE_CONFIGURE)
    return {
        "min_group_size": min_group_size(session, settings),
        "comment_min_group_size": comment_group_size(session, settings),
        "default_min_group_size": int(settings.min_group_size),
        "range": [K_MIN, K_MAX],
    }
