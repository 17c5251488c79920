"""Why a rotation schedule cannot exist, in words a people partner can act on.

The counting checks are Hall-type conditions: for a set of weeks S, the leaders who can only
be visited inside S need more sessions than the hosts offer inside S. We try the whole
horizon, every contiguous window of weeks, every leader's own set of free weeks, and each
department (whose leaders cannot visit hosts of their own department). Each check is a
necessary condition, so a failure is a proof of infeasibility and a reason at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from heard.programs.problem import Leader, RotationProblem


def _week_span(weeks: Iterable[int]) -> str:
    ordered = sorted(weeks)
    if not ordered:
        return "no weeks"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        if len(ordered) == 1:
            return f"week {ordered[0]}"
        return f"weeks {ordered[0]}–{ordered[-1]}"
    return "weeks " + ", ".join(str(w) for w in ordered)


def _names(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _eligible_weeks(problem: RotationProblem, leader: Leader) -> set[int]:
    """Weeks the leader is free and some host outside their department can take a visitor."""
    return {
        w
        for w in problem.leader_weeks(leader)
        if any(
            h.department != leader.department and problem.host_capacity(h, w) > 0
            for h in problem.hosts
        )
    }


def _leader_check(problem: RotationProblem, eligible: dict[str, set[int]]) -> str | None:
    for leader in problem.leaders:
        free = problem.leader_weeks(leader)
        if leader.visits > len(free):
            return (
                f"leader {leader.id} needs {leader.visits} visits in distinct weeks "
                f"but is available in only {len(free)} of {problem.weeks} weeks"
            )
        if leader.visits > len(eligible[leader.id]):
            return (
                f"leader {leader.id} needs {leader.visits} visits but only "
                f"{len(eligible[leader.id])} of their free weeks have a host outside "
                f"{leader.department} that is open with a free mentor"
            )
    return None


def _capacity(problem: RotationProblem, weeks: set[int], excluding: str | None = None) -> int:
    return sum(
        problem.host_capacity(h, w)
        for h in problem.hosts
        if h.department != excluding
        for w in weeks
    )


def _window_check(
    problem: RotationProblem, eligible: dict[str, set[int]], weeks: set[int]
) -> str | None:
    confined = [leader for leader in problem.leaders if eligible[leader.id] <= weeks]
    if not confined:
        return None
    demand = sum(leader.visits for leader in confined)
    offered = _capacity(problem, weeks)
    if demand > offered:
        return (
            f"not enough host capacity in {_week_span(weeks)} for the {len(confined)} leaders "
            f"only available then ({_names([x.id for x in confined])}): they need {demand} "
            f"visits and the hosts can take {offered} (host capacity, blackouts and mentor "
            "availability)"
        )
    for department in sorted({leader.department for leader in confined}):
        group = [x for x in confined if x.department == department]
        demand = sum(x.visits for x in group)
        offered = _capacity(problem, weeks, excluding=department)
        if demand > offered:
            return (
                f"not enough capacity outside {department} in {_week_span(weeks)} for its "
                f"{len(group)} leaders only available then ({_names([x.id for x in group])}): "
                f"they need {demand} visits and hosts in other departments can take {offered}"
            )
    return None


def precheck(problem: RotationProblem) -> str | None:
    """A reason no schedule can exist, found by counting alone, or None."""
    eligible = {leader.id: _eligible_weeks(problem, leader) for leader in problem.leaders}
    reason = _leader_check(problem, eligible)
    if reason:
        return reason
    windows: list[set[int]] = [set(problem.week_numbers)]
    windows += [
        set(range(a, b + 1)) for a in problem.week_numbers for b in range(a, problem.weeks + 1)
    ]
    windows += [set(s) for s in {frozenset(e) for e in eligible.values()}]
    for weeks in windows:
        reason = _window_check(problem, eligible, weeks)
        if reason:
            return reason
    return None


def explain_core(problem: RotationProblem, leaders: list[Leader], departments: list[str]) -> str:
    """Describe a set of leaders' visit targets and departments' host capacities that conflict."""
    demand = sum(leader.visits for leader in leaders)
    names = _names([x.id for x in leaders])
    if not departments:
        return (
            f"leaders {names} cannot each get their visits in distinct free weeks with a "
            "host outside their own department"
        )
    weeks = set().union(*(set(problem.leader_weeks(x)) for x in leaders)) if leaders else set()
    hosts = [h for h in problem.hosts if h.department in departments]
    offered = sum(problem.host_capacity(h, w) for h in hosts for w in weeks)
    return (
        f"host capacity is the binding constraint: leaders {names} need {demand} visits, and "
        f"the hosts in {', '.join(departments)} can take only {offered} sessions in "
        f"{_week_span(weeks)} once capacity, blackout weeks and mentor availability are applied"
    )
