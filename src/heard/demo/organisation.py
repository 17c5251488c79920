"""The demo company: about 400 people in 45 teams across 5 departments."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

FIRST = [
    "Aisha",
    "Ben",
    "Carla",
    "Dmitri",
    "Elena",
    "Farah",
    "Gabriel",
    "Hana",
    "Ivan",
    "Jonas",
    "Keiko",
    "Liam",
    "Maya",
    "Nikhil",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Samir",
    "Tara",
    "Umar",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zane",
    "Amara",
    "Bruno",
    "Chloe",
    "Diego",
    "Esme",
    "Felix",
    "Grace",
    "Hugo",
    "Ines",
    "Jamal",
    "Kira",
    "Leo",
    "Mina",
    "Noah",
    "Omar",
    "Priya",
    "Rafael",
    "Sofia",
    "Tomas",
    "Uma",
    "Victor",
    "Willa",
    "Yusuf",
    "Zoe",
    "Anika",
    "Callum",
    "Dara",
    "Emil",
    "Freya",
    "Goran",
    "Helga",
    "Ilse",
    "Jun",
    "Kofi",
]
LAST = [
    "Abara",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ibrahim",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Almeida",
    "Brennan",
    "Costa",
    "Delgado",
    "Engel",
    "Fontaine",
    "Gupta",
    "Horvat",
    "Iyer",
    "Jovanovic",
    "Kim",
    "Lindqvist",
    "Mensah",
    "Novak",
    "Ortiz",
    "Park",
    "Reyes",
    "Silva",
    "Torres",
    "Uddin",
    "Vidal",
    "Walsh",
]
LOCATIONS = ("Lisbon", "Dublin", "Toronto", "Austin", "Berlin", "Remote")

# department -> (short name, working teams)
DEPARTMENTS: dict[str, tuple[str, list[str]]] = {
    "Customer Support": (
        "Support",
        [
            "Support Tier 1 EMEA",
            "Support Tier 1 Americas",
            "Support Tier 1 APAC",
            "Support Tier 2",
            "Billing Support",
            "Onboarding Support",
            "Escalations",
            "Social Care",
            "Support Quality",
            "Support Operations",
            "Knowledge Base",
        ],
    ),
    "Engineering": (
        "Engineering",
        [
            "Payments Platform",
            "Accounts & Identity",
            "Mobile Apps",
            "Web App",
            "Data Platform",
            "Reliability",
            "Integrations",
            "Search",
            "Notifications",
            "Security Engineering",
            "Developer Experience",
        ],
    ),
    "Product & Design": (
        "Product",
        [
            "Product Onboarding",
            "Product Billing",
            "Design Systems",
            "User Research",
            "Product Analytics",
            "Content Design",
        ],
    ),
    "Sales & Success": (
        "Sales",
        [
            "Enterprise Sales",
            "Mid-Market Sales",
            "SMB Sales",
            "Customer Success EMEA",
            "Customer Success Americas",
            "Renewals",
            "Solutions Engineering",
            "Partnerships",
        ],
    ),
    "Operations & People": (
        "Operations",
        [
            "People Partners",
            "Finance",
            "Workplace & IT",
        ],
    ),
}
# A few teams are deliberately too small to report pulse results for (k = 5).
SMALL_TEAMS = {"Escalations": 3, "Security Engineering": 4, "Content Design": 3, "Partnerships": 4}
LEADERSHIP = "Leadership"
LEADERSHIP_DEPARTMENT = "Operations & People"


@dataclass
class DemoPerson:
    employee_id: str
    name: str
    email: str
    department: str
    team: str
    title: str
    location: str
    start_date: date
    manager_employee_id: str = ""
    leads_team: str = ""


@dataclass
class OrgPlan:
    people: list[DemoPerson] = field(default_factory=list)

    def by_team(self, team: str) -> list[DemoPerson]:
        return [p for p in self.people if p.team == team]

    def leader_of(self, team: str) -> DemoPerson:
        return next(p for p in self.people if p.leads_team == team)

    def to_csv(self) -> str:
        out = io.StringIO()
        columns = [
            "employee_id",
            "name",
            "email",
            "department",
            "team",
            "manager_employee_id",
            "title",
            "location",
            "start_date",
            "leads_team",
        ]
        writer = csv.DictWriter(out, fieldnames=columns)
        writer.writeheader()
        for p in self.people:
            row = {c: getattr(p, c) for c in columns}
            row["start_date"] = p.start_date.isoformat()
            writer.writerow(row)
        return out.getvalue()


class _Namer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> tuple[str, str]:
        while True:
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            email = f"{first}.{last}".lower()
            if email not in self.used:
                self.used.add(email)
                return f"{first} {last}", f"{email}@heard.example"


def plan_organisation(rng: random.Random, today: date) -> OrgPlan:
    plan, namer = OrgPlan(), _Namer(rng)
    counter = iter(range(1001, 100000))

    def hire(dept: str, team: str, title: str, manager: str, leads: str = "") -> DemoPerson:
        name, email = namer.name()
        person = DemoPerson(
            employee_id=f"E{next(counter)}",
            name=name,
            email=email,
            department=dept,
            team=team,
            title=title,
            location=rng.choice(LOCATIONS),
            start_date=today - timedelta(days=rng.randint(60, 3000)),
            manager_employee_id=manager,
            leads_team=leads,
        )
        plan.people.append(person)
        return person

    ceo = hire(LEADERSHIP_DEPARTMENT, LEADERSHIP, "Chief Executive Officer", "", LEADERSHIP)
    for dept, (short, teams) in DEPARTMENTS.items():
        dept_team = f"{short} Leadership"
        head = hire(dept, LEADERSHIP, f"VP {dept}", ceo.employee_id, dept_team)
        for team in teams:
            lead = hire(dept, dept_team, f"{team} Manager", head.employee_id, team)
            # A manager belongs to their own manager's team, so `size` counts reports only.
            size = SMALL_TEAMS.get(team) or rng.randint(7, 14)
            for _ in range(size):
                hire(dept, team, _title(short, rng), lead.employee_id)
    return plan


def _title(short: str, rng: random.Random) -> str:
    titles = {
        "Support": ["Support Specialist", "Senior Support Specialist", "Support Agent"],
        "Engineering": ["Software Engineer", "Senior Software Engineer", "Staff Engineer"],
        "Product": ["Product Manager", "Product Designer", "Researcher"],
        "Sales": ["Account Executive", "Customer Success Manager", "Sales Engineer"],
        "Operations": ["People Partner", "Financial Analyst", "IT Specialist"],
    }
    return rng.choice(titles[short])
