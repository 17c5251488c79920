"""What each role may see, as plain data dicts: the page and its `/api` twin render the
same dict. Numbers always come from :func:`heard.pulse.anonymity.round_results`; this
module only decides *which groups* an actor may look at.

- members: the rounds they are invited to and the answer form; no team numbers (a member
  who knows their own answer could subtract it from a small team's mean).
- leaders: their own teams' results once a round's results are out, with their gap.
- people partners, executives and admins: organisation-wide aggregates of closed rounds.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Forbidden, NotFound
from heard.pulse import anonymity, gaps, rounds, signs
from heard.pulse.items import OPEN as OPEN_ITEM
from heard.pulse.predictions import led_team_names, led_teams, predictions_for_round
from heard.pulse.report import report_records
from heard.store.engine import read_rows
from heard.store.tables.pulse import PulseInvitation, PulseRound

LEADER_ROUNDS = (rounds.RESULTS,)
ORG_ROUNDS = (rounds.CLOSED, rounds.RESULTS)


def _round_statuses(actor: Actor) -> tuple[str, ...]:
    return ORG_ROUNDS if actor.can(Permission.PULSE_VIEW_ORG) else LEADER_ROUNDS


def _pick_round(
    session: Session, statuses: tuple[str, ...], ref: int | str | None
) -> PulseRound | None:
    if ref is None or ref == "":
        return rounds.latest_round(session, statuses)
    rnd = rounds.get_round(session, ref)
    if rnd.status not in statuses:
        raise NotFound(f"round {rnd.name!r} has no results you can see yet ({rnd.status})")
    return rnd


def _round_list(session: Session, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    return [rounds.round_to_dict(r) for r in rounds.rounds_in(session, statuses)]


def report_view(session: Session, actor: Actor, round_ref: int | str | None) -> dict[str, Any]:
    """The report records an actor may see: every team for organisation viewers, their own
    teams for leaders."""
    if actor.can(Permission.PULSE_VIEW_ORG):
        team_ids = None
    else:
        require(actor, Permission.PULSE_LEAD)
        team_ids = [t.id for t in led_teams(session, actor)]
    statuses = _round_statuses(actor)
    rnd = _pick_round(session, statuses, round_ref)
    if rnd is None:
        raise NotFound("no pulse round has results yet")
    results = anonymity.round_results(session, rnd.id)
    records = report_records(session, results, team_ids)
    audit.record(session, actor, "pulse.report", rnd.name, records=len(records))
    return {"round": rounds.round_to_dict(rnd), "k": results.k, "records": records}


def leader_gap_view(
    session: Session, actor: Actor, team_id: int | None = None, round_ref: int | str | None = None
) -> dict[str, Any]:
    """A leader's gap page: predicted against actual per item, calibration, trend."""
    require(actor, Permission.PULSE_LEAD)
    teams = led_teams(session, actor)
    base: dict[str, Any] = {
        "teams": [{"id": t.id, "name": t.name} for t in teams],
        "rounds": _round_list(session, LEADER_ROUNDS),
        "team": None,
        "round": None,
        "gap": None,
        "trend": [],
        "warnings": [],
        "comments": [],
        "open_rounds": [],
    }
    if not teams:
        return base
    base["open_rounds"] = rounds.open_round_names(session)
    team = next((t for t in teams if t.id == team_id), None) if team_id else teams[0]
    if team is None:
        raise Forbidden("you can only see the results of a team you lead")
    base["team"] = {"id": team.id, "name": team.name}
    rnd = _pick_round(session, LEADER_ROUNDS, round_ref)
    if rnd is None:
        return base
    trend, history = _leader_history(session, team.id)
    chosen = next(((g, r) for g, r in history if r.round_id == rnd.id), None)
    if chosen is None:  # the team did not exist when that round closed
        return base | {"round": rounds.round_to_dict(rnd)}
    gap, results = chosen
    comments = anonymity.visible_comments(session, results, gap.group)
    audit.record(session, actor, "pulse.gap_view", team.name, round=rnd.name)
    return base | {
        "round": rounds.round_to_dict(rnd),
        "k": results.k,
        "gap": gap.to_dict(),
        "trend": trend,
        "warnings": signs.warning_signs([g for g, _r in history]),
        "comments": comments,
        "comment_threshold": results.comment_k,
    }


def leader_trend(session: Session, team_id: int) -> list[dict[str, Any]]:
    """The team's gap in every round with results, oldest first."""
    return _leader_history(session, team_id)[0]


def _leader_history(
    session: Session, team_id: int
) -> tuple[list[dict[str, Any]], list[tuple[gaps.TeamGap, anonymity.RoundResults]]]:
    """The trend points, and each round's gap with the results it came from."""
    points: list[dict[str, Any]] = []
    history: list[tuple[gaps.TeamGap, anonymity.RoundResults]] = []
    for rnd in rounds.rounds_in(session, LEADER_ROUNDS):
        results = anonymity.round_results(session, rnd.id)
        if results.group(team_id) is None:
            continue
        prediction = predictions_for_round(session, rnd.id, [team_id]).get(team_id)
        gap = gaps.team_gap(results, team_id, prediction)
        history.append((gap, results))
        points.append(
            {
                "round": {"id": rnd.id, "name": rnd.name},
                "suppressed": gap.group.suppressed,
                "predicted": prediction is not None,
                "mean_gap": gaps.rounded(gap.mean_gap),
                "mean_abs_gap": gaps.rounded(gap.mean_abs_gap),
                "spearman": gaps.rounded(gap.spearman),
                "knows_what_hurts_most": gap.knows_worst,
                "items": [
                    {
                        "item_id": i.item.id,
                        "actual_mean": gaps.rounded(i.figure.mean) if i.figure else None,
                        "predicted_mean": gaps.rounded(i.predicted),
                    }
                    for i in gap.items
                ],
            }
        )
    return points, history


def org_view(session: Session, actor: Actor, round_ref: int | str | None = None) -> dict[str, Any]:
    """The people partner's organisation view of one closed round, plus the trend."""
    require(actor, Permission.PULSE_VIEW_ORG)
    rnd = _pick_round(session, ORG_ROUNDS, round_ref)
    data: dict[str, Any] = {"rounds": _round_list(session, ORG_ROUNDS), "round": None}
    if rnd is None:
        return data
    results = anonymity.round_results(session, rnd.id)
    predictions = predictions_for_round(session, rnd.id)
    groups = sorted(results.groups.values(), key=lambda g: (g.scope != anonymity.TREE, g.name))
    audit.record(session, actor, "pulse.org_view", rnd.name)
    return data | {
        "round": rounds.round_to_dict(rnd),
        "k": results.k,
        "items": [i.to_dict() for i in results.items],
        "gaps": gaps.org_gaps(results, predictions),
        "groups": [g.to_dict(results.k) for g in groups if g.invited > 0],
        "trend": org_trend(session),
        "warning_signs": signs.org_signs_for_round(session, results, predictions),
    }


def trend_point(session: Session, round_id: int) -> dict[str, Any]:
    """One round of the organisation trend, from the aggregation function."""
    return gaps.org_trend_point(
        anonymity.round_results(session, round_id), predictions_for_round(session, round_id)
    )


def org_trend(session: Session) -> list[dict[str, Any]]:
    """The organisation trend over every closed round: stored at close, else computed."""
    return [
        rnd.summary if rnd.summary is not None else trend_point(session, rnd.id)
        for rnd in rounds.rounds_in(session, ORG_ROUNDS)
    ]


# Built once: the home page of everyone runs it, and composing it cost more than running it.
_MY_OPEN_ROUNDS = (
    select(*rounds.ROUND_COLUMNS, PulseInvitation.answered, PulseInvitation.reminders)
    .join(PulseInvitation, PulseInvitation.round_id == PulseRound.id)
    .where(
        PulseInvitation.person_id == bindparam("person_id"), PulseRound.status == rounds.OPEN
    )
    .order_by(PulseRound.id)
)


def member_view(session: Session, actor: Actor) -> dict[str, Any]:
    """Open rounds the actor is invited to, and whether they have answered."""
    require(actor, Permission.PULSE_ANSWER)
    if actor.person_id is None:
        return {"rounds": []}
    rows = read_rows(session, _MY_OPEN_ROUNDS, {"person_id": actor.person_id})
    return {
        "rounds": [
            rounds.round_to_dict(r) | {"answered": r.answered, "reminders": r.reminders}
            for r in rows
        ]
    }


def answer_form(session: Session, actor: Actor, round_ref: int | str) -> dict[str, Any]:
    require(actor, Permission.PULSE_ANSWER)
    rnd = rounds.get_round(session, round_ref)
    mine = member_view(session, actor)["rounds"]
    entry = next((r for r in mine if r["id"] == rnd.id), None)
    if entry is None:
        raise NotFound(f"round {rnd.name!r} is not open for you")
    items = rounds.round_items(session, rnd.id)
    return {
        "round": entry,
        "ratings": [
            i.to_dict() | {"choices": list(range(i.scale_min, i.scale_max + 1))}
            for i in items.ratings
        ],
        "open_questions": [i.to_dict() for i in items.open if i.kind == OPEN_ITEM],
    }


def rounds_view(session: Session, actor: Actor) -> dict[str, Any]:
    """Rounds with their live response rates, for whoever runs them."""
    require(actor, Permission.PULSE_RUN)
    return {"rounds": rounds.list_rounds(session, actor)}


def home_panel(session: Session, actor: Actor) -> dict[str, Any] | None:
    """The pulse panel of the home page: rounds waiting for an answer, and for leaders the
    open rounds to predict and a link to their gap."""
    if not actor.can(Permission.PULSE_ANSWER):
        return None
    waiting = [r for r in member_view(session, actor)["rounds"] if not r["answered"]]
    teams = led_team_names(session, actor) if actor.can(Permission.PULSE_LEAD) else []
    if not waiting and not teams:
        return None
    return {
        "waiting": waiting,
        "leads": bool(teams),
        "teams": teams,
        "predict": rounds.open_round_names(session) if teams else [],
    }
