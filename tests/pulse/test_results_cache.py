"""round_results is cached per process (a closed round's figures are frozen). The cache
must never serve figures of a different round that happens to reuse the same id: after a
wipe (a reset demo, the next test) the same id means different people and answers."""

from __future__ import annotations

from heard.app import Heard
from heard.pulse.anonymity import round_results
from heard.store.wipe import delete_all_rows
from tests.pulse.builders import build_org, run_round


def _team_means(heard: Heard, round_id: int, team_id: int) -> list[float]:
    with heard.transaction() as s:
        group = round_results(s, round_id).group(team_id)
        assert group is not None and group.figures
        return [f.mean for f in group.figures]


def test_a_round_id_reused_after_a_wipe_gets_fresh_figures(heard_app: Heard) -> None:
    org = build_org(heard_app, {"Top": (None, 0), "Six": ("Top", 6)})
    first = run_round(heard_app, org, "Spring", answer=lambda a, j: 2)
    before = _team_means(heard_app, first, org.teams["Six"])
    assert _team_means(heard_app, first, org.teams["Six"]) == before  # served again

    with heard_app.transaction() as s:
        delete_all_rows(s)
    org = build_org(heard_app, {"Top": (None, 0), "Six": ("Top", 6)})
    second = run_round(heard_app, org, "Spring", answer=lambda a, j: 5)
    after = _team_means(heard_app, second, org.teams["Six"])
    assert set(before) == {2.0} and set(after) == {5.0}


def test_publishing_a_round_is_seen_at_once(heard_app: Heard) -> None:
    from heard.accounts.policy import OPERATOR
    from heard.pulse import rounds

    org = build_org(heard_app, {"Top": (None, 0), "Six": ("Top", 6)})
    round_id = run_round(heard_app, org, "Spring", answer=lambda a, j: 3, publish=False)
    with heard_app.transaction() as s:
        assert round_results(s, round_id).status == rounds.CLOSED
        rounds.publish_results(s, OPERATOR, round_id)
    with heard_app.transaction() as s:
        assert round_results(s, round_id).status == rounds.RESULTS
