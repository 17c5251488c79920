"""Property tests: over random organisations and response sets, no role, through any
path, obtains a figure for fewer than k people, or two figures whose difference covers
fewer than k people (nor any visible group minus any set of disjoint visible groups).

The checks below recompute group membership and sizes from the raw data, independently
of the residual bookkeeping in heard.pulse.anonymity."""

from __future__ import annotations

from itertools import product
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heard.accounts.policy import OPERATOR, Actor, Role
from heard.app import Heard
from heard.pulse import anonymity, views
from heard.pulse.anonymity import TEAM, TREE, build_group_tree, plan_disclosure
from heard.store.wipe import delete_all_rows
from tests.pulse.builders import build_org, run_round

# --- the rule itself, on counts ---------------------------------------------------------


@st.composite
def team_trees(draw: Any) -> tuple[dict[int, int | None], dict[int, int], int]:
    size = draw(st.integers(1, 9))
    parents: dict[int, int | None] = {0: None}
    for team in range(1, size):
        parents[team] = draw(st.one_of(st.none(), st.integers(0, team - 1)))
    respondents = {t: draw(st.integers(0, 13)) for t in parents}
    return parents, respondents, draw(st.integers(3, 10))


def _people(parents: dict[int, int | None], group: tuple[int, str]) -> frozenset[int]:
    """The teams whose members make up a group, from the parent links alone."""
    team, scope = group
    if scope == TEAM:
        return frozenset({team})
    below = {team}
    changed = True
    while changed:
        changed = False
        for t, p in parents.items():
            if p in below and t not in below:
                below.add(t)
                changed = True
    return frozenset(below)


def assert_safe(
    visible: dict[tuple[int, str], frozenset[int]], respondents: dict[int, int], k: int
) -> None:
    size = {g: sum(respondents[t] for t in teams) for g, teams in visible.items()}
    for g, n in size.items():
        assert n >= k, f"{g} shows a figure for {n} < {k} people"
    for a, b in product(visible, repeat=2):
        if a != b and visible[a] < visible[b]:
            diff = size[b] - size[a]
            assert diff == 0 or diff >= k, f"{b} - {a} covers {diff} people"
    for b, teams in visible.items():
        inside = [g for g in visible if visible[g] < teams]
        # every sum of disjoint visible groups inside b
        sums = {0}
        chosen: list[tuple[int, frozenset[int]]] = [(0, frozenset())]
        for g in inside:
            chosen += [
                (s + size[g], used | visible[g]) for s, used in chosen if not used & visible[g]
            ]
        sums = {s for s, _ in chosen}
        for covered in sums:
            residual = size[b] - covered
            assert residual == 0 or residual >= k, f"{b} minus disjoint groups: {residual}"


@settings(max_examples=400, deadline=None)
@given(team_trees())
def test_the_disclosure_rule_never_exposes_fewer_than_k(case: Any) -> None:
    parents, respondents, k = case
    plan = plan_disclosure(build_group_tree(parents, respondents), k)
    visible = {g: _people(parents, g) for g, reason in plan.items() if reason is None}
    assert_safe(visible, respondents, k)


@settings(max_examples=200, deadline=None)
@given(team_trees())
def test_groups_big_enough_and_not_needed_for_protection_stay_visible(case: Any) -> None:
    """Suppression is not a blanket: a team group with k or more respondents is hidden
    only as a complement, and only when some roll-up needed protecting."""
    parents, respondents, k = case
    plan = plan_disclosure(build_group_tree(parents, respondents), k)
    for (team, scope), reason in plan.items():
        if scope == TEAM and respondents[team] >= k and reason is not None:
            assert reason == anonymity.DIFFERENCING


# --- every path of the application, on random organisations -------------------------------


@st.composite
def organisations(draw: Any) -> tuple[dict[str, tuple[str | None, int]], int, list[bool]]:
    count = draw(st.integers(2, 5))
    spec: dict[str, tuple[str | None, int]] = {"T0": (None, draw(st.integers(1, 4)))}
    for i in range(1, count):
        parent = f"T{draw(st.integers(0, i - 1))}"
        spec[f"T{i}"] = (parent, draw(st.integers(1, 8)))
    people = sum(size for _, size in spec.values()) + count
    answered = draw(st.lists(st.booleans(), min_size=people, max_size=people))
    return spec, draw(st.integers(3, 6)), answered


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(organisations())
def test_no_role_obtains_an_unsafe_figure_through_any_path(heard_app: Heard, case: Any) -> None:
    spec, k, answered = case
    with heard_app.transaction() as s:
        delete_all_rows(s)
    org = build_org(heard_app, spec)
    everyone = org.everyone()
    answers = {a.person_id: answered[i] for i, a in enumerate(everyone)}
    with heard_app.transaction() as s:
        from heard.pulse import config

        config.set_min_group_size(s, OPERATOR, k)
    round_id = run_round(
        heard_app,
        org,
        "R",
        answer=lambda a, j: 1 + (a.person_id or 0) * (j + 1) % 5,
        respond=lambda a: answers[a.person_id],
        predict={t: [3.0] * 13 for t in org.leaders},
    )
    # Independent truth: respondents per team from who answered and where they sit.
    with heard_app.transaction() as s:
        from sqlalchemy import select

        from heard.store.tables.org import Person, Team

        team_of = dict(s.execute(select(Person.id, Person.team_id)).all())
        parents = {t: p for t, p in s.execute(select(Team.id, Team.parent_id)).all()}
        leads = {t: who for t, who in s.execute(select(Team.id, Team.leader_id)).all()}
    respondents = {t: 0 for t in parents}
    for person, did in answers.items():
        if did and leads.get(team_of[person]) != person:
            respondents[team_of[person]] += 1
    seen: dict[tuple[int, str], frozenset[int]] = {}

    def record(team_id: int, scope: str, figures: Any) -> None:
        if figures:
            seen[(team_id, scope)] = _people(parents, (team_id, scope))

    partner = Actor(None, "pp", "pp@example.com", Role.PEOPLE_PARTNER, None)
    with heard_app.transaction() as s:
        org_data = views.org_view(s, partner, round_id)
        for g in org_data["groups"]:
            record(g["team_id"], g["scope"], g["items"])
        root = org_data["gaps"]["organisation"]
        if root:
            record(root["team_id"], root["scope"], root["items"])
        for leader in org.leaders.values():
            gap = views.leader_gap_view(s, leader)["gap"]
            if gap:
                record(gap["team"]["id"], TEAM, gap["items"])
            for r in views.report_view(s, leader, round_id)["records"]:
                record(r["team_id"], TEAM, r["actual_mean"] is not None)
        for role_actor in (OPERATOR, partner):
            for r in views.report_view(s, role_actor, round_id)["records"]:
                record(r["team_id"], TEAM, r["actual_mean"] is not None)
        # figure sizes reported must equal the independent respondent counts
        results = anonymity.round_results(s, round_id)
        for key in seen:
            group = results.group(*key)
            assert group is not None
            assert group.respondents == sum(respondents[t] for t in seen[key])
    # A leaf team's "tree" is the same people as its team group.
    assert_safe(seen, respondents, k)
    assert all(scope in (TEAM, TREE) for _, scope in seen)
