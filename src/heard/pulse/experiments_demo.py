"""Demo decisions and experiments, on top of the pulse rounds of :mod:`heard.pulse.demo`.

* Lee (lee@heard.example) read the third round, answered the five questions, and tried
  protected focus mornings on Support Tier 1 EMEA from the fourth round on. The team's
  workload and meeting scores rise against similar Support teams (a positive
  difference-in-differences with an interval clear of zero), and ten of the team (Mo
  among them) have said how it lands, so their words show. The experiment is still
  running: Lee can conclude it.
* Pat (pat@heard.example) tried shout-outs for recognition on another team: concluded,
  no change distinguishable from similar teams.
* Pat also tried async stand-ups on a third team, abandoned after a round.

Everything goes through the same domain functions as the pages. Nothing here draws from
the shared demo random generator, so later demo steps see the same numbers as before.
"""

from __future__ import annotations

from sqlalchemy import select

from heard.accounts.policy import Actor, Role
from heard.demo.generator import DemoContext
from heard.pulse import decisions, experiments, rounds
from heard.settings import Settings
from heard.store.tables.accounts import User
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse_decisions import PulseExperiment

CHANGE_LANDS_AFTER = 3  # matches heard.pulse.demo.EXPERIMENT_AFTER
STILL = 0.2  # points: Pat's experiments go to teams whose figures stayed about level
FOCUS = ("workload", "meeting load")
LEE_ANSWERS = {
    "who_is_affected": "The Tier 1 EMEA agents, all of them: workload and focus time were "
    "the team's lowest scores for three rounds, and four people said so in 1:1s.",
    "evidence": "Pulse: 'I get enough uninterrupted time to focus' well below the "
    "department for three rounds, and I predicted it a point too high each time. I sat "
    "with the morning shift twice: planning and status calls broke up every morning.",
    "assumptions": "I assumed quiet meant coping. I am now assuming the problem is "
    "fragmented time, not too many tickets; if it is tickets, focus mornings will not help.",
    "reversible_test": "No internal meetings before noon, Tuesday to Thursday, for three "
    "pulse rounds on this team only. We go back to the old calendar if queues suffer.",
    "feedback_plan": "Anonymous notes on the experiment in heard, the next pulse rounds, "
    "and a barrier-focused check-in with each person half-way through.",
}
FEEDBACK = (
    "Mornings are finally quiet enough to clear the hard tickets.",
    "I get through the complex cases before lunch now.",
    "Less context switching. I did not realise how much the 9:30 call cost.",
    "Better, but afternoons are now packed with the meetings that moved.",
    "It helps on Tuesdays; Thursdays still get interrupted by escalations.",
    "I feel less behind by the end of the week.",
    "Good change. Please keep it after the trial.",
    "The queue is the same size, but I can think again.",
    "New joiners need a way to ask questions in the morning.",
    "Fewer status meetings means I actually read the handover notes.",
)


def build(ctx: DemoContext) -> None:
    session = ctx.session
    published = rounds.rounds_in(session, (rounds.RESULTS,))
    lee = _actor(ctx, Role.LEADER)
    pat = _actor(ctx, Role.PEOPLE_PARTNER)
    if len(published) <= CHANGE_LANDS_AFTER or lee is None or pat is None:
        return
    prompt, start = published[CHANGE_LANDS_AFTER - 1], published[CHANGE_LANDS_AFTER]
    items = rounds.round_items(session, prompt.id).ratings
    lee_team = session.scalar(
        select(Team).where(Team.leader_id == lee.person_id).order_by(Team.name).limit(1)
    )
    if lee_team is None:
        return
    focus = [i.id for i in items if i.dimension in FOCUS]
    made = decisions.record_decision(
        session,
        lee,
        team_id=lee_team.id,
        round_ref=prompt.id,
        item_ids=focus,
        summary="Protected focus mornings: no internal meetings before noon, Tue-Thu",
        answers=LEE_ANSWERS,
    )
    running = experiments.start_experiment(
        session, lee, made["id"], start_round=start.id, change=made["summary"]
    )
    _feedback(ctx, running["id"], lee_team.id)
    recognition = [i.id for i in items if i.dimension == "recognition"]
    meetings = [i.id for i in items if i.dimension == "meeting load"]
    first = _still_team(ctx, start.id, recognition, exclude={lee_team.id})
    if first is not None:
        _finished(ctx, pat, first, prompt.id, start.id, recognition, concluded=True)
        second = _still_team(ctx, start.id, meetings, exclude={lee_team.id, first})
        if second is not None:
            _finished(ctx, pat, second, prompt.id, start.id, meetings, concluded=False)
    ctx.summary["pulse experiments"] = "1 running (Lee's), 1 concluded, 1 abandoned"


def _actor(ctx: DemoContext, role: Role) -> Actor | None:
    user = ctx.logins.get(role)
    if user is None:
        return None
    return Actor(user.id, user.name, user.email, role, user.person_id)


def _feedback(ctx: DemoContext, experiment_id: int, team_id: int) -> None:
    """Ten of the team say how it lands: enough to pass the comment threshold (10)."""
    team = ctx.session.get(Team, team_id)
    rows = ctx.session.execute(
        select(User, Person.id)
        .join(Person, Person.id == User.person_id)
        .where(Person.team_id == team_id, Person.active.is_(True))
        .order_by(Person.id)
    ).all()
    members = [
        Actor(u.id, u.name, u.email, Role(u.role), pid)
        for u, pid in rows
        if team is None or team.leader_id != pid
    ]
    settings = Settings.from_env(environ={})
    for member, text in zip(members, FEEDBACK, strict=False):
        experiments.give_feedback(
            ctx.session, member, experiment_id, text, settings, today=ctx.today
        )


def _still_team(
    ctx: DemoContext, start_round_id: int, item_ids: list[int], exclude: set[int]
) -> int | None:
    """A reportable team outside Lee's department with a full comparison group, whose
    figures on ``item_ids`` did not move against it: the demo plants no effect there, and
    this keeps the "no change" story clean."""
    window = experiments.window(ctx.session, start_round_id)
    cache = experiments.ResultsCache(ctx.session)
    taken = {t.department_id for t in ctx.session.scalars(select(Team).where(Team.id.in_(exclude)))}
    for team in ctx.session.scalars(select(Team).order_by(Team.name)):
        if team.id in exclude or team.department_id in taken:
            continue
        found = experiments.candidates(ctx.session, team.id, item_ids, window.baseline, cache)
        if len(found) < experiments.COMPARISON_SIZE:
            continue
        trial = PulseExperiment(  # never added to the session: only to read the estimate
            team_id=team.id,
            item_ids=item_ids,
            start_round_id=start_round_id,
            end_round_id=None,
            comparison_team_ids=experiments.suggest(found),
        )
        did = experiments.analyse(ctx.session, trial, cache)["did"]
        if did and did["ci_low"] is not None and abs(did["estimate"]) < STILL:
            return team.id
    return None


def _finished(
    ctx: DemoContext,
    pat: Actor,
    team_id: int,
    prompt_id: int,
    start_id: int,
    item_ids: list[int],
    *,
    concluded: bool,
) -> None:
    if concluded:
        summary = "Weekly shout-outs in the team channel for work that prevents incidents"
        answers = {
            "who_is_affected": "The whole team: recognition was its lowest item two rounds "
            "running.",
            "evidence": "Pulse recognition scores; the leader's skip-levels mentioned "
            "unnoticed fixes.",
            "assumptions": "That people want public thanks rather than time or career credit.",
            "reversible_test": "Shout-outs for three rounds on this team only.",
            "feedback_plan": "The next pulse rounds and an anonymous note on the experiment.",
        }
        outcome = (
            "No change distinguishable from similar teams. People said the shout-outs felt "
            "forced; trying promotion-case credit instead."
        )
    else:
        summary = "Replace the daily stand-up with written async updates"
        answers = {
            "who_is_affected": "Everyone on the team: meeting-load scores fell.",
            "evidence": "Pulse meeting items; the leader counted 6 recurring meetings.",
            "assumptions": "That written updates cost less than a 15-minute call.",
            "reversible_test": "Async updates for two rounds, stand-up back on request.",
            "feedback_plan": "Ask in the team retro and in the next pulse.",
        }
        outcome = "Stopped after one round: the updates piled up unread and the team asked "
        outcome += "for the stand-up back."
    made = decisions.record_decision(
        ctx.session,
        pat,
        team_id=team_id,
        round_ref=prompt_id,
        item_ids=item_ids,
        summary=summary,
        answers=answers,
    )
    started = experiments.start_experiment(ctx.session, pat, made["id"], start_round=start_id)
    status = experiments.CONCLUDED if concluded else experiments.ABANDONED
    experiments.set_status(
        ctx.session, pat, started["id"], status, outcome, end_round=None if concluded else start_id
    )
