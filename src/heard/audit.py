"""The audit log: sign-ins, role changes and every read of sensitive data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.store.tables.audit import AuditEvent


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    target: str = "",
    **detail: Any,
) -> None:
    session.add(
        AuditEvent(
            user_id=actor.user_id if actor else None,
            actor=actor.label if actor else "anonymous",
            action=action,
            target=target,
            detail=detail,
        )
    )


def recent_events(session: Session, actor: Actor, limit: int = 100) -> list[dict[str, Any]]:
    require(actor, Permission.VIEW_AUDIT)
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit))
    events = [
        {
            "at": e.at.isoformat(timespec="seconds"),
            "actor": e.actor,
            "action": e.action,
            "target": e.target,
            "detail": e.detail,
        }
        for e in rows
    ]
    record(session, actor, "audit.read", "audit_events", count=len(events))
    return events
