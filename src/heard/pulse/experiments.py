"""Small experiments: try a change on one team, compare it with similar teams over the next
rounds by difference-in-differences, and hear the team's own words about it.

**Outcome.** Per team and round with results: the mean of the target items' team means,
each placed on the 1-5 range. Only figures :func:`heard.pulse.anonymity.round_results`
shows are used (a team's own *team* group, never a roll-up); a suppressed team-round is
left out, never recomputed from raw answers.

**Rounds.** Baseline: up to ``BASELINE_ROUNDS`` rounds with results before the start round
(the first round after the change). After: the start round and every later round with
results, up to the round that was latest when the experiment stopped.

**Comparison teams** (chosen automatically at start, overridable): every other team whose
figures were shown in every baseline round, that is not itself running an experiment.
Teams in the same department come first; within each half, the nearest by
``|baseline difference in points| + 0.5 x |size difference| / team size`` (a team twice
as big weighs like half a point of baseline). ``COMPARISON_SIZE`` are taken; at least
``MIN_COMPARISON`` are required, so a leader never sees a single other team's figure.

**Estimate.** statsmodels OLS on team-round means, ``y ~ treated:post + C(team) +
C(round)`` (team and round fixed effects). Standard errors are conventional, because an
experiment has one treated team and cluster-robust errors with one treated cluster are far
too narrow (a simulation in ``benchmarks/pulse_did_coverage.py``: 95% intervals covered the
truth 32-74% of the time, conventional ones 87-96%). Cluster-robust by team is used only
when both arms have at least ``CLUSTER_MIN`` teams. See ``docs/pulse.md`` for the limits.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from heard import audit
from heard.accounts.policy import Actor, Permission, require
from heard.errors import Conflict, Forbidden, NotFound, Problem, ValidationError
from heard.pulse import anonymity, config, decisions, rounds
from heard.pulse.anonymity import TEAM, RoundResults
from heard.settings import Settings
from heard.store.tables.org import Department, Person, Team
from heard.store.tables.pulse import PulseRound
from heard.store.tables.pulse_decisions import (
    PulseExperiment,
    PulseExperimentEvent,
    PulseExperimentFeedback,
    PulseFeedbackGiven,
)

RUNNING, CONCLUDED, ABANDONED = "running", "concluded", "abandoned"
AUTOMATIC, BY_HAND = "automatic", "by hand"
BASELINE_ROUNDS = 3
COMPARISON_SIZE = 5
MIN_COMPARISON = 2
SIZE_WEIGHT = 0.5
CLUSTER_MIN = 10  # teams per arm before cluster-robust errors can be trusted
FEEDBACK_MAX = 1000
_SYSTEM_RANDOM = random.SystemRandom()  # feedback order must not be predictable


# --- rounds in order --------------------------------------------------------------------


def ordered_rounds(session: Session) -> list[PulseRound]:
    """Every round in time order: closed ones by closing time, then the rest by creation."""
    every = list(session.scalars(select(PulseRound)))
    return sorted(every, key=lambda r: (r.closed_at is None, r.closed_at or 0, r.id))


@dataclass(frozen=True)
class Window:
    baseline: list[PulseRound]
    after: list[PulseRound]


def window(session: Session, start_round_id: int, end_round_id: int | None = None) -> Window:
    """Baseline and after rounds (with results) around a start round."""
    order = ordered_rounds(session)
    position = {r.id: i for i, r in enumerate(order)}
    start = position[start_round_id]
    end = position[end_round_id] if end_round_id in position else len(order)
    published = [r for r in order if r.status == rounds.RESULTS]
    before = [r for r in published if position[r.id] < start][-BASELINE_ROUNDS:]
    after = [r for r in published if start <= position[r.id] <= end]
    return Window(before, after)


class ResultsCache:
    """round_results per round, computed once per request."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._seen: dict[int, RoundResults] = {}

    def __call__(self, round_id: int) -> RoundResults:
        if round_id not in self._seen:
            self._seen[round_id] = anonymity.round_results(self.session, round_id)
        return self._seen[round_id]


def outcome(results: RoundResults, team_id: int, item_ids: Sequence[int]) -> float | None:
    """The team's mean over the target items (1-5 range) if its figures are shown."""
    group = results.groups.get((team_id, TEAM))
    if group is None or group.suppressed:
        return None
    values = [
        item.to_1_5(figure.mean)
        for item in results.items
        if item.id in item_ids and (figure := group.figure(item.id)) is not None
    ]
    return float(np.mean(values)) if values else None


# --- comparison teams ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    team_id: int
    name: str
    department: str
    same_department: bool
    size: int
    baseline: float
    distance: float

    def to_dict(self, show_baseline: bool) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "name": self.name,
            "department": self.department,
            "same_department": self.same_department,
            "size": self.size,
            # another team's figure: only for those who see organisation figures anyway
            "baseline": round(self.baseline, 2) if show_baseline else None,
            "distance": round(self.distance, 3),
        }


def candidates(
    session: Session,
    team_id: int,
    item_ids: Sequence[int],
    baseline: list[PulseRound],
    cache: ResultsCache,
) -> list[Candidate]:
    """Every team eligible for comparison, best first (the rule in the module docstring)."""
    if not baseline:
        return []
    series = {r.id: cache(r.id) for r in baseline}
    treated = [outcome(res, team_id, item_ids) for res in series.values()]
    treated_values = [v for v in treated if v is not None]
    latest = series[baseline[-1].id].groups.get((team_id, TEAM))
    if not treated_values or latest is None:
        return []
    treated_base, treated_size = float(np.mean(treated_values)), max(latest.invited, 1)
    teams = {t.id: t for t in session.scalars(select(Team))}
    departments = {i: n for i, n in session.execute(select(Department.id, Department.name))}
    busy = set(
        session.scalars(select(PulseExperiment.team_id).where(PulseExperiment.status == RUNNING))
    )
    home = teams[team_id].department_id if team_id in teams else None
    found = []
    for other, team in teams.items():
        if other == team_id or other in busy:
            continue
        values = [outcome(res, other, item_ids) for res in series.values()]
        if any(v is None for v in values):
            continue  # hidden in some baseline round: not comparable
        group = series[baseline[-1].id].groups[(other, TEAM)]
        base = float(np.mean([v for v in values if v is not None]))
        distance = (
            abs(base - treated_base)
            + SIZE_WEIGHT * abs(group.invited - treated_size) / treated_size
        )
        found.append(
            Candidate(
                team_id=other,
                name=team.name,
                department=departments.get(team.department_id, ""),
                same_department=team.department_id == home,
                size=group.invited,
                baseline=base,
                distance=distance,
            )
        )
    return sorted(found, key=lambda c: (not c.same_department, c.distance, c.team_id))


def suggest(found: list[Candidate]) -> list[int]:
    return [c.team_id for c in found[:COMPARISON_SIZE]]


# --- the estimate -----------------------------------------------------------------------


@dataclass(frozen=True)
class DidEstimate:
    estimate: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    teams: int
    treated_teams: int
    rounds: int
    observations: int
    errors: str  # conventional | cluster-robust by team | none

    def to_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "estimate": r(self.estimate),
            "se": r(self.se),
            "ci_low": r(self.ci_low),
            "ci_high": r(self.ci_high),
            "p_value": r(self.p_value),
            "teams": self.teams,
            "treated_teams": self.treated_teams,
            "rounds": self.rounds,
            "observations": self.observations,
            "standard_errors": self.errors,
        }


def difference_in_differences(panel: pd.DataFrame) -> DidEstimate | None:
    """DiD on a panel of team-round means (columns team, round, y, treated, post) with team
    and round fixed effects. None when the design cannot identify an effect (no treated or
    comparison observations on both sides of the change)."""
    panel = panel.dropna(subset=["y"]).copy()
    panel["treated_post"] = (panel["treated"] & panel["post"]).astype(float)
    cells = panel.groupby(["treated", "post"]).size()
    if any(cells.get((t, p), 0) == 0 for t in (True, False) for p in (True, False)):
        return None
    model = smf.ols("y ~ treated_post + C(team) + C(round)", data=panel)
    treated_teams = int(panel.loc[panel["treated"], "team"].nunique())
    comparison_teams = int(panel.loc[~panel["treated"], "team"].nunique())
    if min(treated_teams, comparison_teams) >= CLUSTER_MIN:
        groups = pd.factorize(panel["team"])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)
        errors = "cluster-robust by team"
    else:
        fit = model.fit()
        errors = "conventional"
    estimate = float(fit.params["treated_post"])
    if fit.df_resid < 1 or not np.isfinite(fit.bse["treated_post"]):
        se = low = high = p = None
        errors = "none (too few teams and rounds for an interval)"
    else:
        low, high = (float(v) for v in fit.conf_int(alpha=0.05).loc["treated_post"])
        se, p = float(fit.bse["treated_post"]), float(fit.pvalues["treated_post"])
    return DidEstimate(
        estimate=estimate,
        se=se,
        ci_low=low,
        ci_high=high,
        p_value=p,
        teams=int(panel["team"].nunique()),
        treated_teams=treated_teams,
        rounds=int(panel["round"].nunique()),
        observations=len(panel),
        errors=errors,
    )


def reading(team: str, est: DidEstimate | None) -> str:
    """The estimate in a sentence a leader can act on."""
    if est is None:
        return "Not enough rounds yet: the comparison needs results from before and after."
    if est.ci_low is None or est.ci_high is None:
        return (
            f"{team} moved {est.estimate:+.2f} points relative to similar teams, but there "
            "are too few teams and rounds to say how sure that is."
        )
    interval = f"(95% CI {est.ci_low:.2f} to {est.ci_high:.2f})"
    if est.ci_low > 0:
        return f"{team} improved by {est.estimate:.2f} points more than similar teams {interval}."
    if est.ci_high < 0:
        return f"{team} fell by {-est.estimate:.2f} points more than similar teams {interval}."
    return (
        f"Not distinguishable from no change: {est.estimate:+.2f} points relative to similar "
        f"teams {interval}."
    )


# --- starting and running experiments ----------------------------------------------------


def start_experiment(
    session: Session,
    actor: Actor,
    decision_id: int,
    *,
    start_round: int | str | None,
    item_ids: Sequence[int] | None = None,
    comparison_team_ids: Sequence[int] | None = None,
    change: str = "",
) -> dict[str, Any]:
    """Start an experiment on the decision's team. Without ``comparison_team_ids`` the
    comparison teams are chosen automatically."""
    decisions.require_acting(actor)
    decision = decisions.get_decision(session, actor, decision_id)
    decisions.check_may_act_for(session, actor, decision.team_id)
    targets = list(dict.fromkeys(item_ids or decision.item_ids))
    problems: list[Problem] = []
    change = (change or decision.summary).strip()
    if len(change) > decisions.SUMMARY_MAX:
        problems.append(Problem(f"keep it under {decisions.SUMMARY_MAX} characters", "change"))
    start = _start_round(session, decision.round_id, start_round, problems)
    if start is not None:
        _check_items(session, start, targets, problems)
    if problems:
        raise ValidationError(problems)
    assert start is not None
    if session.scalar(
        select(PulseExperiment.id).where(
            PulseExperiment.team_id == decision.team_id, PulseExperiment.status == RUNNING
        )
    ):
        raise Conflict("this team already runs an experiment; conclude or abandon it first")
    cache = ResultsCache(session)
    found = candidates(
        session, decision.team_id, targets, window(session, start.id).baseline, cache
    )
    if not found and not comparison_team_ids:
        raise ValidationError(
            [
                Problem(
                    "the team has no reported results before this round to compare", "start_round"
                )
            ]
        )
    chosen = _comparison(found, comparison_team_ids)
    experiment = PulseExperiment(
        decision_id=decision.id,
        team_id=decision.team_id,
        change=change,
        item_ids=targets,
        start_round_id=start.id,
        comparison_team_ids=chosen,
        comparison_chosen=BY_HAND if comparison_team_ids else AUTOMATIC,
        status=RUNNING,
        outcome="",
        created_by=actor.email,
    )
    session.add(experiment)
    session.flush()
    _event(
        session, actor, experiment, "started", f"from {start.name}; {_team_names(found, chosen)}"
    )
    audit.record(session, actor, "pulse.experiment_start", str(experiment.id))
    return {"id": experiment.id, "status": experiment.status}


def _start_round(
    session: Session, prompt_round_id: int, ref: int | str | None, problems: list[Problem]
) -> PulseRound | None:
    if ref is None or ref == "":
        problems.append(Problem("choose the first round after the change", "start_round"))
        return None
    try:
        rnd = rounds.get_round(session, ref)
    except NotFound as exc:
        problems.append(Problem(str(exc), "start_round"))
        return None
    order = [r.id for r in ordered_rounds(session)]
    if order.index(rnd.id) <= order.index(prompt_round_id):
        problems.append(
            Problem("must come after the round that prompted the decision", "start_round")
        )
        return None
    return rnd


def _check_items(
    session: Session, rnd: PulseRound, item_ids: list[int], problems: list[Problem]
) -> None:
    if not item_ids:
        problems.append(Problem("choose the question(s) the change should move", "item_ids"))
        return
    if rnd.status == rounds.DRAFT:
        return  # a draft's items may still change; the window uses what each round asked
    known = {i.id for i in rounds.round_items(session, rnd.id).ratings}
    if unknown := [i for i in item_ids if i not in known]:
        problems.append(Problem(f"not rating questions of {rnd.name!r}: {unknown}", "item_ids"))


def _comparison(found: list[Candidate], chosen: Sequence[int] | None) -> list[int]:
    """The automatic choice, or the user's, checked against the eligible teams."""
    if not chosen:
        picked = suggest(found)
    else:
        eligible = {c.team_id for c in found}
        picked = list(dict.fromkeys(int(t) for t in chosen))
        wrong = [t for t in picked if t not in eligible]
        if wrong:
            raise ValidationError(
                [
                    Problem(
                        f"teams {wrong} cannot be compared: their results were hidden in a "
                        "baseline round, they run an experiment themselves, or it is the "
                        "experiment's own team",
                        "comparison_team_ids",
                    )
                ]
            )
    if len(picked) < MIN_COMPARISON:
        raise ValidationError(
            [
                Problem(
                    f"at least {MIN_COMPARISON} comparison teams with reported results are "
                    f"needed ({len(picked)} available)",
                    "comparison_team_ids",
                )
            ]
        )
    return picked


def _team_names(found: list[Candidate], team_ids: Sequence[int]) -> str:
    names = {c.team_id: c.name for c in found}
    return "compared with " + ", ".join(names.get(t, str(t)) for t in team_ids)


def _event(
    session: Session, actor: Actor, experiment: PulseExperiment, kind: str, note: str
) -> None:
    session.add(
        PulseExperimentEvent(experiment_id=experiment.id, kind=kind, note=note, actor=actor.email)
    )


def _experiment(session: Session, actor: Actor, experiment_id: int) -> PulseExperiment:
    decisions.require_viewing(actor)
    experiment = session.get(PulseExperiment, experiment_id)
    teams = decisions.visible_team_ids(session, actor)
    if experiment is None or (teams is not None and experiment.team_id not in teams):
        raise NotFound(f"no experiment {experiment_id} that you can see")
    return experiment


def set_comparison(
    session: Session, actor: Actor, experiment_id: int, team_ids: Sequence[int]
) -> dict[str, Any]:
    """Override the comparison teams (an empty list goes back to the automatic choice)."""
    decisions.require_acting(actor)
    experiment = _experiment(session, actor, experiment_id)
    decisions.check_may_act_for(session, actor, experiment.team_id)
    if experiment.status != RUNNING:
        raise Conflict(f"the experiment is {experiment.status}; its comparison is fixed")
    found = candidates(
        session,
        experiment.team_id,
        experiment.item_ids,
        window(session, experiment.start_round_id).baseline,
        ResultsCache(session),
    )
    found = [c for c in found if c.team_id != experiment.team_id]
    experiment.comparison_team_ids = _comparison(found, team_ids)
    experiment.comparison_chosen = BY_HAND if team_ids else AUTOMATIC
    note = _team_names(found, experiment.comparison_team_ids)
    _event(session, actor, experiment, "comparison", f"{experiment.comparison_chosen}: {note}")
    return {"id": experiment.id, "comparison_team_ids": experiment.comparison_team_ids}


def set_status(
    session: Session,
    actor: Actor,
    experiment_id: int,
    status: str,
    note: str,
    end_round: int | str | None = None,
) -> dict[str, Any]:
    """running -> concluded (with the outcome in words) or abandoned (with the reason).
    ``end_round``: the last round the change was in place (default: the latest with
    results); the analysis stops there."""
    decisions.require_acting(actor)
    experiment = _experiment(session, actor, experiment_id)
    decisions.check_may_act_for(session, actor, experiment.team_id)
    note = (note or "").strip()
    if status not in (CONCLUDED, ABANDONED):
        raise ValidationError([Problem("must be concluded or abandoned", "status")])
    if not note:
        what = "what came out of it" if status == CONCLUDED else "why it stopped"
        raise ValidationError([Problem(f"say {what}", "outcome")])
    if experiment.status != RUNNING:
        raise Conflict(f"the experiment is already {experiment.status}")
    last = (
        rounds.get_round(session, end_round)
        if end_round not in (None, "")
        else rounds.latest_round(session, (rounds.RESULTS,))
    )
    experiment.status, experiment.outcome = status, note
    experiment.end_round_id = last.id if last else None
    _event(session, actor, experiment, status, note)
    audit.record(session, actor, f"pulse.experiment_{status}", str(experiment.id))
    return {"id": experiment.id, "status": experiment.status}


# --- reading experiments ----------------------------------------------------------------


def analyse(
    session: Session, experiment: PulseExperiment, cache: ResultsCache | None = None
) -> dict[str, Any]:
    """The DiD result and the per-round series for the chart."""
    cache = cache or ResultsCache(session)
    span = window(session, experiment.start_round_id, experiment.end_round_id)
    rows = []
    series = []
    for post, group in ((False, span.baseline), (True, span.after)):
        for rnd in group:
            results = cache(rnd.id)
            treated = outcome(results, experiment.team_id, experiment.item_ids)
            others = _values(results, experiment)
            rows.append((experiment.team_id, rnd.id, treated, True, post))
            rows += [(t, rnd.id, v, False, post) for t, v in others]
            series.append(
                {
                    "round": {"id": rnd.id, "name": rnd.name},
                    "after_change": post,
                    "team": None if treated is None else round(treated, 3),
                    # pooled only over 2 or more teams: never one other team's figure
                    "comparison": round(float(np.mean([v for _t, v in others])), 3)
                    if len(others) >= MIN_COMPARISON
                    else None,
                    "comparison_teams": len(others),
                }
            )
    panel = pd.DataFrame(rows, columns=["team", "round", "y", "treated", "post"])
    panel = panel.astype({"treated": bool, "post": bool})
    est = difference_in_differences(panel) if len(panel) else None
    team = session.get(Team, experiment.team_id)
    return {
        "did": est.to_dict() if est else None,
        "reading": reading(team.name if team else "The team", est),
        "series": series,
        "baseline_rounds": len(span.baseline),
        "after_rounds": len(span.after),
    }


def _values(results: RoundResults, experiment: PulseExperiment) -> list[tuple[int, float]]:
    out = []
    for team in experiment.comparison_team_ids:
        value = outcome(results, team, experiment.item_ids)
        if value is not None:
            out.append((team, value))
    return out


def experiment_to_dict(
    session: Session, experiment: PulseExperiment, cache: ResultsCache | None = None
) -> dict[str, Any]:
    names = {i: n for i, n in session.execute(select(Team.id, Team.name))}
    rounds_by_id = {r.id: r.name for r in session.scalars(select(PulseRound))}
    return {
        "id": experiment.id,
        "decision_id": experiment.decision_id,
        "team": {"id": experiment.team_id, "name": names.get(experiment.team_id, "?")},
        "change": experiment.change,
        "item_ids": list(experiment.item_ids),
        "start_round": {
            "id": experiment.start_round_id,
            "name": rounds_by_id.get(experiment.start_round_id, "?"),
        },
        "end_round": {
            "id": experiment.end_round_id,
            "name": rounds_by_id.get(experiment.end_round_id or 0),
        }
        if experiment.end_round_id
        else None,
        "comparison": [
            {"team_id": t, "name": names.get(t, "?")} for t in experiment.comparison_team_ids
        ],
        "comparison_chosen": experiment.comparison_chosen,
        "status": experiment.status,
        "outcome": experiment.outcome,
        "created_by": experiment.created_by,
        "result": analyse(session, experiment, cache),
    }


def list_experiments(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Experiments the actor may see, newest first, each with its estimate."""
    decisions.require_viewing(actor)
    query = select(PulseExperiment).order_by(PulseExperiment.id.desc())
    teams = decisions.visible_team_ids(session, actor)
    if teams is not None:
        query = query.where(PulseExperiment.team_id.in_(teams))
    cache = ResultsCache(session)
    return [experiment_to_dict(session, e, cache) for e in session.scalars(query)]


def experiment_view(
    session: Session, actor: Actor, experiment_id: int, settings: Settings
) -> dict[str, Any]:
    """One experiment: the decision behind it, the DiD result, history and feedback."""
    experiment = _experiment(session, actor, experiment_id)
    decision = decisions.get_decision(session, actor, experiment.decision_id)
    cache = ResultsCache(session)
    found = candidates(
        session,
        experiment.team_id,
        experiment.item_ids,
        window(session, experiment.start_round_id).baseline,
        cache,
    )
    history = session.scalars(
        select(PulseExperimentEvent)
        .where(PulseExperimentEvent.experiment_id == experiment.id)
        .order_by(PulseExperimentEvent.id)
    )
    may_act = actor.can(Permission.PULSE_RUN) or actor.can(Permission.PULSE_LEAD)
    try:
        decisions.check_may_act_for(session, actor, experiment.team_id)
    except Forbidden:
        may_act = False
    audit.record(session, actor, "pulse.experiment_view", str(experiment.id))
    return {
        "experiment": experiment_to_dict(session, experiment, cache),
        "decision": decisions.decision_to_dict(session, decision),
        "items": [i for i in _item_names(session, experiment)],
        "candidates": [c.to_dict(actor.can(Permission.PULSE_VIEW_ORG)) for c in found],
        "history": [
            {
                "kind": e.kind,
                "note": e.note,
                "actor": e.actor,
                "at": e.at.isoformat(timespec="minutes") if e.at else None,
            }
            for e in history
        ],
        "feedback": feedback_summary(session, experiment, settings),
        "may_act": may_act,
    }


def _item_names(session: Session, experiment: PulseExperiment) -> list[dict[str, Any]]:
    from heard.store.tables.pulse import PulseItem

    rows = session.execute(
        select(PulseItem.id, PulseItem.text, PulseItem.dimension).where(
            PulseItem.id.in_(experiment.item_ids)
        )
    ).all()
    return [{"id": i, "text": t, "dimension": d} for i, t, d in rows]


def start_form(
    session: Session, actor: Actor, decision_id: int, start_round: int | str | None = None
) -> dict[str, Any]:
    """The decision page: its answers, and what starting an experiment would compare with."""
    decision = decisions.get_decision(session, actor, decision_id)
    order = ordered_rounds(session)
    prompt = next(i for i, r in enumerate(order) if r.id == decision.round_id)
    later = order[prompt + 1 :]
    chosen = None
    if start_round not in (None, ""):
        chosen = next((r for r in later if str(r.id) == str(start_round)), None)
    chosen = chosen or (later[0] if later else None)
    found: list[Candidate] = []
    if chosen is not None:
        found = candidates(
            session,
            decision.team_id,
            decision.item_ids,
            window(session, chosen.id).baseline,
            ResultsCache(session),
        )
    try:
        decisions.check_may_act_for(session, actor, decision.team_id)
        may_act = True
    except Forbidden:
        may_act = False
    return {
        "decision": decisions.decision_to_dict(session, decision),
        "start_rounds": [{"id": r.id, "name": r.name, "status": r.status} for r in later],
        "start_round": {"id": chosen.id, "name": chosen.name} if chosen else None,
        "candidates": [c.to_dict(actor.can(Permission.PULSE_VIEW_ORG)) for c in found],
        "suggested": suggest(found),
        "min_comparison": MIN_COMPARISON,
        "may_act": may_act,
    }


# --- the team's own words -----------------------------------------------------------------


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _member_of(session: Session, actor: Actor, experiment: PulseExperiment) -> bool:
    """Members of the experiment's team, not its leader (the change is about their work)."""
    if actor.person_id is None:
        return False
    person = session.get(Person, actor.person_id)
    team = session.get(Team, experiment.team_id)
    return (
        person is not None
        and person.active
        and person.team_id == experiment.team_id
        and (team is None or team.leader_id != person.id)
    )


def member_experiments(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Running experiments on the actor's own team, and whether they have said something."""
    require(actor, Permission.PULSE_ANSWER)
    if actor.person_id is None:
        return []
    person = session.get(Person, actor.person_id)
    if person is None:
        return []
    running = session.scalars(
        select(PulseExperiment).where(
            PulseExperiment.team_id == person.team_id, PulseExperiment.status == RUNNING
        )
    )
    out = []
    for experiment in running:
        if not _member_of(session, actor, experiment):
            continue
        out.append(
            {
                "id": experiment.id,
                "change": experiment.change,
                "given": _given(session, experiment.id, actor.person_id),
            }
        )
    return out


def _given(session: Session, experiment_id: int, person_id: int) -> bool:
    return (
        session.get(PulseFeedbackGiven, {"experiment_id": experiment_id, "person_id": person_id})
        is not None
    )


def feedback_form(session: Session, actor: Actor, experiment_id: int) -> dict[str, Any]:
    require(actor, Permission.PULSE_ANSWER)
    experiment = session.get(PulseExperiment, experiment_id)
    if experiment is None or not _member_of(session, actor, experiment):
        raise NotFound(f"no experiment {experiment_id} on your team")
    team = session.get(Team, experiment.team_id)
    assert actor.person_id is not None  # _member_of checked it
    return {
        "experiment": {
            "id": experiment.id,
            "change": experiment.change,
            "team": team.name if team else "",
            "status": experiment.status,
        },
        "given": _given(session, experiment.id, actor.person_id),
        "max_length": FEEDBACK_MAX,
    }


def give_feedback(
    session: Session,
    actor: Actor,
    experiment_id: int,
    text: str,
    settings: Settings,
    today: date | None = None,
) -> dict[str, Any]:
    """Store one anonymous comment from a member of the experiment's team.

    Who gave feedback and what was said go to separate tables with nothing linking them.
    The experiment's comments are rewritten in shuffled order with fresh keys each time,
    so neither row order nor (on PostgreSQL) the inserting transaction points at the
    newest one. No audit event: it would say who and when."""
    form = feedback_form(session, actor, experiment_id)
    if form["experiment"]["status"] != RUNNING:
        raise Conflict("feedback is collected only while the experiment runs")
    if form["given"]:
        raise Conflict("you have already said how this change is going; thank you")
    text = (text or "").strip()
    if not text:
        raise ValidationError([Problem("write a sentence or two", "text")])
    if len(text) > FEEDBACK_MAX:
        raise ValidationError([Problem(f"keep it under {FEEDBACK_MAX} characters", "text")])
    assert actor.person_id is not None
    session.add(PulseFeedbackGiven(experiment_id=experiment_id, person_id=actor.person_id))
    kept = session.execute(
        select(
            PulseExperimentFeedback.week,
            PulseExperimentFeedback.text,
            PulseExperimentFeedback.batch,
        ).where(PulseExperimentFeedback.experiment_id == experiment_id)
    ).all()
    rows = [(w, t, b) for w, t, b in kept] + [(iso_week(today or date.today()), text, None)]
    rows = _release(rows, config.comment_group_size(session, settings))
    _SYSTEM_RANDOM.shuffle(rows)
    session.execute(
        delete(PulseExperimentFeedback).where(
            PulseExperimentFeedback.experiment_id == experiment_id
        )
    )
    session.add_all(
        PulseExperimentFeedback(
            id=uuid.uuid4().hex, experiment_id=experiment_id, week=w, text=t, batch=b
        )
        for w, t, b in rows
    )
    session.flush()
    return {"given": True}


def _release(
    rows: list[tuple[str, str, int | None]], threshold: int
) -> list[tuple[str, str, int | None]]:
    """Release waiting comments only as a whole group of ``threshold``, so a newly shown
    comment is never alone (seeing 10 and then 11 would single out the 11th)."""
    waiting = [r for r in rows if r[2] is None]
    if len(waiting) < threshold:
        return rows
    batch = max((r[2] for r in rows if r[2] is not None), default=0) + 1
    return [r if r[2] is not None else (r[0], r[1], batch) for r in rows]


def feedback_summary(
    session: Session, experiment: PulseExperiment, settings: Settings
) -> dict[str, Any]:
    """What may be shown of the team's words: released comments, and how many more are
    needed before the next ones appear."""
    threshold = config.comment_group_size(session, settings)
    rows = session.execute(
        select(
            PulseExperimentFeedback.week,
            PulseExperimentFeedback.text,
            PulseExperimentFeedback.batch,
        )
        .where(PulseExperimentFeedback.experiment_id == experiment.id)
        .order_by(PulseExperimentFeedback.id)  # random keys: a random order
    ).all()
    shown = [{"week": w, "text": t} for w, t, b in rows if b is not None]
    waiting = sum(1 for _w, _t, b in rows if b is None)
    return {
        "threshold": threshold,
        "given": len(rows),
        "shown": shown,
        "waiting": waiting,
        "needed": threshold - waiting,
    }
