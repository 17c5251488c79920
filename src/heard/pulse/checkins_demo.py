"""Demo check-ins: five months of them, with leaders who differ in how they hold them.

* **steady**: a check-in with everyone about every two weeks, mostly barrier-focused.
  Lee (lee@heard.example) is one; one person on Lee's team has slipped past three weeks,
  so Lee's page shows an overdue name too.
* **status only**: a regular rhythm, but nearly every check-in is a status update.
* **lapsed**: a good rhythm that stopped six to ten weeks ago.
* **sporadic**: a check-in every month or so, mixed templates.

Mo (mo@heard.example) sees Lee's shared notes and follow-ups on their check-ins page, never
Lee's private notes. The step has its own random generator so that adding it changes
nothing in the other demo steps.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert, select

from heard.accounts.policy import Role
from heard.demo.generator import DemoContext
from heard.pulse.checkins import TEMPLATES
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import PulseCheckin, PulseCheckinNote

HISTORY_DAYS = 150
STYLES = ("steady", "steady", "status only", "lapsed", "sporadic")

ANSWERS = {
    "barriers": (
        ("Release weeks: tickets pile up faster than we can triage.",
         "Handoffs from sales arrive without the customer's history.",
         "The ticket tool times out in the afternoon peak.",
         "Too many status meetings on Mondays."),
        ("A clear owner for escalations from senior customers.",
         "One morning a week without meetings.",
         "Knowing which queue matters most this week."),
        ("Ask the platform team about the tool time-outs.",
         "Push back on the extra Monday sync.",
         "Get the handoff checklist agreed with sales."),
        ("Chasing context that should come with the ticket.",
         "Not much; this week felt manageable.",
         "Covering for the open role on the team."),
    ),
    "workload": (
        ("Heavy but doable.", "Too much since the release.", "Fine this week."),
        ("The daily stand-up runs long.", "Handoffs from tier 2.", "Ad-hoc review requests."),
        ("Drop the weekly report nobody reads.", "Delay the migration by a sprint."),
    ),
    "growth": (
        ("Mentoring new starters.", "More customer-facing work.", "Deeper technical work."),
        ("Writing good help articles.", "Running a retrospective.", "SQL for our reports."),
        ("Someone in Support Operations.", "The documentation team.", "A senior peer."),
    ),
    "status": (
        ("Closed the backlog of billing tickets.", "Finished the onboarding guide.",
         "Shipped the macro clean-up."),
        ("The quarterly review.", "The next release's FAQ.", "Training the new starter."),
    ),
}
SHARED_NOTES = (
    "Agreed to look at the release-week rota together.",
    "Good conversation; the tool time-outs are the main drag.",
    "We talked about protecting focus time on Tuesdays.",
    "Nothing urgent; energy is better than last month.",
    "",
)
FOLLOW_UPS = (
    "Raise the tool time-outs with Platform",
    "Try a meeting-free Tuesday morning",
    "Share the escalation owner list",
    "Book a session with a senior peer",
    "Drop the Monday sync for a month",
)
PRIVATE_NOTES = (
    "Caring for a parent this month; keep Friday afternoons light.",
    "Seemed tired; check in on workload again next time.",
    "Interested in the team lead opening; has not said so openly yet.",
    "Frustrated about the re-org; give them room to talk first.",
)


def build(ctx: DemoContext) -> None:
    rng = random.Random(f"heard demo check-ins {ctx.today.isoformat()}")
    session = ctx.session
    lee = ctx.logins[Role.LEADER].person_id if Role.LEADER in ctx.logins else None
    mo = ctx.logins[Role.MEMBER].person_id if Role.MEMBER in ctx.logins else None
    teams = session.execute(
        select(Team.id, Team.leader_id).where(Team.leader_id.is_not(None)).order_by(Team.id)
    ).all()
    held: list[tuple[dict[str, Any], str | None]] = []  # (check-in row, private note)
    styles: dict[str, int] = {}
    for team_id, leader_id in teams:
        if leader_id is None:
            continue
        style = "steady" if leader_id == lee else rng.choice(STYLES)
        styles[style] = styles.get(style, 0) + 1
        people = session.scalars(
            select(Person.id)
            .where(Person.team_id == team_id, Person.active.is_(True), Person.id != leader_id)
            .order_by(Person.id)
        ).all()
        slipped = people[-1] if leader_id == lee and len(people) > 1 else None
        for person_id in people:
            for held_on, template in _schedule(rng, ctx.today, style, person_id == slipped):
                row = _checkin(rng, leader_id, person_id, held_on, template)
                note = rng.choice(PRIVATE_NOTES) if rng.random() < 0.3 else None
                held.append((row, note))
    if mo is not None and lee is not None:
        _mo_with_lee(held, mo)
    held.sort(key=lambda h: (h[0]["held_on"], h[0]["leader_id"], h[0]["person_id"]))
    objects = [PulseCheckin(**row) for row, _note in held]
    session.add_all(objects)
    session.flush()
    notes = [
        {"checkin_id": obj.id, "leader_id": obj.leader_id, "text": note}
        for obj, (_row, note) in zip(objects, held, strict=True)
        if note
    ]
    if notes:
        session.execute(insert(PulseCheckinNote), notes)
    ctx.summary["check-ins"] = f"{len(objects)} by leaders who are " + ", ".join(
        f"{style} ({n})" for style, n in sorted(styles.items())
    )


def _schedule(
    rng: random.Random, today: date, style: str, slipped: bool
) -> list[tuple[date, str]]:
    """The dates and templates of one person's check-ins with their leader."""
    if style == "sporadic":
        every, barrier_share = (24, 45), 0.4
    elif style == "status only":
        every, barrier_share = (11, 17), 0.05
    else:
        every, barrier_share = (11, 17), 0.75
    # A lapsed leader stopped six to ten weeks ago; a slipped person has waited 4-5 weeks.
    stop = today - timedelta(days=rng.randint(42, 70) if style == "lapsed" else 0)
    if slipped:
        stop = today - timedelta(days=rng.randint(29, 36))
    day = today - timedelta(days=HISTORY_DAYS - rng.randint(0, 14))
    out = []
    while day <= stop:
        out.append((day, _template(rng, barrier_share)))
        day += timedelta(days=rng.randint(*every))
    return out


def _template(rng: random.Random, barrier_share: float) -> str:
    if rng.random() < barrier_share:
        return "barriers" if rng.random() < 0.7 else "workload"
    return "status" if rng.random() < 0.75 else "growth"


def _checkin(
    rng: random.Random, leader_id: int, person_id: int, held_on: date, template: str
) -> dict[str, Any]:
    questions = TEMPLATES[template].questions
    answers = [
        {"question": q, "answer": rng.choice(options)}
        for q, options in zip(questions, ANSWERS[template], strict=False)
    ]
    answers += [{"question": q, "answer": ""} for q in questions[len(answers) :]]
    barrier = TEMPLATES[template].barrier_focused
    return {
        "leader_id": leader_id,
        "person_id": person_id,
        "held_on": held_on,
        "template": template,
        "barrier_focused": barrier,
        "answers": answers,
        "shared_notes": rng.choice(SHARED_NOTES),
        "follow_ups": rng.sample(FOLLOW_UPS, rng.randint(0, 2)) if barrier else [],
    }


def _mo_with_lee(held: list[tuple[dict[str, Any], str | None]], mo: int) -> None:
    """Mo's latest check-in with Lee tells a small, consistent story on both sides."""
    mine = [h for h in held if h[0]["person_id"] == mo]
    if not mine:
        return
    row, _note = max(mine, key=lambda h: h[0]["held_on"])
    index = held.index((row, _note))
    row |= {
        "template": "barriers",
        "barrier_focused": True,
        "shared_notes": "Release weeks are the hard part; we agreed to try a quieter rota.",
        "follow_ups": ["Lee raises the tool time-outs with Platform",
                       "Try a meeting-free Tuesday morning"],
    }
    row["answers"] = [
        {"question": q, "answer": a}
        for q, a in zip(
            TEMPLATES["barriers"].questions,
            ("Tickets pile up after each release and the tool times out at peak.",
             "Knowing which queue matters most before Monday.",
             "Ask Platform about the time-outs.",
             "Chasing context that should come with the ticket."),
            strict=True,
        )
    ]
    held[index] = (row, "Mentioned caring for a parent; keep Friday afternoons light.")
