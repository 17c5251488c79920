"""The demo's pulse story: six rounds with results, small teams never shown, some leaders
keep overestimating workload, and Lee's gap closes after the experiment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from heard.accounts.users import actor_for, get_user_by_email
from heard.app import Heard
from heard.demo import load_demo
from heard.pulse import anonymity, checkins, rounds, views
from heard.store.tables.accounts import User
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

        # Check-ins (same demo load, to keep the suite quick): Lee keeps a steady,
        # mostly barrier-focused rhythm with one person overdue; other leaders only do
        # status updates or have lapsed; Mo sees Lee's shared notes, never the private ones.
        today = date(2026, 11, 1)
        rhythm = checkins.rhythm(s, lee, today=today)
        assert rhythm["barrier_share"] > 0.6 and 10 <= rhythm["median_days_between"] <= 18
        assert len(rhythm["overdue"]) == 1
        leaders = s.scalars(select(Team.leader_id).where(Team.leader_id.is_not(None))).all()
        shares, lapsed = [], 0
        for leader_id in leaders:
            user = s.scalar(select(User).where(User.person_id == leader_id))
            assert user is not None
            data = checkins.rhythm(s, actor_for(user, "session"), today=today)
            if data["barrier_share"] is not None:
                shares.append(data["barrier_share"])
            lapsed += bool(data["people"]) and len(data["overdue"]) == len(data["people"])
        assert min(shares) < 0.2 and max(shares) > 0.7 and lapsed >= 2
        mo = actor_for(get_user_by_email(s, "mo@heard.example"), "session")
        mine = checkins.my_checkins(s, mo)["checkins"]
        assert len(mine) >= 8 and mine[0]["leader"]["name"] == "Lee Leader"
        assert mine[0]["follow_ups"] and "private_notes" not in mine[0]
        form = checkins.checkin_form(s, lee, mine[0]["person"]["id"])
        assert form["private_notes"].startswith("Mentioned caring for a parent")

        # Decisions and experiments (same demo load): Lee's focus mornings improve workload
        # and meeting scores against similar Support teams, with an interval clear of zero
        # and the team's words shown; Pat's two others show no change (concluded, abandoned).
        from heard.pulse import experiments

        listed = {e["status"]: e for e in experiments.list_experiments(s, pat)}
        assert set(listed) == {"running", "concluded", "abandoned"}
        focus = listed["running"]
        assert focus["team"]["name"] == "Support Tier 1 EMEA"
        assert focus["start_round"]["id"] == done[3].id
        did = focus["result"]["did"]
        assert 0.4 < did["estimate"] < 1.2 and did["ci_low"] > 0
        for other in (listed["concluded"], listed["abandoned"]):
            assert other["result"]["did"]["ci_low"] < 0 < other["result"]["did"]["ci_high"]
        view = experiments.experiment_view(s, lee, focus["id"], heard_app.settings)
        assert len(view["feedback"]["shown"]) >= view["feedback"]["threshold"]
        assert [d["summary"] for d in experiments.decisions.list_decisions(s, lee)] == [
            focus["change"]
        ]
