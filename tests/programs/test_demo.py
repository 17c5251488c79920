"""The demo's programs story: a quarter of sessions of every kind for the demo leaders, Lee
among them; about 300 observations in which the debrief finds the planted patterns; and
experiments in every state, two of them Lee's."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from heard.accounts.users import actor_for, get_user_by_email
from heard.app import Heard
from heard.demo import load_demo
from heard.programs.actions import STATUSES, commitments
from heard.programs.observations import run_debrief
from heard.programs.sessions import my_sessions
from heard.store.tables.programs import Observation, Program, ProgramSession


def test_the_demo_has_a_quarter_of_programs_with_patterns_and_experiments(
    heard_app: Heard,
) -> None:
    with heard_app.transaction() as s:
        load_demo(s, seed=7, today=date(2026, 11, 1))
    with heard_app.transaction() as s:
        kinds = set(s.scalars(
            select(Program.kind).join(ProgramSession, ProgramSession.program_id == Program.id)
        ))
        assert kinds == {"immersion", "rotation", "perspective", "ritual"}
        assert 280 <= (s.scalar(select(func.count(Observation.id))) or 0) <= 320

        lee = actor_for(get_user_by_email(s, "lee@heard.example"), "session")
        assert len({row["format"] for row in my_sessions(s, lee)}) == 4

        pat = actor_for(get_user_by_email(s, "pat@heard.example"), "session")
        debrief = run_debrief(s, pat)
        labels = " ".join(p["label"] + " " + " ".join(p["quotes"]) for p in debrief["patterns"])
        for planted in ("onboarding", "portal", "understand"):
            assert planted in labels
        assert debrief["patterns"][0]["sessions"] >= 10

        feed = commitments(s, lee)["commitments"]
        assert {c["status"] for c in feed} == set(STATUSES)
        assert sum(c["mine"] for c in feed) == 2
