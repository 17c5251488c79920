"""The one aggregation function. Every pulse number anyone sees comes from
:func:`round_results`: leader pages, the organisation view, the API, `heard pulse report`
and CSV exports. It reads the per-team aggregates frozen at close and applies three rules.

**Groups.** For each team *t* of the round's team-tree snapshot there is the *team* group
(the people whose team is *t*: what its leader sees) and, when *t* has teams below it, the
*tree* group (everyone in *t*'s subtree: the roll-ups people partners see). A tree group is
partitioned into its team group and its child teams' tree (or team) groups. The groups
form a laminar family: any two are nested or disjoint.

**Rule 1, k.** A group with fewer than k respondents shows no figure.

**Rule 2, differencing.** Subtracting visible groups nested in a visible group *P* leaves
the people of *P* not covered by them. For each visible group, its *residual* is the part
not covered by its topmost visible sub-groups. If every visible group's residual is 0 or
at least k, then any visible group minus any set of disjoint visible sub-groups is a sum of
residuals, so also 0 or at least k: no subtraction isolates 1..k-1 people. When a residual
falls in 1..k-1 we suppress one more group (complementary suppression): either *P* itself
or one of its topmost visible sub-groups whose own residual lifts *P*'s residual to k or
more. We prefer hiding a roll-up to hiding a team (a leader's own results), and among
equals the smaller group. Groups are settled deepest first, and hiding a group only ever
adds a residual that is already 0 or at least k to its parent's, so one pass is enough.

**Rule 3, comments.** Free text needs ``comment_k`` respondents, with the same differencing
rule run at that threshold, and only for groups whose numbers are visible (hiding a group
never breaks the residual property, so the intersection is safe).

Organisation-wide statistics (gap distributions, blind spots, ICC) are computed only from
groups this function marks visible.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from heard.errors import Conflict
from heard.pulse import stats
from heard.pulse.items import ItemView
from heard.pulse.rounds import CLOSED, RESULTS, RoundItems, round_items
from heard.store.tables.pulse import PulseComment, PulseRound, PulseTeamResult

TEAM, TREE = "team", "tree"
GroupKey = tuple[int, str]

FEWER_THAN_K = "fewer_than_k"
DIFFERENCING = "differencing"
REASONS = {
    FEWER_THAN_K: "Fewer than {k} people answered, so results stay hidden to keep answers "
    "anonymous.",
    DIFFERENCING: "Hidden so that no smaller group's answers can be worked out by "
    "subtracting other published groups.",
}


# ---------------------------------------------------------------------------------------
# The disclosure rule, on counts alone (pure; property-tested in tests/pulse).


@dataclass(frozen=True)
class GroupTree:
    """The laminar family of groups: respondents per group and each tree group's parts."""

    n: dict[GroupKey, int]
    parts: dict[GroupKey, tuple[GroupKey, ...]]
    deepest_first: tuple[GroupKey, ...]  # tree groups, children before parents


def build_group_tree(parents: dict[int, int | None], respondents: dict[int, int]) -> GroupTree:
    """Groups for a team tree (``parents``: team -> parent team) and team respondent counts."""
    children: dict[int, list[int]] = {}
    for team, parent in parents.items():
        if parent is not None and parent != team and parent in parents:
            children.setdefault(parent, []).append(team)
    depth = _depths(parents, children)

    def key(team: int) -> GroupKey:
        return (team, TREE) if team in children else (team, TEAM)

    n: dict[GroupKey, int] = {(t, TEAM): respondents.get(t, 0) for t in parents}
    parts: dict[GroupKey, tuple[GroupKey, ...]] = {}
    order = sorted(children, key=lambda t: (-depth[t], t))
    for team in order:
        members = ((team, TEAM), *(key(c) for c in sorted(children[team])))
        parts[(team, TREE)] = members
        n[(team, TREE)] = sum(n[m] for m in members)
    return GroupTree(n, parts, tuple((t, TREE) for t in order))


def _depths(parents: dict[int, int | None], children: dict[int, list[int]]) -> dict[int, int]:
    roots = [t for t, p in parents.items() if p is None or p == t or p not in parents]
    depth: dict[int, int] = {}
    stack = [(r, 0) for r in roots]
    while stack:
        team, d = stack.pop()
        if team in depth:
            continue  # a cycle in bad data: visit each team once
        depth[team] = d
        stack.extend((c, d + 1) for c in children.get(team, []))
    for team in parents:  # teams only reachable through a cycle
        depth.setdefault(team, 0)
    return depth


def plan_disclosure(tree: GroupTree, k: int) -> dict[GroupKey, str | None]:
    """For every group: None if its figures may be shown, else the reason they may not."""
    hidden: dict[GroupKey, str] = {g: FEWER_THAN_K for g, count in tree.n.items() if count < k}

    def frontier(group: GroupKey) -> list[GroupKey]:
        out: list[GroupKey] = []
        for part in tree.parts.get(group, ()):
            if part in hidden:
                out.extend(frontier(part))
            else:
                out.append(part)
        return out

    def residual(group: GroupKey) -> int:
        return tree.n[group] - sum(tree.n[g] for g in frontier(group))

    for group in tree.deepest_first:
        if group in hidden:
            continue
        gap = residual(group)
        if 0 < gap < k:
            need = k - gap
            candidates = [(0, tree.n[group], group)] + [
                (0 if part[1] == TREE else 1, tree.n[part], part)
                for part in frontier(group)
                if residual(part) >= need
            ]
            hidden[min(candidates)[2]] = DIFFERENCING
    return {g: hidden.get(g) for g in tree.n}


# ---------------------------------------------------------------------------------------
# Figures for the visible groups of one round.


@dataclass(frozen=True)
class ItemFigure:
    item_id: int
    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    rwg: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "n": self.n,
            "mean": round(self.mean, 3),
            "sd": round(self.sd, 3),
            "ci_low": round(self.ci_low, 3),
            "ci_high": round(self.ci_high, 3),
            "rwg": round(self.rwg, 3),
        }


@dataclass(frozen=True)
class FigureTable:
    """The figures of every visible group of a round as arrays (rows: groups, columns:
    rating items in round order). Kept as arrays so organisation-wide analytics stay
    vectorised; :class:`GroupResult` reads its row on demand."""

    item_ids: tuple[int, ...]
    row: dict[GroupKey, int]
    n: np.ndarray[Any, Any]
    mean: np.ndarray[Any, Any]
    sd: np.ndarray[Any, Any]
    ci_low: np.ndarray[Any, Any]
    ci_high: np.ndarray[Any, Any]
    rwg: np.ndarray[Any, Any]

    def figures(self, key: GroupKey) -> tuple[ItemFigure, ...]:
        r = self.row.get(key)
        if r is None:
            return ()
        return tuple(
            ItemFigure(
                item_id=item_id,
                n=int(self.n[r]),
                mean=float(self.mean[r, j]),
                sd=float(self.sd[r, j]),
                ci_low=float(self.ci_low[r, j]),
                ci_high=float(self.ci_high[r, j]),
                rwg=float(self.rwg[r, j]),
            )
            for j, item_id in enumerate(self.item_ids)
        )


EMPTY_TABLE = FigureTable((), {}, *(np.zeros((0, 0)) for _ in range(6)))


@dataclass(frozen=True)
class GroupResult:
    """What may be said about one group. ``figures`` is empty when suppressed."""

    team_id: int
    scope: str
    name: str
    leader_id: int | None
    invited: int
    respondents: int
    suppressed: bool
    reason: str | None
    comment_count: int | None = None
    comments_visible: bool = False
    table: FigureTable = EMPTY_TABLE

    @property
    def key(self) -> GroupKey:
        return (self.team_id, self.scope)

    @cached_property
    def figures(self) -> tuple[ItemFigure, ...]:
        return self.table.figures(self.key)

    @cached_property
    def _by_item(self) -> dict[int, ItemFigure]:
        return {f.item_id: f for f in self.figures}

    def figure(self, item_id: int) -> ItemFigure | None:
        return self._by_item.get(item_id)

    def notice(self, k: int) -> str | None:
        return REASONS[self.reason].format(k=k) if self.reason else None

    def to_dict(self, k: int) -> dict[str, Any]:
        return {
            "team_id": self.team_id,
            "scope": self.scope,
            "name": self.name,
            "invited": self.invited,
            "respondents": self.respondents,
            "suppressed": self.suppressed,
            "notice": self.notice(k),
            "comment_count": self.comment_count,
            "items": [f.to_dict() for f in self.figures],
        }


@dataclass(frozen=True)
class RoundResults:
    round_id: int
    round_name: str
    status: str
    k: int
    comment_k: int
    items: list[ItemView]
    open_items: list[ItemView]
    groups: dict[GroupKey, GroupResult]
    parents: dict[int, int | None]
    tree_teams: dict[GroupKey, tuple[int, ...]] = field(default_factory=dict)
    table: FigureTable = EMPTY_TABLE

    def group(self, team_id: int, scope: str = TEAM) -> GroupResult | None:
        """A team's group, or its roll-up; a leaf team's roll-up is its team group."""
        return self.groups.get((team_id, scope)) or self.groups.get((team_id, TEAM))

    def team_groups(self) -> list[GroupResult]:
        return [g for g in self.groups.values() if g.scope == TEAM]


# A closed round's results never change: everything they depend on (aggregates, team tree,
# k) is frozen at close. So they are computed once per process and reused: a leader's gap
# page reads every past round for its trend, which at 5,000 teams took seconds per view.
# The key carries everything the figures depend on that could still differ between two
# reads, including which database and which incarnation of the round (created_at has
# microseconds), so a reset demo or a test's fresh database never sees stale figures.
_RESULTS_CACHE: OrderedDict[tuple[Any, ...], RoundResults] = OrderedDict()
_RESULTS_CACHE_SIZE = 32
_RESULTS_LOCK = threading.Lock()


def round_results(session: Session, round_id: int) -> RoundResults:
    """THE aggregation function: the figures of a closed round that may be shown, for every
    group, with suppression applied. Callers filter by role; they never add figures."""
    rnd = session.get(PulseRound, round_id)
    if rnd is None or rnd.status not in (CLOSED, RESULTS) or rnd.k is None:
        raise Conflict("results exist only for closed rounds")
    items = round_items(session, round_id)
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=False),
        rnd.id, rnd.name, rnd.status, rnd.k, rnd.comment_k, rnd.created_at, rnd.closed_at,
        tuple(items.ratings), tuple(items.open),
    )
    with _RESULTS_LOCK:
        cached = _RESULTS_CACHE.get(key)
        if cached is not None:
            _RESULTS_CACHE.move_to_end(key)
            return cached
    results = _compute_round_results(session, rnd, items)
    with _RESULTS_LOCK:
        _RESULTS_CACHE[key] = results
        while len(_RESULTS_CACHE) > _RESULTS_CACHE_SIZE:
            _RESULTS_CACHE.popitem(last=False)
    return results


def _compute_round_results(session: Session, rnd: PulseRound, items: RoundItems) -> RoundResults:
    round_id = rnd.id
    rows = session.execute(
        select(
            PulseTeamResult.team_id,
            PulseTeamResult.team_name,
            PulseTeamResult.parent_id,
            PulseTeamResult.leader_id,
            PulseTeamResult.invited,
            PulseTeamResult.respondents,
            PulseTeamResult.comments,
            # as text, decoded below in one call: thousands of tiny JSON decodes are slow
            cast(PulseTeamResult.sums, Text).label("sums"),
            cast(PulseTeamResult.squares, Text).label("squares"),
        ).where(PulseTeamResult.round_id == round_id)
    ).all()
    return compute_results(rnd, items.ratings, items.open, rows)


def json_matrix(texts: Sequence[str], width: int) -> np.ndarray[Any, Any]:
    """Stack JSON arrays (one per row, ``width`` numbers each) into a matrix."""
    if not texts:
        return np.zeros((0, width), dtype=np.int64)
    return np.array(json.loads("[" + ",".join(texts) + "]"), dtype=np.float64).reshape(
        len(texts), width
    )


def compute_results(
    rnd: PulseRound, ratings: list[ItemView], open_items: list[ItemView], rows: Sequence[Any]
) -> RoundResults:
    k, comment_k = int(rnd.k or 0), int(rnd.comment_k or 0)
    parents = {r.team_id: r.parent_id for r in rows}
    by_team = {r.team_id: r for r in rows}
    tree = build_group_tree(parents, {r.team_id: r.respondents for r in rows})
    numbers = plan_disclosure(tree, k)
    words = plan_disclosure(tree, comment_k)
    members = _group_members(tree)
    index = {t: i for i, t in enumerate(by_team)}
    width = len(ratings)
    team_sums = json_matrix([r.sums for r in rows], width).astype(np.int64)
    team_squares = json_matrix([r.squares for r in rows], width).astype(np.int64)
    visible = [g for g, reason in numbers.items() if reason is None]
    table = _figure_table(visible, tree, members, index, team_sums, team_squares, ratings)
    groups: dict[GroupKey, GroupResult] = {}
    for key, reason in numbers.items():
        team = by_team[key[0]]
        if key[1] == TEAM:
            invited, comments = team.invited, team.comments
        else:
            invited = sum(by_team[t].invited for t in members[key])
            comments = sum(by_team[t].comments for t in members[key])
        groups[key] = GroupResult(
            team_id=key[0],
            scope=key[1],
            name=team.team_name,
            leader_id=team.leader_id,
            invited=invited,
            respondents=tree.n[key],
            suppressed=reason is not None,
            reason=reason,
            table=table,
            comment_count=None if reason else comments,
            comments_visible=reason is None and words[key] is None,
        )
    return RoundResults(
        round_id=rnd.id,
        round_name=rnd.name,
        status=rnd.status,
        k=k,
        comment_k=comment_k,
        items=ratings,
        open_items=open_items,
        groups=groups,
        parents=parents,
        tree_teams=members,
        table=table,
    )


def _group_members(tree: GroupTree) -> dict[GroupKey, tuple[int, ...]]:
    """The teams whose people make up each group."""
    members: dict[GroupKey, tuple[int, ...]] = {g: (g[0],) for g in tree.n if g[1] == TEAM}
    for group in tree.deepest_first:
        members[group] = tuple(t for part in tree.parts[group] for t in members[part])
    return members


def _figure_table(
    visible: list[GroupKey],
    tree: GroupTree,
    members: dict[GroupKey, tuple[int, ...]],
    index: dict[int, int],
    team_sums: np.ndarray[Any, Any],
    team_squares: np.ndarray[Any, Any],
    ratings: list[ItemView],
) -> FigureTable:
    if not visible or not ratings:
        return EMPTY_TABLE
    sums = np.empty((len(visible), len(ratings)), dtype=np.int64)
    squares = np.empty_like(sums)
    for r, group in enumerate(visible):
        if group[1] == TEAM:  # most groups: one team's row as it is
            sums[r], squares[r] = team_sums[index[group[0]]], team_squares[index[group[0]]]
        else:
            rows = [index[t] for t in members[group]]
            sums[r], squares[r] = team_sums[rows].sum(axis=0), team_squares[rows].sum(axis=0)
    n = np.array([tree.n[g] for g in visible], dtype=np.int64)
    m = stats.moments(n, sums, squares)
    options = np.array([i.options for i in ratings], dtype=np.int64)
    return FigureTable(
        item_ids=tuple(i.id for i in ratings),
        row={g: r for r, g in enumerate(visible)},
        n=n,
        mean=m.mean,
        sd=np.sqrt(m.variance),
        ci_low=m.ci_low,
        ci_high=m.ci_high,
        rwg=stats.rwg(m.variance, options),
    )


def visible_comments(
    session: Session, results: RoundResults, group: GroupResult
) -> list[dict[str, Any]]:
    """Comments of a group, only when the comment rule allows. Random order (random keys)."""
    if not group.comments_visible:
        return []
    teams = results.tree_teams[group.key]
    rows = session.execute(
        select(PulseComment.item_id, PulseComment.text)
        .where(PulseComment.round_id == results.round_id, PulseComment.team_id.in_(teams))
        .order_by(PulseComment.id)
    ).all()
    return [{"item_id": item_id, "text": text} for item_id, text in rows]
