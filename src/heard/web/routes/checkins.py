"""Check-in pages and their `/api/checkins` twins. Handlers parse input and call
:mod:`heard.pulse.checkins`, where the access rules (and the privacy of private notes)
live."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from heard.errors import Problem, ValidationError
from heard.pulse import checkins
from heard.web.auth import CurrentActor, DbSession
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()

OverdueDays = Query(checkins.OVERDUE_DAYS, ge=1, le=365)


# --- leader: rhythm and the check-ins they held ---------------------------------------


@router.get("/checkins", response_class=HTMLResponse, include_in_schema=False)
def rhythm_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    overdue_days: int = OverdueDays,
) -> HTMLResponse:
    data = checkins.rhythm_view(session, actor, overdue_days=overdue_days)
    return page(request, "pulse/checkins.html", data, actor=actor, title="Check-ins")


@router.get("/api/checkins/rhythm", tags=["checkins"])
def rhythm_api(
    actor: CurrentActor,
    session: DbSession,
    overdue_days: int = OverdueDays,
) -> dict[str, Any]:
    """The leader's own rhythm over the last 90 days: per person the last check-in and days
    since, check-ins per person per month, median days between check-ins, the share that
    were barrier-focused, and who is overdue (no check-in for more than `overdue_days`)."""
    return checkins.rhythm_view(session, actor, overdue_days=overdue_days)


@router.get("/api/checkins", tags=["checkins"])
def list_api(
    actor: CurrentActor,
    session: DbSession,
    person: int | None = None,
) -> dict[str, Any]:
    """The check-ins the signed-in leader held (newest first), with their private notes."""
    return {"checkins": checkins.leader_checkins(session, actor, person)}


@router.get("/api/checkins/templates", tags=["checkins"])
def templates_api(actor: CurrentActor) -> dict[str, Any]:
    return {"templates": checkins.templates(actor)}


# --- leader: hold a check-in ----------------------------------------------------------


@router.get("/checkins/new", response_class=HTMLResponse, include_in_schema=False)
def new_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    person: int,
    template: str = "barriers",
) -> HTMLResponse:
    data = checkins.checkin_form(session, actor, person, template)
    data["today"] = date.today().isoformat()
    return page(request, "pulse/checkin_form.html", data, actor=actor, title="Check-in")


@router.get("/api/checkins/form", tags=["checkins"])
def form_api(
    actor: CurrentActor,
    session: DbSession,
    person: int,
    template: str = "barriers",
) -> dict[str, Any]:
    """What the next check-in with a person starts from: the template, the previous shared
    record, and your last private note about them (carried over; only you see it)."""
    return checkins.checkin_form(session, actor, person, template)


def _held_on(raw: object) -> date | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError([Problem("must be a date like 2026-03-02", "held_on")]) from None


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/checkins/new", include_in_schema=False)
async def new_submit(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> Response:
    form = await request.form()
    person_raw, template = _text(form, "person_id"), _text(form, "template") or "barriers"
    if not person_raw.isdigit():
        raise ValidationError([Problem("choose a person", "person_id")])
    person_id = int(person_raw)
    chosen = checkins.TEMPLATES.get(template)
    questions = len(chosen.questions) if chosen else 0
    answers = [_text(form, f"answer_{i}") for i in range(1, questions + 1)]
    shared, follow_ups = _text(form, "shared_notes"), _text(form, "follow_ups")
    private, held_on = _text(form, "private_notes"), _text(form, "held_on")
    given = {
        "answers": answers,
        "shared_notes": shared,
        "follow_ups": follow_ups,
        "private_notes": private,
        "held_on": held_on,
    }
    try:
        checkin = checkins.record_checkin(
            session,
            actor,
            person_id=person_id,
            template=template,
            answers=answers,
            shared_notes=shared,
            follow_ups=follow_ups.splitlines(),
            private_notes=private,
            held_on=_held_on(held_on),
        )
    except ValidationError as exc:
        session.rollback()
        data = checkins.checkin_form(session, actor, person_id, template)
        data |= {"error": str(exc), "given": given, "today": date.today().isoformat()}
        return page(
            request, "pulse/checkin_form.html", data, actor=actor, status=400, title="Check-in"
        )
    return RedirectResponse(f"/checkins/{checkin.id}?saved=1", status_code=303)


class NewCheckin(BaseModel):
    person_id: int
    template: str = "barriers"
    held_on: date | None = None
    answers: list[str] = Field(default_factory=list)
    shared_notes: str = ""
    follow_ups: list[str] = Field(default_factory=list)
    private_notes: str = ""


@router.post("/api/checkins", tags=["checkins"], status_code=201)
def create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewCheckin,
) -> dict[str, Any]:
    """Record a check-in with a person on a team you lead. `answers` follow the template's
    questions in order; `private_notes` are seen by you alone and carried over to your next
    check-in with the same person."""
    checkin = checkins.record_checkin(
        session,
        actor,
        person_id=body.person_id,
        template=body.template,
        answers=body.answers,
        shared_notes=body.shared_notes,
        follow_ups=body.follow_ups,
        private_notes=body.private_notes,
        held_on=body.held_on,
    )
    return checkins.get_checkin(session, actor, checkin.id)


# --- member: my check-ins (shared record only) ----------------------------------------

page_and_api(
    router,
    page_path="/checkins/mine",
    api_path="/api/checkins/mine",
    template="pulse/my_checkins.html",
    title="My check-ins",
    tag="checkins",
    build=checkins.my_checkins,
)


# --- one check-in: the leader who held it, or the person it was with ------------------


@router.get("/checkins/{checkin_id:int}", response_class=HTMLResponse, include_in_schema=False)
def checkin_page(
    actor: CurrentActor,
    session: DbSession,
    checkin_id: int,
    request: Request,
) -> HTMLResponse:
    data = {
        "checkin": checkins.get_checkin(session, actor, checkin_id),
        "saved": request.query_params.get("saved") == "1",
    }
    return page(request, "pulse/checkin.html", data, actor=actor, title="Check-in")


@router.get("/api/checkins/{checkin_id:int}", tags=["checkins"])
def checkin_api(
    actor: CurrentActor,
    session: DbSession,
    checkin_id: int,
) -> dict[str, Any]:
    """One check-in. The leader who held it also gets their private notes; the person it
    was with gets the shared record; anyone else gets 404."""
    return checkins.get_checkin(session, actor, checkin_id)
