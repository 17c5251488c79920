"""Decisions: acting on pulse results only after the before-you-react checklist.

A leader (for a team they lead) or whoever runs pulse rounds (people partners, admins, for
any team) records a decision: the team, the item(s) it responds to, the round that prompted
it, a short description, and answers to the five questions of PRODUCT.md §1. All five are
required; a decision without them is the reflexive move the checklist exists to slow down.

Who sees decisions: organisation viewers and round runners see all of them; leaders see the
decisions about the teams they lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, NotFound, Problem, ValidationError
from heard.pulse import rounds
from heard.pulse.predictions import led_teams
from heard.store.tables.org import Team
from heard.store.tables.pulse import PulseRound
from heard.store.tables.pulse_decisions import PulseDecision, PulseExperiment

# The five before-you-react questions (PRODUCT.md §1), in heard's wording: (field, question).
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("who_is_affected", "Who exactly is affected, and how do we know?"),
    ("evidence", "Which figures and which things you saw or heard yourself support this?"),
    ("assumptions", "What are we assuming about people's motivation or capacity?"),
    ("reversible_test", "What small test, easy to undo, would show whether we read it right?"),
    ("feedback_plan", "How will we hear honestly how the change lands, once it is made?"),
)
QUESTION_FIELDS = tuple(field for field, _q in QUESTIONS)
SUMMARY_MAX, ANSWER_MAX = 500, 4000


# --- who may act for which team -----------------------------------------------------------


def require_acting(actor: Actor | None) -> Actor:
    """Leaders act for their own teams; whoever runs rounds acts for any team."""
    if actor is not None and actor.can(Permission.PULSE_RUN):
        return actor
    return require(actor, Permission.PULSE_LEAD)


def require_viewing(actor: Actor | None) -> Actor:
    if actor is not None and actor.can(Permission.PULSE_VIEW_ORG):
        return actor
    return require_acting(actor)


def visible_team_ids(session: Session, actor: Actor) -> set[int] | None:
    """The teams whose decisions and experiments the actor may see; None means all."""
    if actor.can(Permission.PULSE_VIEW_ORG) or actor.can(Permission.PULSE_RUN):
        return None
    return {t.id for t in led_teams(session, actor)}


def check_may_act_for(session: Session, actor: Actor, team_id: int) -> None:
    if actor.can(Permission.PULSE_RUN):
        return
    if team_id not in {t.id for t in led_teams(session, actor)}:
        raise Forbidden("you can only act for a team you lead")


def _visible(session: Session, actor: Actor, team_id: int) -> bool:
    teams = visible_team_ids(session, actor)
    return teams is None or team_id in teams


# --- recording --------------------------------------------------------------------------


def record_decision(
    session: Session,
    actor: Actor,
    *,
    team_id: int | None,
    round_ref: int | str | None,
    item_ids: Sequence[int],
    summary: str,
    answers: dict[str, str],
) -> dict[str, Any]:
    """Store a decision with its five answers. Every problem is reported at once, by field;
    nothing is written unless all is well."""
    require_acting(actor)
    problems: list[Problem] = []
    team = session.get(Team, team_id) if team_id else None
    if team is None:
        problems.append(Problem("choose the team this decision is about", field="team_id"))
    rnd = _prompting_round(session, actor, round_ref, problems)
    items = _rating_items(session, rnd, item_ids, problems)
    summary = (summary or "").strip()
    if not summary:
        problems.append(Problem("say in a sentence what you decided", field="summary"))
    elif len(summary) > SUMMARY_MAX:
        problems.append(Problem(f"keep it under {SUMMARY_MAX} characters", field="summary"))
    cleaned = {f: (answers.get(f) or "").strip() for f in QUESTION_FIELDS}
    for field, question in QUESTIONS:
        if not cleaned[field]:
            problems.append(Problem(f"answer “{question}”", field=field))
        elif len(cleaned[field]) > ANSWER_MAX:
            problems.append(Problem(f"keep it under {ANSWER_MAX} characters", field=field))
    if problems:
        raise ValidationError(problems)
    assert team is not None and rnd is not None  # checked above
    check_may_act_for(session, actor, team.id)
    decision = PulseDecision(
        team_id=team.id,
        round_id=rnd.id,
        item_ids=items,
        summary=summary,
        created_by=actor.email,
        **cleaned,
    )
    session.add(decision)
    session.flush()
    audit.record(session, actor, "pulse.decision", team.name, decision=decision.id)
    return decision_to_dict(session, decision)


def _prompting_round(
    session: Session, actor: Actor, ref: int | str | None, problems: list[Problem]
) -> PulseRound | None:
    """The round whose results prompted the decision: one the actor can see results of."""
    if ref is None or ref == "":
        problems.append(Problem("choose the round whose results prompted this", field="round"))
        return None
    try:
        rnd = rounds.get_round(session, ref)
    except NotFound as exc:
        problems.append(Problem(str(exc), field="round"))
        return None
    seen = (
        (rounds.CLOSED, rounds.RESULTS)
        if actor.can(Permission.PULSE_VIEW_ORG)
        else (rounds.RESULTS,)
    )
    if rnd.status not in seen:
        problems.append(Problem(f"round {rnd.name!r} has no results yet", field="round"))
        return None
    return rnd


def _rating_items(
    session: Session, rnd: PulseRound | None, item_ids: Iterable[int], problems: list[Problem]
) -> list[int]:
    chosen = list(dict.fromkeys(int(i) for i in item_ids))
    if not chosen:
        problems.append(Problem("choose at least one question it responds to", field="item_ids"))
        return []
    if rnd is None:
        return chosen
    known = {i.id for i in rounds.round_items(session, rnd.id).ratings}
    unknown = [i for i in chosen if i not in known]
    if unknown:
        problems.append(
            Problem(f"not rating questions of {rnd.name!r}: {unknown}", field="item_ids")
        )
    return chosen


# --- reading ----------------------------------------------------------------------------


def decision_to_dict(session: Session, d: PulseDecision) -> dict[str, Any]:
    team = session.get(Team, d.team_id)
    rnd = session.get(PulseRound, d.round_id)
    experiments = session.execute(
        select(PulseExperiment.id, PulseExperiment.status, PulseExperiment.change)
        .where(PulseExperiment.decision_id == d.id)
        .order_by(PulseExperiment.id)
    ).all()
    return {
        "id": d.id,
        "team": {"id": d.team_id, "name": team.name if team else "?"},
        "round": {"id": d.round_id, "name": rnd.name if rnd else "?"},
        "item_ids": list(d.item_ids),
        "summary": d.summary,
        "answers": {f: getattr(d, f) for f in QUESTION_FIELDS},
        "checklist": [{"field": f, "question": q, "answer": getattr(d, f)} for f, q in QUESTIONS],
        "created_by": d.created_by,
        "created_at": d.created_at.isoformat(timespec="seconds") if d.created_at else None,
        "experiments": [{"id": i, "status": s, "change": c} for i, s, c in experiments],
    }


def list_decisions(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Decisions the actor may see, newest first."""
    require_viewing(actor)
    query = select(PulseDecision).order_by(PulseDecision.id.desc())
    teams = visible_team_ids(session, actor)
    if teams is not None:
        query = query.where(PulseDecision.team_id.in_(teams))
    return [decision_to_dict(session, d) for d in session.scalars(query)]


def get_decision(session: Session, actor: Actor, decision_id: int) -> PulseDecision:
    require_viewing(actor)
    decision = session.get(PulseDecision, decision_id)
    if decision is None or not _visible(session, actor, decision.team_id):
        raise NotFound(f"no decision {decision_id} that you can see")
    return decision


def decision_form(session: Session, actor: Actor) -> dict[str, Any]:
    """What the 'record a decision' form offers: the actor's teams, the rounds whose results
    they can see, the rating items of the latest such round, and the five questions."""
    require_acting(actor)
    if actor.can(Permission.PULSE_RUN):
        teams = list(session.scalars(select(Team).order_by(Team.name)))
    else:
        teams = led_teams(session, actor)
    statuses = (
        (rounds.CLOSED, rounds.RESULTS)
        if actor.can(Permission.PULSE_VIEW_ORG)
        else (rounds.RESULTS,)
    )
    seen = rounds.rounds_in(session, statuses)
    latest = seen[-1] if seen else None
    ratings = rounds.round_items(session, latest.id).ratings if latest else []
    return {
        "teams": [{"id": t.id, "name": t.name} for t in teams],
        "rounds": [{"id": r.id, "name": r.name} for r in reversed(seen)],
        "items": [i.to_dict() for i in ratings],
        "questions": [{"field": f, "question": q} for f, q in QUESTIONS],
    }
