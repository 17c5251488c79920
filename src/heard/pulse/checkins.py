"""Check-ins: short, regular conversations between a leader and each person on their teams
that ask what gets in the way rather than what got done.

* **Templates** are heard's own wording (:data:`TEMPLATES`). Barrier-focused ones open with
  a reminder to say up front that this is not a status check; the status template exists
  so that the share of barrier-focused check-ins means something.
* **What is shared**: the answers to the template's questions, notes and agreed follow-ups.
  The person sees these on their own check-ins page.
* **Private notes** are the leader's alone. They live in their own table
  (``pulse_checkin_notes``) and only :func:`leader_checkins`, :func:`checkin_form` and
  :func:`get_checkin` read them, and only for the leader who wrote them. They carry over:
  the next check-in form with the same person starts from the last private note. The
  member, other leaders (also a person's next leader after a move), people partners and
  admins never see them, and no export includes them.
* **Rhythm**: per person on the leader's teams, the last check-in and days since; over the
  last 90 days check-ins per person per month, the median days between check-ins, the
  share that were barrier-focused, and who is overdue.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, NotFound, Problem, ValidationError
from heard.store.engine import read_rows
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import PulseCheckin, PulseCheckinNote

RHYTHM_WINDOW_DAYS = 90
OVERDUE_DAYS = 21  # two missed fortnightly check-ins' worth of silence
TEXT_MAX = 4000
FOLLOW_UPS_MAX = 20
NOT_A_STATUS_CHECK = (
    "Say this first: this is not a status check. I want to hear what gets in your way, "
    "not what you got done."
)


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    barrier_focused: bool
    purpose: str
    questions: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "barrier_focused": self.barrier_focused,
            "purpose": self.purpose,
            "questions": list(self.questions),
            "reminder": NOT_A_STATUS_CHECK if self.barrier_focused else None,
        }


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "barriers",
            "What gets in your way",
            True,
            "Find the obstacles you can remove. Listen more than you talk.",
            (
                "What is getting in your way right now?",
                "What would make next week easier?",
                "What could I remove, change or ask for on your behalf?",
                "Is anything taking more energy than it should?",
            ),
        ),
        Template(
            "workload",
            "Workload and focus",
            True,
            "Quiet is not the same as coping: ask how the load really feels.",
            (
                "How does your workload feel this week, honestly?",
                "Which meetings or handoffs cost you the most time?",
                "What could we drop, delay or hand to someone else?",
            ),
        ),
        Template(
            "growth",
            "Career and growth",
            False,
            "Where the person wants to go, and what would help them get there.",
            (
                "What part of your work do you want more of?",
                "What would you like to learn in the next three months?",
                "Who could you learn it from?",
            ),
        ),
        Template(
            "status",
            "Status update",
            False,
            "Progress and plans. Useful, but it is not a barrier conversation.",
            (
                "What did you finish since we last spoke?",
                "What are you working on next?",
            ),
        ),
    )
}


def templates(actor: Actor) -> list[dict[str, Any]]:
    require(actor, Permission.PULSE_LEAD)
    return [t.to_dict() for t in TEMPLATES.values()]


# --- who a leader checks in with ------------------------------------------------------


# Built once: the leader's home page runs these on every view.
# Plain (id, name) rows, not Person entities: loading entities cost more than the query.
_REPORTS = (
    select(Person.id, Person.name)
    .join(Team, Team.id == Person.team_id)
    .where(
        Team.leader_id == bindparam("leader_id"),
        Person.active.is_(True),
        Person.id != bindparam("leader_id"),
    )
    .order_by(Person.name, Person.id)
)
_HELD = (
    select(PulseCheckin.person_id, PulseCheckin.held_on, PulseCheckin.barrier_focused)
    .where(
        PulseCheckin.leader_id == bindparam("leader_id"),
        PulseCheckin.held_on <= bindparam("today"),
    )
    .order_by(PulseCheckin.held_on)
)


def reports(session: Session, actor: Actor) -> list[Row[int, str]]:
    """The active people on the teams the actor leads, the actor excluded: (id, name)."""
    if actor.person_id is None:
        return []
    return list(read_rows(session, _REPORTS, {"leader_id": actor.person_id}))


def _report(session: Session, actor: Actor, person_id: int) -> Person:
    if any(p.id == person_id for p in reports(session, actor)):
        return session.get_one(Person, person_id)
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}")
    raise Forbidden("you can hold check-ins only with people on a team you lead")


# --- holding a check-in ---------------------------------------------------------------


def _last_private_note(session: Session, leader_id: int, person_id: int) -> str:
    """The leader's own latest private note about this person (never another leader's)."""
    text = session.scalar(
        select(PulseCheckinNote.text)
        .join(PulseCheckin, PulseCheckin.id == PulseCheckinNote.checkin_id)
        .where(
            PulseCheckin.leader_id == leader_id,
            PulseCheckinNote.leader_id == leader_id,
            PulseCheckin.person_id == person_id,
        )
        .order_by(PulseCheckin.held_on.desc(), PulseCheckin.id.desc())
        .limit(1)
    )
    return text or ""


def checkin_form(
    session: Session, actor: Actor, person_id: int, template: str = "barriers"
) -> dict[str, Any]:
    """What the leader needs to hold the next check-in with a person: the template, the
    previous check-in's shared record, and their own private note carried over."""
    require(actor, Permission.PULSE_LEAD)
    person = _report(session, actor, person_id)
    chosen = _template(template)
    assert actor.person_id is not None  # _report found a report
    previous = session.scalar(
        select(PulseCheckin)
        .where(PulseCheckin.leader_id == actor.person_id, PulseCheckin.person_id == person.id)
        .order_by(PulseCheckin.held_on.desc(), PulseCheckin.id.desc())
        .limit(1)
    )
    return {
        "person": {"id": person.id, "name": person.name},
        "template": chosen.to_dict(),
        "templates": [t.to_dict() for t in TEMPLATES.values()],
        "previous": _shared(session, previous) if previous else None,
        "private_notes": _last_private_note(session, actor.person_id, person.id),
    }


def _template(key: str) -> Template:
    if key not in TEMPLATES:
        raise ValidationError(
            [Problem(f"unknown template {key!r}; use one of {', '.join(TEMPLATES)}", "template")]
        )
    return TEMPLATES[key]


def record_checkin(
    session: Session,
    actor: Actor,
    *,
    person_id: int,
    template: str,
    answers: list[str] | None = None,
    shared_notes: str = "",
    follow_ups: list[str] | None = None,
    private_notes: str = "",
    held_on: date | None = None,
    today: date | None = None,
) -> PulseCheckin:
    """Record a check-in the actor held with a person on one of their teams."""
    require(actor, Permission.PULSE_LEAD)
    chosen = _template(template)
    person = _report(session, actor, person_id)
    today = today or date.today()
    held_on = held_on or today
    answers = [(a or "").strip() for a in (answers or [])]
    follow_ups = [f.strip() for f in (follow_ups or []) if f and f.strip()]
    problems = _problems(chosen, answers, shared_notes, follow_ups, private_notes, held_on, today)
    if problems:
        raise ValidationError(problems)
    answers += [""] * (len(chosen.questions) - len(answers))
    assert actor.person_id is not None
    checkin = PulseCheckin(
        leader_id=actor.person_id,
        person_id=person.id,
        held_on=held_on,
        template=chosen.key,
        barrier_focused=chosen.barrier_focused,
        answers=[
            {"question": q, "answer": a} for q, a in zip(chosen.questions, answers, strict=True)
        ],
        shared_notes=shared_notes.strip(),
        follow_ups=follow_ups,
    )
    session.add(checkin)
    session.flush()
    if private_notes.strip():
        session.add(
            PulseCheckinNote(
                checkin_id=checkin.id, leader_id=actor.person_id, text=private_notes.strip()
            )
        )
    # Who met whom and when is the leader's own record; no notes go into the audit log.
    audit.record(session, actor, "checkin.record", person.name, template=chosen.key)
    return checkin


def _problems(
    template: Template,
    answers: list[str],
    shared_notes: str,
    follow_ups: list[str],
    private_notes: str,
    held_on: date,
    today: date,
) -> list[Problem]:
    problems = []
    if len(answers) > len(template.questions):
        problems.append(
            Problem(f"this template has {len(template.questions)} questions", "answers")
        )
    for i, answer in enumerate(answers, start=1):
        if len(answer) > TEXT_MAX:
            problems.append(Problem(f"at most {TEXT_MAX} characters", f"answers.{i}"))
    for name, text in (("shared_notes", shared_notes), ("private_notes", private_notes)):
        if len(text) > TEXT_MAX:
            problems.append(Problem(f"at most {TEXT_MAX} characters", name))
    if len(follow_ups) > FOLLOW_UPS_MAX:
        problems.append(Problem(f"at most {FOLLOW_UPS_MAX} follow-ups", "follow_ups"))
    problems += [
        Problem("at most 500 characters", f"follow_ups.{i}")
        for i, f in enumerate(follow_ups, start=1)
        if len(f) > 500
    ]
    if held_on > today:
        problems.append(Problem("a check-in cannot be recorded before it happens", "held_on"))
    if held_on < today - timedelta(days=365):
        problems.append(Problem("more than a year ago; record check-ins as they happen", "held_on"))
    return problems


# --- reading check-ins ----------------------------------------------------------------


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def _shared(
    session: Session, checkin: PulseCheckin, names: dict[int, str] | None = None
) -> dict[str, Any]:
    """The part of a check-in both sides may see. Never the private notes."""
    names = names or _names(session, {checkin.leader_id, checkin.person_id})
    template = TEMPLATES.get(checkin.template)
    return {
        "id": checkin.id,
        "held_on": checkin.held_on.isoformat(),
        "leader": {"id": checkin.leader_id, "name": names.get(checkin.leader_id, "")},
        "person": {"id": checkin.person_id, "name": names.get(checkin.person_id, "")},
        "template": checkin.template,
        "template_name": template.name if template else checkin.template,
        "barrier_focused": checkin.barrier_focused,
        "answers": checkin.answers,
        "shared_notes": checkin.shared_notes,
        "follow_ups": checkin.follow_ups,
    }


def leader_checkins(
    session: Session, actor: Actor, person_id: int | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    """The check-ins the actor held, newest first, with their own private notes."""
    require(actor, Permission.PULSE_LEAD)
    if actor.person_id is None:
        return []
    query = select(PulseCheckin, PulseCheckinNote.text).outerjoin(
        PulseCheckinNote,
        (PulseCheckinNote.checkin_id == PulseCheckin.id)
        & (PulseCheckinNote.leader_id == actor.person_id),
    )
    query = query.where(PulseCheckin.leader_id == actor.person_id)
    if person_id is not None:
        query = query.where(PulseCheckin.person_id == person_id)
    rows = session.execute(
        query.order_by(PulseCheckin.held_on.desc(), PulseCheckin.id.desc()).limit(limit)
    ).all()
    names = _names(session, {c.person_id for c, _ in rows} | {actor.person_id})
    return [_shared(session, c, names) | {"private_notes": note or ""} for c, note in rows]


def my_checkins(session: Session, actor: Actor) -> dict[str, Any]:
    """The actor's own check-ins as the person checked in with: shared record only."""
    require(actor, Permission.PULSE_ANSWER)
    if actor.person_id is None:
        return {"checkins": []}
    rows = list(
        session.scalars(
            select(PulseCheckin)
            .where(PulseCheckin.person_id == actor.person_id)
            .order_by(PulseCheckin.held_on.desc(), PulseCheckin.id.desc())
        )
    )
    names = _names(session, {c.leader_id for c in rows} | {actor.person_id})
    return {"checkins": [_shared(session, c, names) for c in rows]}


def get_checkin(session: Session, actor: Actor, checkin_id: int) -> dict[str, Any]:
    """One check-in: the leader who held it sees their private notes too; the person sees
    the shared record; anyone else gets NotFound (not Forbidden: nothing says it exists)."""
    require(actor, Permission.PULSE_ANSWER)
    checkin = session.get(PulseCheckin, checkin_id)
    if checkin is None or actor.person_id not in (checkin.leader_id, checkin.person_id):
        raise NotFound(f"no check-in {checkin_id} of yours")
    data = _shared(session, checkin)
    if checkin.leader_id == actor.person_id and actor.can(Permission.PULSE_LEAD):
        data["private_notes"] = (
            session.scalar(
                select(PulseCheckinNote.text).where(
                    PulseCheckinNote.checkin_id == checkin.id,
                    PulseCheckinNote.leader_id == actor.person_id,
                )
            )
            or ""
        )
    return data


# --- rhythm -----------------------------------------------------------------------------


def rhythm(
    session: Session,
    actor: Actor,
    *,
    today: date | None = None,
    overdue_days: int = OVERDUE_DAYS,
) -> dict[str, Any]:
    """The leader's own check-in rhythm over the last 90 days, and who is overdue."""
    require(actor, Permission.PULSE_LEAD)
    if not 1 <= overdue_days <= 365:
        raise ValidationError([Problem("must be 1 to 365 days", "overdue_days")])
    today = today or date.today()
    people = reports(session, actor)
    since = today - timedelta(days=RHYTHM_WINDOW_DAYS)
    held: dict[int, list[tuple[date, bool]]] = {p.id: [] for p in people}
    if people and actor.person_id is not None:
        for person_id, held_on, barrier in read_rows(
            session, _HELD, {"leader_id": actor.person_id, "today": today}
        ):
            if person_id in held:  # not someone who has since left the leader's teams
                held[person_id].append((held_on, bool(barrier)))
    rows = [_person_rhythm(p, held[p.id], today, since, overdue_days) for p in people]
    in_window = [(d, b) for p in people for d, b in held[p.id] if d > since]
    gaps = [
        (later - earlier).days
        for p in people
        for (earlier, _), (later, _) in zip(held[p.id], held[p.id][1:], strict=False)
        if later > since
    ]
    months = RHYTHM_WINDOW_DAYS / (365.25 / 12)
    return {
        "today": today.isoformat(),
        "window_days": RHYTHM_WINDOW_DAYS,
        "overdue_days": overdue_days,
        "people": rows,
        "checkins": len(in_window),
        "per_person_per_month": (
            round(len(in_window) / len(people) / months, 2) if people else None
        ),
        "median_days_between": float(statistics.median(gaps)) if gaps else None,
        "barrier_share": (
            round(sum(b for _d, b in in_window) / len(in_window), 3) if in_window else None
        ),
        "overdue": [r["person"] for r in rows if r["overdue"]],
    }


def _person_rhythm(
    person: Row[int, str], held: list[tuple[date, bool]], today: date, since: date,
    overdue_days: int,
) -> dict[str, Any]:
    last = held[-1][0] if held else None
    days_since = (today - last).days if last else None
    return {
        "person": {"id": person.id, "name": person.name},
        "last_checkin": last.isoformat() if last else None,
        "days_since": days_since,
        "checkins_90d": sum(1 for d, _b in held if d > since),
        "barrier_90d": sum(1 for d, b in held if d > since and b),
        "overdue": days_since is None or days_since > overdue_days,
    }


def rhythm_view(
    session: Session,
    actor: Actor,
    *,
    today: date | None = None,
    overdue_days: int = OVERDUE_DAYS,
) -> dict[str, Any]:
    """The leader's check-ins page: rhythm, recent check-ins held, templates."""
    data = rhythm(session, actor, today=today, overdue_days=overdue_days)
    return data | {
        "recent": leader_checkins(session, actor, limit=15),
        "templates": templates(actor),
    }


def home_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """The leader's home panel: rhythm in one line and who is overdue."""
    if not actor.can(Permission.PULSE_LEAD):
        return None
    data = rhythm(session, actor)
    if not data["people"]:
        return None
    return {
        key: data[key]
        for key in ("checkins", "per_person_per_month", "median_days_between", "barrier_share",
                    "overdue", "overdue_days", "window_days")
    } | {"reports": len(data["people"])}
