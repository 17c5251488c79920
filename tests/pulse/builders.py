"""Build small organisations and run pulse rounds through the real domain functions.

``build_org`` takes ``{team: (parent team or None, size)}``; every team gets a leader who
sits in the parent team (the importer's rule), and ``size`` members. Everyone gets an
account with the test password; leaders are leaders, the rest members."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from heard.accounts.policy import OPERATOR, Actor, Role
from heard.app import Heard
from heard.org.importer import import_people
from heard.pulse import predictions, rounds
from heard.store.tables.accounts import User
from heard.store.tables.org import Person, Team
from heard.store.tables.pulse import PulseInvitation
from tests.conftest import PASSWORD_HASH


@dataclass
class Org:
    teams: dict[str, int]  # name -> team id
    leaders: dict[str, Actor]  # team name -> its leader
    members: dict[str, list[Actor]]  # team name -> its members (not leaders)
    emails: dict[str, str] = field(default_factory=dict)  # team name -> leader email

    def everyone(self) -> list[Actor]:
        out = [a for team in self.members.values() for a in team]
        out += [a for t, a in self.leaders.items() if a not in out]
        return out


def _slug(name: str) -> str:
    return name.lower().replace(" ", "")


def build_org(
    heard: Heard,
    spec: dict[str, tuple[str | None, int]],
    departments: dict[str, str] | None = None,
) -> Org:
    """``departments`` (team -> department) defaults every team to one department."""
    lines = ["employee_id,name,email,department,team,manager_employee_id,title,leads_team"]
    counter = 0
    for team, (parent, size) in spec.items():
        counter += 1
        home = parent or team  # the top leader sits in their own team
        dept = (departments or {}).get(team, "Dept")
        lines.append(
            f"L{counter},Lead {team},lead.{_slug(team)}@example.com,{dept},{home},,Lead,{team}"
        )
        for _ in range(size):
            counter += 1
            lines.append(f"M{counter},Member {counter},m{counter}@example.com,{dept},{team},,IC,")
    with heard.transaction() as s:
        import_people(s, OPERATOR, "\n".join(lines) + "\n")
    with heard.transaction() as s:
        teams = {t.name: t for t in s.scalars(select(Team))}
        leaders, members, emails = {}, {}, {}
        for person in s.scalars(select(Person).order_by(Person.id)):
            led = next((t for t in teams.values() if t.leader_id == person.id), None)
            role = Role.LEADER if led else Role.MEMBER
            user = User(
                email=person.email,
                name=person.name,
                role=role.value,
                password_hash=PASSWORD_HASH,
                person_id=person.id,
            )
            s.add(user)
            s.flush()
            actor = Actor(user.id, person.name, person.email, role, person.id)
            if led:
                leaders[led.name] = actor
                emails[led.name] = person.email
            team_name = next(t.name for t in teams.values() if t.id == person.team_id)
            if not (led and led.name == team_name):
                members.setdefault(team_name, []).append(actor)
        return Org({n: t.id for n, t in teams.items()}, leaders, members, emails)


Answer = Callable[[Actor, int], int]  # (member, item index) -> value


def run_round(
    heard: Heard,
    org: Org,
    name: str,
    answer: Answer,
    *,
    respond: Callable[[Actor], bool] = lambda a: True,
    predict: dict[str, list[float]] | None = None,
    barriers: dict[str, list[int]] | None = None,
    comment: Callable[[Actor], str] | None = None,
    publish: bool = True,
) -> int:
    """Create, open, answer, predict, close (and publish) a round; return its id."""
    with heard.transaction() as s:
        rnd = rounds.create_round(s, OPERATOR, name=name)
        rounds.open_round(s, OPERATOR, rnd.id)
        round_id = rnd.id
    with heard.transaction() as s:
        items = rounds.round_items(s, round_id)
        invited = set(
            s.scalars(select(PulseInvitation.person_id).where(PulseInvitation.round_id == round_id))
        )
    for actor in org.everyone():
        if actor.person_id not in invited or not respond(actor):
            continue
        with heard.transaction() as s:
            values = {item.id: answer(actor, j) for j, item in enumerate(items.ratings)}
            texts = {items.open[0].id: comment(actor)} if comment and items.open else {}
            rounds.submit_answers(s, actor, round_id, values, texts)
    for team, values in (predict or {}).items():
        chosen = (barriers or {}).get(team, [0, 1, 2])
        with heard.transaction() as s:
            predictions.submit_prediction(
                s,
                org.leaders[team],
                round_id,
                org.teams[team],
                {item.id: v for item, v in zip(items.ratings, values, strict=True)},
                [items.ratings[j].id for j in chosen],
            )
    with heard.transaction() as s:
        rounds.close_round(s, OPERATOR, round_id, heard.settings)
        if publish:
            rounds.publish_results(s, OPERATOR, round_id)
    return round_id


def rating_ids(session: Session, round_id: int) -> list[int]:
    return [i.id for i in rounds.round_items(session, round_id).ratings]
