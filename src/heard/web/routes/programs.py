"""Programs pages and API: capture observations, run debriefs, promote patterns, read the
commitments feed, and schedule rotations. Each page and its /api twin share a data builder."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Body, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.errors import NotFound
from heard.programs.actions import commitments, owner_choices, promote_pattern
from heard.programs.cadence import (
    mark_ritual,
    pilot_view,
    pilots,
    ritual_cadence,
    start_pilot,
)
from heard.programs.catalog import OBSERVATION_KINDS
from heard.programs.debriefs import (
    latest_debrief,
    merge_patterns,
    rename_pattern,
    save_debrief,
    split_pattern,
)
from heard.programs.observations import SEGMENTS, TOUCHPOINTS, log_observation, run_debrief
from heard.programs.scheduler import schedule_rotations
from heard.programs.sessions import my_sessions
from heard.web.auth import current_actor, db_session
from heard.web.render import page
from heard.web.routing import new_router

router = new_router()


def sessions_data(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "sessions": my_sessions(session, actor),
        "kinds": OBSERVATION_KINDS,
        "touchpoints": TOUCHPOINTS,
        "segments": SEGMENTS,
    }


@router.get("/programs/sessions", response_class=HTMLResponse, include_in_schema=False)
def sessions_page(
    request: Request,
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> HTMLResponse:
    data = sessions_data(session, actor)
    data["logged"] = request.query_params.get("logged")
    return page(request, "programs/sessions.html", data, actor=actor, title="My sessions")


@router.get("/api/programs/sessions", tags=["programs"])
def sessions_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    return sessions_data(session, actor)


@router.post("/programs/sessions/{session_id}/observations", include_in_schema=False)
def observe_submit(
    session_id: int,
    kind: str = Form(...),
    text: str = Form(...),
    touchpoint: str = Form(""),
    segment: str = Form(""),
    severity: int = Form(2),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> RedirectResponse:
    log_observation(session, actor, session_id, kind=kind, text=text, touchpoint=touchpoint,
                    segment=segment, severity=severity)
    return RedirectResponse(f"/programs/sessions?logged={session_id}", status_code=303)


@router.post("/api/programs/sessions/{session_id}/observations", tags=["programs"])
def observe_api(
    session_id: int,
    body: dict[str, Any] = Body(...),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> dict[str, Any]:
    row = log_observation(
        session, actor, session_id, kind=str(body.get("kind", "")), text=str(body.get("text", "")),
        touchpoint=str(body.get("touchpoint", "")), segment=str(body.get("segment", "")),
        severity=int(body.get("severity", 2)),
    )
    return {"id": row.id, "text": row.text, "redactions": row.redactions}


def debrief_data(session: Session, actor: Actor) -> dict[str, Any]:
    """The latest saved debrief (editable) or, before the first save, a fresh run."""
    saved = latest_debrief(session, actor)
    data = saved if saved is not None else run_debrief(session, actor) | {"debrief_id": None}
    data["owners"] = owner_choices(session, actor)
    return data


@router.get("/programs/debrief", response_class=HTMLResponse, include_in_schema=False)
def debrief_page(
    request: Request,
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> HTMLResponse:
    return page(request, "programs/debrief.html", debrief_data(session, actor), actor=actor,
                title="Debrief")


@router.get("/api/programs/debrief", tags=["programs"])
def debrief_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    return debrief_data(session, actor)


def _ids(values: Any) -> list[int]:
    """Ids from a form's repeated field, a comma list or a JSON list."""
    if isinstance(values, str):
        values = values.split(",")
    return [int(v) for v in values or [] if str(v).strip().isdigit()]


def edit_debrief(session: Session, actor: Actor, action: str, body: dict[str, Any]) -> None:
    if action == "save":
        save_debrief(session, actor)
    elif action == "rename":
        rename_pattern(session, actor, int(body.get("pattern_id", 0)), str(body.get("label", "")))
    elif action == "merge":
        merge_patterns(session, actor, _ids(body.get("pattern_ids")))
    elif action == "split":
        split_pattern(session, actor, int(body.get("pattern_id", 0)),
                      _ids(body.get("members")), str(body.get("label", "")))
    else:
        raise NotFound(f"no debrief action {action!r}")


@router.post("/programs/debrief/{action}", include_in_schema=False)
async def debrief_edit_submit(
    action: str,
    request: Request,
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> RedirectResponse:
    form = await request.form()
    body: dict[str, Any] = {key: form.get(key) for key in ("pattern_id", "label")}
    body |= {key: form.getlist(key) for key in ("pattern_ids", "members")}
    edit_debrief(session, actor, action, body)
    return RedirectResponse("/programs/debrief", status_code=303)


@router.post("/api/programs/debrief/{action}", tags=["programs"])
def debrief_edit_api(
    action: str,
    body: dict[str, Any] = Body(default_factory=dict),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> dict[str, Any]:
    """save (a fresh run), rename {pattern_id, label}, merge {pattern_ids},
    split {pattern_id, members, label}; answers the debrief as it now stands."""
    edit_debrief(session, actor, action, body)
    return debrief_data(session, actor)


@router.post("/programs/experiments", include_in_schema=False)
def promote_submit(
    pattern_label: str = Form(...),
    evidence: str = Form(""),
    hypothesis: str = Form(...),
    owner_id: int = Form(...),
    metric: str = Form(...),
    baseline: float | None = Form(None),
    target: float | None = Form(None),
    due_on: date | None = Form(None),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> RedirectResponse:
    promote_pattern(
        session, actor, pattern_label=pattern_label,
        evidence=[int(i) for i in evidence.split(",") if i.strip().isdigit()],
        hypothesis=hypothesis, owner_id=owner_id, metric=metric, baseline=baseline,
        target=target, due_on=due_on,
    )
    return RedirectResponse("/programs/commitments", status_code=303)


@router.get("/programs/commitments", response_class=HTMLResponse, include_in_schema=False)
def commitments_page(
    request: Request,
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> HTMLResponse:
    return page(request, "programs/commitments.html", commitments(session, actor), actor=actor,
                title="Commitments")


@router.get("/api/programs/commitments", tags=["programs"])
def commitments_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    return commitments(session, actor)


@router.post("/api/programs/schedule", tags=["programs"])
def schedule_api(
    problem: dict[str, Any] = Body(...), actor: Actor = Depends(current_actor)
) -> dict[str, Any]:
    """Solve a rotation problem (same JSON as `heard programs schedule`)."""
    return schedule_rotations(actor, problem)


@router.get("/api/programs/cadence", tags=["programs"])
def cadence_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    """Your rituals: how many were held of those due, and which are overdue."""
    return {"rituals": ritual_cadence(session, actor)}


@router.post("/api/programs/sessions/{session_id}/held", tags=["programs"])
def ritual_held_api(
    session_id: int,
    body: dict[str, Any] = Body(...),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> dict[str, Any]:
    row = mark_ritual(session, actor, session_id, bool(body.get("held", True)))
    return {"id": row.id, "status": row.status}


@router.get("/api/programs/pilots", tags=["programs"])
def pilots_api(
    actor: Actor = Depends(current_actor), session: Session = Depends(db_session, scope="function")
) -> dict[str, Any]:
    return {"pilots": pilots(session, actor)}


@router.post("/api/programs/pilots", tags=["programs"])
def pilot_start_api(
    body: dict[str, Any] = Body(...),
    actor: Actor = Depends(current_actor),
    session: Session = Depends(db_session, scope="function"),
) -> dict[str, Any]:
    """Start a pilot: {product_area, starts_on, immersion_days?, changes_planned?}."""
    pilot = start_pilot(session, actor, product_area=str(body.get("product_area", "")),
                        starts_on=str(body.get("starts_on", "")),
                        immersion_days=int(body.get("immersion_days", 14)),
                        changes_planned=int(body.get("changes_planned", 3)))
    return pilot_view(pilot, date.today())
