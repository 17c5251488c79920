"""The navigation shell. Each capability adds its entries; an entry shows only to roles
whose policy grants its permission (the routes enforce the same permission again)."""

from __future__ import annotations

from dataclasses import dataclass

from heard.accounts.policy import Actor, Permission


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    permission: Permission | None = None


NAV: list[NavItem] = [
    NavItem("Home", "/"),
    NavItem("Organisation", "/org/teams", Permission.VIEW_ORG),
    NavItem("People", "/org/people", Permission.VIEW_PEOPLE),
    NavItem("Import", "/org/import", Permission.IMPORT_PEOPLE),
    NavItem("Users", "/admin/users", Permission.MANAGE_USERS),
    NavItem("API tokens", "/admin/tokens", Permission.MANAGE_TOKENS),
    NavItem("Audit log", "/admin/audit", Permission.VIEW_AUDIT),
    NavItem("Pulse", "/pulse", Permission.PULSE_ANSWER),
    NavItem("Empathy gap", "/pulse/gap", Permission.PULSE_LEAD),
    NavItem("Check-ins", "/checkins", Permission.PULSE_LEAD),
    NavItem("My check-ins", "/checkins/mine", Permission.PULSE_ANSWER),
    NavItem("Pulse overview", "/pulse/org", Permission.PULSE_VIEW_ORG),
    NavItem("Pulse settings", "/pulse/settings", Permission.PULSE_CONFIGURE),
    NavItem("Customer signals", "/signals", Permission.SIGNALS_VIEW),
    NavItem("SLA board", "/signals/sla", Permission.SIGNALS_DASHBOARD),
    NavItem("My sessions", "/programs/sessions", Permission.PROGRAMS_OBSERVE),
    NavItem("Rituals", "/programs/rituals", Permission.PROGRAMS_OBSERVE),
    NavItem("Debrief", "/programs/debrief", Permission.PROGRAMS_MANAGE),
    NavItem("Pilots", "/programs/pilots", Permission.PROGRAMS_VIEW),
    NavItem("Rotations", "/programs/schedule", Permission.PROGRAMS_MANAGE),
    NavItem("Commitments", "/programs/commitments", Permission.COMMITMENTS_VIEW),
]


def nav_for(actor: Actor | None) -> list[NavItem]:
    if actor is None:
        return []
    return [item for item in NAV if item.permission is None or actor.can(item.permission)]


def current_item(items: list[NavItem], path: str) -> str | None:
    """The entry to mark as the current page: the longest one whose path the URL is under,
    so /pulse/gap marks "Empathy gap" and not "Pulse" as well."""
    matches = [i.path for i in items
               if path == i.path or (i.path != "/" and path.startswith(i.path.rstrip("/") + "/"))]
    return max(matches, key=len) if matches else None
