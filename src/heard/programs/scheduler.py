"""Rotation scheduling with OR-Tools CP-SAT.

One boolean per (leader, host, week) that could legally happen: the host is outside the
leader's department, the leader is free that week, and the host is open with at least one
mentor free. Mentors belong to exactly one host, so "every session has a free mentor under
capacity" is exactly "a host's sessions in a week never exceed its free mentors' combined
capacity"; mentors are then named per session afterwards without any search.

When no schedule exists we want to say *why* in words a people partner can act on, so
cheap counting checks run first (see :mod:`heard.programs.diagnose`); only if they find
nothing does the solver look for a small set of constraints that cannot hold together.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from heard.accounts.policy import Actor, Permission, require
from heard.programs.diagnose import explain_core, precheck
from heard.programs.problem import Host, RotationProblem, parse_problem
from heard.programs.slots import assign_slots

SOLVE_SECONDS = 8.0  # the acceptance bound is 10 s for 200 leaders x 40 hosts x 13 weeks
Key = tuple[int, int, int]  # (leader index, department index, week)


@dataclass
class _Model:
    model: cp_model.CpModel
    x: dict[Key, cp_model.IntVar]
    visit_guards: dict[int, cp_model.IntVar]
    capacity_guards: dict[str, cp_model.IntVar]


def _department_capacity(problem: RotationProblem) -> dict[tuple[str, int], int]:
    """Sessions each department's hosts can take per week. Whether a leader may visit a host
    depends only on the two departments, so deciding (leader, department, week) and then
    filling that department's hosts is exact, and keeps the model ~10x smaller."""
    capacity: dict[tuple[str, int], int] = defaultdict(int)
    for host in problem.hosts:
        for w in problem.week_numbers:
            capacity[(host.department, w)] += problem.host_capacity(host, w)
    return capacity


def _candidates(problem: RotationProblem, capacity: dict[tuple[str, int], int]) -> list[Key]:
    departments = sorted({h.department for h in problem.hosts})
    keys: list[Key] = []
    for li, leader in enumerate(problem.leaders):
        free = problem.leader_weeks(leader)
        for di, department in enumerate(departments):
            if department != leader.department:
                keys.extend((li, di, w) for w in free if capacity[(department, w)] > 0)
    return keys


def _build(problem: RotationProblem, *, guarded: bool, soft_goals: bool) -> _Model:
    model = cp_model.CpModel()
    capacity = _department_capacity(problem)
    departments = sorted({h.department for h in problem.hosts})
    x = {k: model.new_bool_var(f"x{k[0]}_{k[1]}_{k[2]}") for k in _candidates(problem, capacity)}
    by_leader: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_leader_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    by_dept_week: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (li, di, w), var in x.items():
        by_leader[li].append(var)
        by_leader_week[(li, w)].append(var)
        by_dept_week[(di, w)].append(var)

    visit_guards: dict[int, cp_model.IntVar] = {}
    for li, leader in enumerate(problem.leaders):
        constraint = model.add(sum(by_leader[li]) == leader.visits)
        if guarded:
            visit_guards[li] = model.new_bool_var(f"visits_{li}")
            constraint.only_enforce_if(visit_guards[li])
    for group in by_leader_week.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    capacity_guards: dict[str, cp_model.IntVar] = {}
    for (di, w), group in by_dept_week.items():
        limit = capacity[(departments[di], w)]
        if len(group) > limit:
            constraint = model.add(sum(group) <= limit)
            if guarded:
                department = departments[di]
                if department not in capacity_guards:
                    capacity_guards[department] = model.new_bool_var(f"capacity_{di}")
                constraint.only_enforce_if(capacity_guards[department])
    if soft_goals:
        _add_soft_goals(problem, model, x)
    return _Model(model, x, visit_guards, capacity_guards)


def _add_soft_goals(
    problem: RotationProblem, model: cp_model.CpModel, x: dict[Key, cp_model.IntVar]
) -> None:
    """Minimise the busiest week's load and repeat visits to the same department."""
    total = sum(leader.visits for leader in problem.leaders)
    by_week: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    by_leader_dept: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (li, di, w), var in x.items():
        by_week[w].append(var)
        by_leader_dept[(li, di)].append(var)
    # The busiest week carries at least the average load; saying so lets the search stop early.
    floor = -(-total // max(problem.weeks, 1))
    peak = model.new_int_var(min(floor, total), total, "peak_week_load")
    for group in by_week.values():
        model.add(sum(group) <= peak)
    repeats = []
    for (li, di), group in by_leader_dept.items():
        if problem.leaders[li].visits < 2 or len(group) < 2:
            continue
        # repeat >= visits to this department - 1; minimising keeps it tight.
        repeat = model.new_int_var(0, problem.leaders[li].visits, f"repeat_{li}_{di}")
        model.add(repeat >= sum(group) - 1)
        repeats.append(repeat)
    # A repeat department matters more to a leader than one extra session in the busiest week.
    model.minimize(peak + 2 * sum(repeats))


def _solver(seconds: float, workers: int = 2) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 1
    return solver


def _infeasible(reason: str, started: float) -> dict[str, Any]:
    return {
        "status": "infeasible",
        "reason": reason,
        "seconds": round(time.perf_counter() - started, 3),
    }


def solve(problem: RotationProblem, seconds: float = SOLVE_SECONDS) -> dict[str, Any]:
    """Find a schedule meeting every hard constraint, or say which constraint cannot be met."""
    started = time.perf_counter()
    reason = precheck(problem)
    if reason:
        return _infeasible(reason, started)
    built = _build(problem, guarded=False, soft_goals=True)
    # The time limit covers the whole call, so the caller's deadline holds on a busy machine.
    solver = _solver(max(1.0, seconds - (time.perf_counter() - started)))
    status = solver.solve(built.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = [k for k, var in built.x.items() if solver.boolean_value(var)]
        return {
            "status": "feasible",
            "optimal": status == cp_model.OPTIMAL,
            "assignments": _assignments(problem, chosen),
            "seconds": round(time.perf_counter() - started, 3),
        }
    if status == cp_model.INFEASIBLE:
        return _infeasible(_explain(problem, seconds), started)
    return _infeasible(
        f"the solver found no schedule within {seconds:.0f} s and could not prove none exists; "
        "loosen capacities or availability, or allow more time",
        started,
    )


def _explain(problem: RotationProblem, seconds: float) -> str:
    """Ask the solver for a small set of leaders' visit targets and departments' host
    capacities that cannot all hold together, and name them."""
    built = _build(problem, guarded=True, soft_goals=False)
    guards = list(built.visit_guards.values()) + list(built.capacity_guards.values())
    built.model.add_assumptions(guards)
    solver = _solver(seconds, workers=1)  # cores come back from the single-worker search
    if solver.solve(built.model) != cp_model.INFEASIBLE:
        return "no schedule exists, but the conflicting constraints could not be isolated"
    core = set(solver.sufficient_assumptions_for_infeasibility())
    leaders = [problem.leaders[li] for li, g in built.visit_guards.items() if g.index in core]
    departments = [d for d, g in built.capacity_guards.items() if g.index in core]
    return explain_core(problem, leaders, departments)


def _assignments(problem: RotationProblem, chosen: list[Key]) -> list[dict[str, Any]]:
    """Fill each department's weekly sessions into its hosts, name a mentor, give a slot."""
    departments = sorted({h.department for h in problem.hosts})
    leaders_by_dept_week: dict[tuple[str, int], list[int]] = defaultdict(list)
    for li, di, w in sorted(chosen):
        leaders_by_dept_week[(departments[di], w)].append(li)
    by_host_week: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (department, w), leader_indices in leaders_by_dept_week.items():
        room = {
            hi: problem.host_capacity(host, w)
            for hi, host in enumerate(problem.hosts)
            if host.department == department
        }
        for li in leader_indices:
            # the host with the most room left, so visitors spread across teams
            hi = max(room, key=lambda h: (room[h], -h))
            room[hi] -= 1
            by_host_week[(hi, w)].append(li)
    rows: list[dict[str, Any]] = []
    for (hi, w), leader_indices in sorted(by_host_week.items()):
        host = problem.hosts[hi]
        mentors = _mentor_sequence(problem, host, w)[: len(leader_indices)]
        slots = assign_slots(host.peak_hours, mentors)
        for li, mentor_id, slot in zip(leader_indices, mentors, slots, strict=True):
            rows.append(
                {
                    "leader": problem.leaders[li].id,
                    "host": host.id,
                    "mentor": mentor_id,
                    "week": w,
                    "slot": slot,
                }
            )
    rows.sort(key=lambda r: (r["week"], r["host"], r["leader"]))
    return rows


def _mentor_sequence(problem: RotationProblem, host: Host, week: int) -> list[str]:
    """Free mentors of the host, each repeated up to their capacity, spread round-robin."""
    free = [m for m in problem.mentors_by_host.get(host.id, []) if week not in m.unavailable]
    sequence: list[str] = []
    for round_number in range(max((m.capacity for m in free), default=0)):
        sequence.extend(m.id for m in free if m.capacity > round_number)
    return sequence


def schedule(data: Any, seconds: float = SOLVE_SECONDS) -> dict[str, Any]:
    """Parse the JSON problem and solve it (the CLI's entry point; no stored data is read)."""
    return solve(parse_problem(data), seconds)


def schedule_rotations(actor: Actor, data: Any) -> dict[str, Any]:
    """The page's entry point: the same solver behind the programs permission."""
    require(actor, Permission.PROGRAMS_MANAGE)
    return schedule(data)
