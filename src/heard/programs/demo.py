"""Demo data for empathy programs: one quarter of sessions of all four kinds for the demo
leaders, about 300 observations with planted patterns, experiments in every state, pilots
at four different stages, ritual sessions with a believable mix of adherence, and a saved
debrief as a people partner leaves it after merging, splitting and renaming.

Rows are written in bulk (not through the domain functions one by one) so `heard demo`
stays fast; the texts still pass through the shared redaction, as the form would do.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from heard.accounts.policy import OPERATOR, Role
from heard.programs.catalog import DEFAULT_GOALS, template_for
from heard.programs.debriefs import save_debrief
from heard.programs.demo_texts import ANECDOTES, FRAMES, PATTERNS
from heard.programs.observations import SEGMENTS
from heard.redaction import redact
from heard.store.tables.org import Person, Team
from heard.store.tables.programs import (
    Debrief,
    DebriefPattern,
    Experiment,
    ExperimentEvent,
    Observation,
    Pilot,
    Program,
    ProgramSession,
)

if TYPE_CHECKING:
    from heard.demo.generator import DemoContext

LEADERS = 24
OBSERVATIONS = 260  # plus about forty from the pilots' immersions
WEEKS = 13
PAST_WEEKS = 9  # the quarter started nine weeks ago; four weeks are still to come
PROGRAMS = [
    ("Quarter immersion: support at peak hours", "immersion", "support at peak hours"),
    ("Quarter rotation: a shift on the frontline", "rotation", "support"),
    ("Quarter perspective: empathy interviews", "perspective", "empathy interview"),
    ("Weekly customer briefings", "ritual", "weekly customer briefing"),
]
PRIORITY = "Make it effortless to become and stay a customer"
# (pattern, status, hypothesis, metric, baseline, target, owner is Lee?)
EXPERIMENTS = [
    ("onboarding fatigue", "running", "Cutting the setup checklist to five steps lifts the "
     "share of customers who finish onboarding in a week", "onboarding completed in 7 days %",
     54.0, 70.0, True),
    ("too little self-service", "proposed", "Letting customers change address and plan in "
     "the portal removes a fifth of support calls", "calls per 1,000 customers", 42.0, 34.0,
     True),
    ("confusing language", "measuring", "Plain-language status messages cut 'what does "
     "this mean' contacts by a third", "wording-related contacts per week", 120.0, 80.0,
     False),
    ("billing surprises", "adopted", "A reminder three days before a trial ends halves "
     "surprise-charge complaints", "billing complaints per week", 60.0, 30.0, False),
    ("repeating the story on handoffs", "dropped", "Passing chat history into the phone "
     "queue ends repeated explanations", "repeat-contact rate %", 23.0, 15.0, False),
    ("delivery tracking gaps", "running", "Hourly tracking updates reduce where-is-my-order "
     "calls", "WISMO calls per day", 310.0, 200.0, False),
]
# (product area, planted pattern its leaders meet, days since it started, experiments the
# pilot has as changes: existing ones by pattern, new ones as (title, status, metric)).
PILOTS: list[tuple[str, str, int, list[str], list[tuple[str, str, str]]]] = [
    ("Billing", "billing surprises", 70, ["billing surprises"],
     [("Itemised first invoice", "running", "first-invoice queries per week"),
      ("Renewal price shown a month ahead", "measuring", "renewal complaints per week")]),
    ("Onboarding", "onboarding fatigue", 30, ["onboarding fatigue"], []),
    ("Self-service portal", "too little self-service", 20, [], []),
    ("Delivery tracking", "delivery tracking gaps", 5, [], []),
]
PILOT_DAYS = 14
# How reliably each demo leader keeps the weekly briefing: most hold nearly all, some drift.
DILIGENCE = (0.97, 0.92, 0.9, 0.85, 0.75, 0.6, 0.45)
PATH = {"proposed": ["proposed"], "running": ["proposed", "running"],
        "measuring": ["proposed", "running", "measuring"],
        "adopted": ["proposed", "running", "measuring", "adopted"],
        "dropped": ["proposed", "running", "dropped"]}


def _demo_leaders(ctx: DemoContext) -> list[tuple[int, int]]:
    """(person id, department id) of team leaders who may join programs; Lee always."""
    lee = ctx.logins[Role.LEADER].person_id
    executive = ctx.logins[Role.EXECUTIVE].person_id
    rows = ctx.session.execute(
        select(Person.id, Person.department_id)
        .join(Team, Team.leader_id == Person.id)
        .order_by(Person.id)
    ).all()
    leaders = [(p, d) for p, d in dict(rows).items() if p != executive]
    chosen = [row for row in leaders if row[0] == lee]
    others = [row for row in leaders if row[0] != lee]
    return chosen + ctx.rng.sample(others, min(LEADERS - 1, len(others)))


def _hosts(ctx: DemoContext) -> list[tuple[int, int, int]]:
    """(team id, department id, mentor person id) for teams that can host a visit."""
    mentors: dict[int, int] = {}
    for person_id, team_id in ctx.session.execute(
        select(Person.id, Person.team_id).order_by(Person.id)
    ):
        mentors.setdefault(team_id, person_id)
    return [
        (team.id, team.department_id, mentors[team.id])
        for team in ctx.teams()
        if team.id in mentors and team.leader_id != mentors[team.id]
    ]


def _session_row(program: Program, format_: str, leader: int, day: date, today: date,
                 host: tuple[int, int, int] | None = None) -> dict[str, Any]:
    template = template_for(program.kind, format_)
    assert template is not None
    return {
        "program_id": program.id, "title": template.title, "format": format_,
        "objective": f"{template.objective} Priority: {program.strategic_priority}",
        "learning_goals": list(DEFAULT_GOALS), "question_guide": list(template.guide),
        "time_box_minutes": template.time_box_minutes, "leader_id": leader,
        "host_team_id": host[0] if host else None, "mentor_id": host[2] if host else None,
        "scheduled_on": day, "status": "done" if day < today else "planned",
    }


def _visits(ctx: DemoContext, programs: list[Program], leaders: list[tuple[int, int]],
            start: date) -> list[dict[str, Any]]:
    """Immersion, rotation and perspective sessions, hosted outside the leader's department."""
    hosts = _hosts(ctx)
    rows = []
    for leader, department in leaders:
        options = [h for h in hosts if h[1] != department]
        for program, (_name, _kind, format_) in zip(programs[:3], PROGRAMS[:3], strict=True):
            week = ctx.rng.randrange(WEEKS)
            day = start + timedelta(weeks=week, days=ctx.rng.randrange(1, 4))
            host = ctx.rng.choice(options) if program.kind != "perspective" else None
            rows.append(_session_row(program, format_, leader, day, ctx.today, host))
    return rows


def _briefings(ctx: DemoContext, program: Program, leaders: list[tuple[int, int]],
               start: date) -> list[dict[str, Any]]:
    """A weekly briefing each Monday, kept with each leader's own reliability; the latest one
    is sometimes not recorded yet. Lee skipped one and has not recorded the last: overdue."""
    lee = ctx.logins[Role.LEADER].person_id
    rows = []
    for leader, _department in leaders:
        diligence = ctx.rng.choice(DILIGENCE) if leader != lee else 0.97  # Lee lapsed lately
        for week in range(WEEKS):
            row = _session_row(program, "weekly customer briefing", leader,
                               start + timedelta(weeks=week), ctx.today)
            if row["status"] == "done":
                last = week == PAST_WEEKS - 1 or week == PAST_WEEKS
                if leader == lee and week >= PAST_WEEKS - 2:
                    row["status"] = "planned" if last else "skipped"
                elif last and ctx.rng.random() < 0.3:
                    row["status"] = "planned"  # not recorded yet
                elif ctx.rng.random() > diligence:
                    row["status"] = "skipped"
            rows.append(row)
    return rows


def _field_visits(ctx: DemoContext, program: Program, leaders: list[tuple[int, int]],
                  start: date) -> list[dict[str, Any]]:
    """A monthly field visit for half the leaders (Lee among them), one in three skipped."""
    rows = []
    for leader, _department in leaders[::2]:
        for month in range(3):
            row = _session_row(program, "monthly field visit", leader,
                               start + timedelta(weeks=4 * month, days=2), ctx.today)
            if row["status"] == "done" and ctx.rng.random() < 0.33:
                row["status"] = "skipped"
            rows.append(row)
    return rows


def _observation_rows(ctx: DemoContext, sessions: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Planted patterns across many sessions, plus each anecdote once."""
    weights = [len(phrasings) for _t, _k, phrasings in PATTERNS.values()]
    names = list(PATTERNS)
    rows: list[dict[str, Any]] = []
    for touchpoint, kind, text in ANECDOTES:
        rows.append(_observation(ctx, ctx.rng.choice(sessions), kind, text, touchpoint, ""))
    while len(rows) < OBSERVATIONS:
        name = ctx.rng.choices(names, weights)[0]
        rows.append(_planted(ctx, ctx.rng.choice(sessions), name))
    ctx.rng.shuffle(rows)
    return rows


def _planted(ctx: DemoContext, where: tuple[int, int], name: str) -> dict[str, Any]:
    touchpoint, kind, phrasings = PATTERNS[name]
    text = ctx.rng.choice(FRAMES).format(ctx.rng.choice(phrasings))
    return _observation(ctx, where, kind, text, touchpoint, name)


def _observation(ctx: DemoContext, where: tuple[int, int], kind: str, text: str,
                 touchpoint: str, pattern: str) -> dict[str, Any]:
    cleaned = redact(text)
    return {
        "session_id": where[0], "leader_id": where[1], "kind": kind, "text": cleaned.text,
        "touchpoint": touchpoint, "segment": ctx.rng.choice(SEGMENTS),
        "severity": ctx.rng.choice((1, 2, 2, 3, 3, 4)) if kind != "delight" else 1,
        "redactions": len(cleaned.spans), "_pattern": pattern,
    }


def _experiments(ctx: DemoContext, by_pattern: dict[str, list[int]],
                 owners: list[int]) -> None:
    lee = ctx.logins[Role.LEADER].person_id
    partner = ctx.logins[Role.PEOPLE_PARTNER].email
    for index, (pattern, status, hypothesis, metric, baseline, target, lee_owns) in enumerate(
        EXPERIMENTS
    ):
        experiment = Experiment(
            title=pattern, hypothesis=hypothesis,
            owner_id=lee if lee_owns else owners[index % len(owners)], metric=metric,
            baseline=baseline, target=target, status=status, pattern_label=pattern,
            due_on=ctx.today + timedelta(weeks=4 + 2 * index),
            evidence=by_pattern.get(pattern, [])[:12],
        )
        ctx.session.add(experiment)
        ctx.session.flush()
        for step in PATH[status]:
            ctx.session.add(ExperimentEvent(experiment_id=experiment.id, status=step,
                                            note=f"demo: {step}", actor=partner))


def _pilot_sessions(ctx: DemoContext, program: Program, started: date,
                    leaders: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Four immersion sessions over the pilot's first two weeks; (id, leader) of those held."""
    rows = []
    for n, (leader, _department) in enumerate(ctx.rng.sample(leaders, 4)):
        day = started + timedelta(days=1 + 3 * n)
        rows.append(_session_row(program, "support at peak hours", leader, day, ctx.today))
    ids = ctx.session.scalars(
        insert(ProgramSession).returning(ProgramSession.id, sort_by_parameter_order=True), rows
    ).all()
    return [(i, r["leader_id"]) for i, r in zip(ids, rows, strict=True) if r["status"] == "done"]


def _pilots(ctx: DemoContext, leaders: list[tuple[int, int]],
            owners: list[int]) -> list[dict[str, Any]]:
    """Pilots at four stages: measuring, making changes, awaiting a debrief, in immersion.
    Returns their observations (tagged with the planted pattern) for the saved debrief."""
    partner = ctx.logins[Role.PEOPLE_PARTNER].email
    planted: list[dict[str, Any]] = []
    for area, pattern, days_ago, existing, new in PILOTS:
        started = ctx.today - timedelta(days=days_ago)
        program = Program(name=f"Pilot: {area}", kind="immersion",
                          strategic_priority=f"Pilot in {area}")
        ctx.session.add(program)
        ctx.session.flush()
        held = _pilot_sessions(ctx, program, started, leaders)
        rows = [_planted(ctx, where, pattern) for where in held for _ in range(3)]
        tags = [row.pop("_pattern") for row in rows]
        if rows:
            ids = ctx.session.scalars(
                insert(Observation).returning(Observation.id, sort_by_parameter_order=True),
                rows,
            ).all()
            planted += [{"id": i, "_pattern": t} for i, t in zip(ids, tags, strict=True)]
        pilot = Pilot(product_area=area, program_id=program.id, starts_on=started,
                      immersion_days=PILOT_DAYS, changes_planned=3, experiment_ids=[],
                      created_by=partner)
        ctx.session.add(pilot)
        ctx.session.flush()
        if days_ago >= PILOT_DAYS + 10:  # debriefed ten days after the immersion ended
            debrief = save_debrief(ctx.session, OPERATOR, program_id=program.id)
            debrief.created_by = partner
            pilot.debrief_id = debrief.id
        linked = list(ctx.session.scalars(
            select(Experiment.id).where(Experiment.pattern_label.in_(existing))
        ))
        for index, (title, status, metric) in enumerate(new):
            experiment = Experiment(
                title=title, hypothesis=f"{title} cuts {pattern} at the source", metric=metric,
                owner_id=owners[(index + 3) % len(owners)], status=status,
                pattern_label=pattern, due_on=ctx.today + timedelta(weeks=6), evidence=[],
            )
            ctx.session.add(experiment)
            ctx.session.flush()
            for step in PATH[status]:
                ctx.session.add(ExperimentEvent(experiment_id=experiment.id, status=step,
                                                note=f"demo: {step}", actor=partner))
            linked.append(experiment.id)
        pilot.experiment_ids = linked
    return planted


def _curated_debrief(ctx: DemoContext, tagged: list[dict[str, Any]]) -> None:
    """The organisation-wide debrief as Pat left it: the sentence model's groups merged,
    split and renamed into the planted patterns, anecdotes apart. "Run and save a new
    debrief" on the page shows the model's own grouping again."""
    by_pattern: dict[str, list[int]] = {}
    for row in tagged:
        by_pattern.setdefault(row["_pattern"], []).append(row["id"])
    anecdotes = sorted(by_pattern.pop("", []))
    debrief = Debrief(program_id=None, created_by=ctx.logins[Role.PEOPLE_PARTNER].email,
                      observations=len(tagged), anecdotes=anecdotes)
    ctx.session.add(debrief)
    ctx.session.flush()
    ctx.session.add_all(
        DebriefPattern(debrief_id=debrief.id, label=name[:1].upper() + name[1:],
                       members=sorted(ids))
        for name, ids in by_pattern.items()
    )


def build(ctx: DemoContext) -> None:
    start = ctx.today - timedelta(weeks=PAST_WEEKS, days=ctx.today.weekday())
    programs = [Program(name=name, kind=kind, strategic_priority=PRIORITY)
                for name, kind, _format in PROGRAMS]
    field_visits = Program(name="Monthly field visits", kind="ritual",
                           strategic_priority=PRIORITY)
    ctx.session.add_all([*programs, field_visits])
    ctx.session.flush()
    leaders = _demo_leaders(ctx)
    rows = (_visits(ctx, programs, leaders, start) + _briefings(ctx, programs[3], leaders, start)
            + _field_visits(ctx, field_visits, leaders, start))
    ctx.session.execute(insert(ProgramSession), rows)
    done = ctx.session.execute(
        select(ProgramSession.id, ProgramSession.leader_id)
        .join(Program, Program.id == ProgramSession.program_id)
        .where(ProgramSession.status == "done", Program.kind != "ritual")
        .order_by(ProgramSession.id)
    ).all()
    observations = _observation_rows(ctx, [(s, leader or 0) for s, leader in done])
    patterns = [row.pop("_pattern") for row in observations]
    ids = ctx.session.scalars(
        insert(Observation).returning(Observation.id, sort_by_parameter_order=True),
        observations,
    ).all()
    by_pattern: dict[str, list[int]] = {}
    for pattern, observation_id in zip(patterns, ids, strict=True):
        by_pattern.setdefault(pattern, []).append(observation_id)
    owners = [leader for leader, _d in leaders[1:]]
    _experiments(ctx, by_pattern, owners)
    tagged = [{"id": i, "_pattern": p} for p, i in zip(patterns, ids, strict=True)]
    tagged += _pilots(ctx, leaders, owners)
    _curated_debrief(ctx, tagged)
    ctx.session.flush()
    ctx.summary["programs"] = {"sessions": len(rows), "observations": len(tagged),
                               "experiments": len(EXPERIMENTS), "pilots": len(PILOTS)}
