"""The demo's programs story: a quarter of sessions of every kind for the demo leaders, Lee
among them; about 300 observations in which the debrief finds the planted patterns; a saved
debrief as Pat left it (planted patterns by name, anecdotes apart); experiments in every
state, two of them Lee's; pilots at four stages; and rituals Lee has let lapse."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from heard.accounts.users import actor_for, get_user_by_email
from heard.app import Heard
from heard.demo import load_demo
from heard.programs.actions import STATUSES, commitments
from heard.programs.cadence import ritual_cadence, ritual_sessions
from heard.programs.debriefs import latest_debrief
from heard.programs.demo_texts import ANECDOTES
from heard.programs.observations import run_debrief
from heard.programs.pilots import pilots
from heard.programs.sessions import my_sessions
from heard.store.tables.programs import Observation, Program, ProgramSession


def test_the_demo_has_a_quarter_of_programs_with_patterns_and_experiments(
    heard_app: Heard,
) -> None:
    today = date(2026, 11, 1)
    with heard_app.transaction() as s:
        load_demo(s, seed=7, today=today)
    with heard_app.transaction() as s:
        kinds = set(s.scalars(
            select(Program.kind).join(ProgramSession, ProgramSession.program_id == Program.id)
        ))
        assert kinds == {"immersion", "rotation", "perspective", "ritual"}
        assert 280 <= (s.scalar(select(func.count(Observation.id))) or 0) <= 320

        lee = actor_for(get_user_by_email(s, "lee@heard.example"), "session")
        formats = {row["format"] for row in my_sessions(s, lee)}
        assert len(formats) == 5 and "monthly field visit" in formats

        pat = actor_for(get_user_by_email(s, "pat@heard.example"), "session")
        debrief = run_debrief(s, pat)
        labels = " ".join(p["label"] + " " + " ".join(p["quotes"]) for p in debrief["patterns"])
        for planted in ("onboarding", "portal"):
            assert planted in labels
        assert debrief["patterns"][0]["sessions"] >= 10

        saved = latest_debrief(s, pat)
        assert saved is not None
        names = {p["label"] for p in saved["patterns"]}
        assert {"Onboarding fatigue", "Too little self-service", "Confusing language"} <= names
        anecdotes = {text for _t, _k, text in ANECDOTES}
        assert set(saved["anecdote_texts"]) <= anecdotes and len(saved["anecdote_texts"]) >= 20
        assert not any(m["text"] in anecdotes for p in saved["patterns"]
                       for m in p["member_texts"])

        stages = {p["product_area"]: p["stage"] for p in pilots(s, pat, today)}
        assert stages == {"Billing": "measuring", "Onboarding": "changes",
                          "Self-service portal": "debrief", "Delivery tracking": "immersion"}

        briefing = next(r for r in ritual_cadence(s, lee, today)
                        if r["ritual"] == "weekly customer briefing")
        assert briefing["overdue"] and 0.4 < briefing["adherence"] < 1
        assert ritual_sessions(s, lee, today)["to_record"]

        feed = commitments(s, lee)["commitments"]
        assert {c["status"] for c in feed} == set(STATUSES)
        assert sum(c["mine"] for c in feed) == 2
