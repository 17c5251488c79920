"""The demo's pulse story: six rounds with results, small teams never shown, some leaders
keep overestimating workload, and Lee's gap closes after the experiment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from heard.accounts.users import actor_for, get_user_by_email
from heard.app import Heard
from heard.demo import load_demo
from heard.pulse import anonymity, rounds, views
from heard.store.tables.org import Team


def test_the_demo_tells_the_empathy_gap_story(heard_app: Heard) -> None:
    with heard_app.transaction() as s:
        load_demo(s, seed=7, today=date(2026, 11, 1))
    with heard_app.transaction() as s:
        done = rounds.rounds_in(s, (rounds.RESULTS,))
        assert len(done) == 6
        assert rounds.latest_round(s, (rounds.OPEN,)) is not None

        small = list(
            s.scalars(select(Team.id).where(Team.name.in_(["Escalations", "Content Design"])))
        )
        assert len(small) == 2
        for rnd in done:
            results = anonymity.round_results(s, rnd.id)
            assert all(results.group(t).suppressed for t in small)

        lee = actor_for(get_user_by_email(s, "lee@heard.example"), "session")
        trend = views.leader_trend(s, views.leader_gap_view(s, lee)["team"]["id"])
        before = [p["mean_abs_gap"] for p in trend[:3]]
        after = [p["mean_abs_gap"] for p in trend[3:]]
        assert min(before) > 0.4 and max(after) < 0.25
        assert all(p["knows_what_hurts_most"] == 0 for p in trend[:3])

        pat = actor_for(get_user_by_email(s, "pat@heard.example"), "session")
        org = views.org_view(s, pat)
        workload = [i for i in org["gaps"]["items"] if i["dimension"] == "workload"]
        assert all(i["mean_gap"] > 0.2 and i["blind_spots"] >= 3 for i in workload)
