"""Programs pages and API: capture observations, run debriefs, promote patterns, read the
commitments feed, and schedule rotations. Each page and its /api twin share a data builder."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import Body, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.errors import NotFound, Problem, ValidationError
from heard.programs.actions import commitments, owner_choices, promote_pattern
from heard.programs.cadence import mark_ritual, ritual_cadence, rituals_data
from heard.programs.catalog import OBSERVATION_KINDS
from heard.programs.debriefs import (
    latest_debrief,
    merge_patterns,
    rename_pattern,
    save_debrief,
    split_pattern,
)
from heard.programs.observations import SEGMENTS, TOUCHPOINTS, log_observation, run_debrief
from heard.programs.pilots import (
    add_pilot_sessions,
    link_pilot_debrief,
    link_pilot_experiment,
    pilot_view,
    pilots_data,
    start_pilot,
)
from heard.programs.rotations import (
    OrgOptions,
    create_rotation_sessions,
    next_monday,
    org_defaults,
    parse_week_list,
    problem_from_org,
    read_problem_text,
    schedule_file,
    schedule_ics,
    schedule_view,
)
from heard.programs.scheduler import SOLVE_SECONDS, schedule_rotations
from heard.programs.sessions import my_sessions
from heard.web.auth import CurrentActor, DbSession
from heard.web.render import page, page_and_api
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
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    data = sessions_data(session, actor)
    data["logged"] = request.query_params.get("logged")
    return page(request, "programs/sessions.html", data, actor=actor, title="My sessions")


@router.get("/api/programs/sessions", tags=["programs"])
def sessions_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    return sessions_data(session, actor)


@router.post("/programs/sessions/{session_id}/observations", include_in_schema=False)
def observe_submit(
    actor: CurrentActor,
    session: DbSession,
    session_id: int,
    kind: str = Form(...),
    text: str = Form(...),
    touchpoint: str = Form(""),
    segment: str = Form(""),
    severity: int = Form(2),
) -> RedirectResponse:
    log_observation(session, actor, session_id, kind=kind, text=text, touchpoint=touchpoint,
                    segment=segment, severity=severity)
    return RedirectResponse(f"/programs/sessions?logged={session_id}", status_code=303)


@router.post("/api/programs/sessions/{session_id}/observations", tags=["programs"])
def observe_api(
    actor: CurrentActor,
    session: DbSession,
    session_id: int,
    body: dict[str, Any] = Body(...),
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


page_and_api(
    router,
    page_path="/programs/debrief",
    api_path="/api/programs/debrief",
    template="programs/debrief.html",
    title="Debrief",
    tag="programs",
    build=debrief_data,
)


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
    actor: CurrentActor,
    session: DbSession,
    action: str,
    request: Request,
) -> RedirectResponse:
    form = await request.form()
    body: dict[str, Any] = {key: form.get(key) for key in ("pattern_id", "label")}
    body |= {key: form.getlist(key) for key in ("pattern_ids", "members")}
    edit_debrief(session, actor, action, body)
    return RedirectResponse("/programs/debrief", status_code=303)


@router.post("/api/programs/debrief/{action}", tags=["programs"])
def debrief_edit_api(
    actor: CurrentActor,
    session: DbSession,
    action: str,
    body: dict[str, Any] = Body(default_factory=dict),
) -> dict[str, Any]:
    """save (a fresh run), rename {pattern_id, label}, merge {pattern_ids},
    split {pattern_id, members, label}; answers the debrief as it now stands."""
    edit_debrief(session, actor, action, body)
    return debrief_data(session, actor)


@router.post("/programs/experiments", include_in_schema=False)
def promote_submit(
    actor: CurrentActor,
    session: DbSession,
    pattern_label: str = Form(...),
    evidence: str = Form(""),
    hypothesis: str = Form(...),
    owner_id: int = Form(...),
    metric: str = Form(...),
    baseline: float | None = Form(None),
    target: float | None = Form(None),
    due_on: date | None = Form(None),
    pilot_id: int | None = Form(None),
) -> RedirectResponse:
    promote_pattern(
        session, actor, pattern_label=pattern_label,
        evidence=[int(i) for i in evidence.split(",") if i.strip().isdigit()],
        hypothesis=hypothesis, owner_id=owner_id, metric=metric, baseline=baseline,
        target=target, due_on=due_on, pilot_id=pilot_id,
    )
    if pilot_id is not None:
        return RedirectResponse(f"/programs/pilots#pilot-{pilot_id}", status_code=303)
    return RedirectResponse("/programs/commitments", status_code=303)


def _number(body: dict[str, Any], key: str) -> float | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError([Problem("must be a number", key)]) from exc


@router.post("/api/programs/experiments", tags=["programs"])
def promote_api(
    actor: CurrentActor,
    session: DbSession,
    body: dict[str, Any] = Body(...),
) -> dict[str, Any]:
    """Promote a pattern: {pattern_label, evidence: [observation ids], hypothesis, owner_id,
    metric, baseline?, target?, due_on?, pilot_id?}; with pilot_id it becomes one of that
    pilot's changes."""
    pilot_id = body.get("pilot_id")
    experiment = promote_pattern(
        session, actor, pattern_label=str(body.get("pattern_label", "")),
        evidence=_ids(body.get("evidence")), hypothesis=str(body.get("hypothesis", "")),
        owner_id=_whole(str(body.get("owner_id", "")), "owner_id"),
        metric=str(body.get("metric", "")),
        baseline=_number(body, "baseline"), target=_number(body, "target"),
        due_on=_day(str(body["due_on"]), "due_on") if body.get("due_on") else None,
        pilot_id=_whole(str(pilot_id), "pilot_id") if pilot_id is not None else None,
    )
    return {"id": experiment.id, "status": experiment.status, "pilot_id": pilot_id}


page_and_api(
    router,
    page_path="/programs/commitments",
    api_path="/api/programs/commitments",
    template="programs/commitments.html",
    title="Commitments",
    tag="programs",
    build=commitments,
)


@router.post("/api/programs/schedule", tags=["programs"])
def schedule_api(
    actor: CurrentActor, problem: dict[str, Any] = Body(...)
) -> dict[str, Any]:
    """Solve a rotation problem (same JSON as `heard programs schedule`)."""
    return schedule_rotations(actor, problem)


def _whole(value: str, field: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ValidationError([Problem("must be a whole number", field)]) from exc


def _day(value: str, field: str = "start_date") -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError([Problem("must be a date written YYYY-MM-DD", field)]) from exc


def _org_options(
    weeks: str, visits: str, host_capacity: str, mentors_per_host: str, blackout_weeks: str,
    host_departments: list[str], peak_hours: str, start_date: str,
) -> OrgOptions:
    week_count = _whole(weeks, "weeks")
    return OrgOptions(
        weeks=week_count, visits=_whole(visits, "visits"),
        host_capacity=_whole(host_capacity, "host_capacity"),
        mentors_per_host=_whole(mentors_per_host, "mentors_per_host"),
        blackout_weeks=parse_week_list(blackout_weeks, week_count, "blackout_weeks"),
        host_departments=tuple(host_departments), peak_hours=peak_hours,
        start_date=_day(start_date) if start_date else None,
    )


def schedule_form(session: Session, actor: Actor) -> dict[str, Any]:
    """The schedule page before a run: the organisation's size and the builder's defaults."""
    return org_defaults(session, actor) | {"solve_seconds": SOLVE_SECONDS, "result": None,
                                           "form": {}, "problem_text": ""}


@router.get("/programs/schedule", response_class=HTMLResponse, include_in_schema=False)
def schedule_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    data = schedule_form(session, actor)
    data["created"] = request.query_params.get("created")
    return page(request, "programs/schedule.html", data, actor=actor, title="Schedule rotations")


@router.post("/programs/schedule", response_class=HTMLResponse, include_in_schema=False)
def schedule_submit(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    source: str = Form("org"),
    weeks: str = Form("13"),
    visits: str = Form("1"),
    host_capacity: str = Form("1"),
    mentors_per_host: str = Form("1"),
    blackout_weeks: str = Form(""),
    host_departments: list[str] = Form([]),
    peak_hours: str = Form(""),
    start_date: str = Form(""),
    problem: str = Form(""),
    problem_file: UploadFile | None = File(None),
) -> HTMLResponse:
    """Build the problem (from the organisation, or a pasted/uploaded PROBLEM.json), solve it
    within the solver's time limit, and show the result on the same page."""
    data = schedule_form(session, actor)
    data["form"] = {"source": source, "weeks": weeks, "visits": visits,
                    "host_capacity": host_capacity, "mentors_per_host": mentors_per_host,
                    "blackout_weeks": blackout_weeks, "host_departments": host_departments,
                    "peak_hours": peak_hours, "start_date": start_date}
    data["problem_text"] = problem
    try:
        if source == "json":
            uploaded = problem_file.file.read().decode("utf-8", "replace") if (
                problem_file is not None and problem_file.filename) else ""
            built = read_problem_text(uploaded or problem)
        else:
            built = problem_from_org(session, actor, _org_options(
                weeks, visits, host_capacity, mentors_per_host, blackout_weeks,
                host_departments, peak_hours, start_date))
        result = schedule_rotations(actor, built)
    except ValidationError as exc:
        data["errors"] = [p.to_dict() for p in exc.problems] or [{"reason": str(exc)}]
        return page(request, "programs/schedule.html", data, actor=actor, status=400,
                    title="Schedule rotations")
    data["problem_text"] = json.dumps(built, indent=2, ensure_ascii=False)
    data["result"] = schedule_view(built, result)
    data["schedule_json"] = json.dumps(result, ensure_ascii=False)
    data["start_date"] = str(built.get("start_date") or next_monday().isoformat())
    return page(request, "programs/schedule.html", data, actor=actor, title="Schedule rotations")


@router.get("/api/programs/schedule/org", tags=["programs"])
def schedule_org_api(
    actor: CurrentActor,
    session: DbSession,
    weeks: str = "13", visits: str = "1", host_capacity: str = "1", mentors_per_host: str = "1",
    blackout_weeks: str = "", host_departments: str = "", peak_hours: str = "9-12",
    start_date: str = "",
) -> dict[str, Any]:
    """A PROBLEM.json built from the organisation: team leaders visit, teams host, members
    mentor. host_departments is a comma list (empty: all). Post it to /api/programs/schedule."""
    departments = [d.strip() for d in host_departments.split(",") if d.strip()]
    return problem_from_org(session, actor, _org_options(
        weeks, visits, host_capacity, mentors_per_host, blackout_weeks, departments,
        peak_hours, start_date))


def _download(body: str, filename: str, media_type: str) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/programs/schedule/download", include_in_schema=False)
def schedule_download(
    actor: CurrentActor,
    schedule: str = Form(...),
    start_date: str = Form(""),
    format: str = Form("json"),
) -> Response:
    """SCHEDULE.json or the .ics calendar of a schedule shown on the page."""
    if format == "ics":
        return _download(schedule_ics(actor, schedule, start_date), "schedule.ics",
                         "text/calendar")
    return _download(schedule_file(actor, schedule), "SCHEDULE.json", "application/json")


@router.post("/api/programs/schedule/ics", tags=["programs"])
def schedule_ics_api(
    actor: CurrentActor, body: dict[str, Any] = Body(...)
) -> Response:
    """{assignments, start_date}: the schedule as an iCalendar file."""
    ics = schedule_ics(actor, body, str(body.get("start_date") or ""))
    return Response(ics, media_type="text/calendar")


@router.post("/programs/schedule/sessions", include_in_schema=False)
def schedule_sessions_submit(
    actor: CurrentActor,
    session: DbSession,
    schedule: str = Form(...),
    start_date: str = Form(""),
    name: str = Form("Role rotation"),
    format: str = Form("support"),
) -> RedirectResponse:
    created = create_rotation_sessions(session, actor, schedule, start_date=start_date,
                                       name=name, format_=format)
    return RedirectResponse(f"/programs/schedule?created={created['sessions']}",
                            status_code=303)


@router.post("/api/programs/schedule/sessions", tags=["programs"])
def schedule_sessions_api(
    actor: CurrentActor,
    session: DbSession,
    body: dict[str, Any] = Body(...),
) -> dict[str, Any]:
    """{assignments, start_date, name?, format?}: a role-rotation program with one session
    per assignment (leaders and mentors by email, hosts by team name)."""
    return create_rotation_sessions(
        session, actor, body, start_date=str(body.get("start_date") or ""),
        name=str(body.get("name") or "Role rotation"),
        format_=str(body.get("format") or "support"))


def _rituals_page(request: Request, session: Session, actor: Actor) -> HTMLResponse:
    data = rituals_data(session, actor)
    data["recorded_now"] = request.query_params.get("recorded")
    return page(request, "programs/rituals.html", data, actor=actor, title="Rituals")


@router.get("/programs/rituals", response_class=HTMLResponse, include_in_schema=False)
def rituals_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    return _rituals_page(request, session, actor)


@router.get("/api/programs/rituals", tags=["programs"])
def rituals_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """Your rituals: adherence per ritual, the overdue ones, sessions due but not yet
    recorded, the next ones and the recently recorded."""
    return rituals_data(session, actor)


@router.post("/programs/rituals/{session_id}", include_in_schema=False)
def ritual_record_submit(
    actor: CurrentActor,
    session: DbSession,
    session_id: int,
    outcome: str = Form(...),
) -> RedirectResponse:
    if outcome not in ("held", "skipped"):
        raise ValidationError([Problem("must be held or skipped", "outcome")])
    row = mark_ritual(session, actor, session_id, outcome == "held")
    return RedirectResponse(f"/programs/rituals?recorded={row.id}", status_code=303)


@router.get("/api/programs/cadence", tags=["programs"])
def cadence_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """Your rituals: how many were held of those due, and which are overdue."""
    return {"rituals": ritual_cadence(session, actor)}


@router.post("/api/programs/sessions/{session_id}/held", tags=["programs"])
def ritual_held_api(
    actor: CurrentActor,
    session: DbSession,
    session_id: int,
    body: dict[str, Any] = Body(...),
) -> dict[str, Any]:
    """Record a session as held ({"held": true}) or skipped ({"held": false})."""
    row = mark_ritual(session, actor, session_id, bool(body.get("held", True)))
    return {"id": row.id, "status": row.status}


@router.post("/api/programs/sessions/{session_id}/skipped", tags=["programs"])
def ritual_skipped_api(
    actor: CurrentActor,
    session: DbSession,
    session_id: int,
) -> dict[str, Any]:
    """Record a session as skipped."""
    row = mark_ritual(session, actor, session_id, held=False)
    return {"id": row.id, "status": row.status}


@router.get("/programs/pilots", response_class=HTMLResponse, include_in_schema=False)
def pilots_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    data = pilots_data(session, actor)
    data["owners"] = owner_choices(session, actor) if data["can_manage"] else []
    data["today"] = date.today().isoformat()
    return page(request, "programs/pilots.html", data, actor=actor, title="Pilots")


@router.get("/api/programs/pilots", tags=["programs"])
def pilots_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """Every pilot: stage, what is missing for the next, sessions, debrief and changes."""
    return pilots_data(session, actor)


def _start_pilot(session: Session, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    pilot = start_pilot(
        session, actor, product_area=str(body.get("product_area") or ""),
        starts_on=str(body.get("starts_on") or ""),
        immersion_days=_whole(str(body.get("immersion_days") or 14), "immersion_days"),
        changes_planned=_whole(str(body.get("changes_planned") or 3), "changes_planned"))
    return pilot_view(pilot, date.today())


@router.post("/api/programs/pilots", tags=["programs"])
def pilot_start_api(
    actor: CurrentActor,
    session: DbSession,
    body: dict[str, Any] = Body(...),
) -> dict[str, Any]:
    """Start a pilot: {product_area, starts_on, immersion_days?, changes_planned?}."""
    return _start_pilot(session, actor, body)


@router.post("/programs/pilots", include_in_schema=False)
def pilot_start_submit(
    actor: CurrentActor,
    session: DbSession,
    product_area: str = Form(""),
    starts_on: str = Form(""),
    immersion_days: str = Form("14"),
    changes_planned: str = Form("3"),
) -> RedirectResponse:
    view = _start_pilot(session, actor, {"product_area": product_area, "starts_on": starts_on,
                                         "immersion_days": immersion_days,
                                         "changes_planned": changes_planned})
    return RedirectResponse(f"/programs/pilots#pilot-{view['id']}", status_code=303)


def edit_pilot(session: Session, actor: Actor, pilot_id: int, action: str,
               body: dict[str, Any]) -> None:
    if action == "sessions":
        add_pilot_sessions(session, actor, pilot_id, leader_ids=_ids(body.get("leader_ids")),
                           scheduled_on=str(body.get("scheduled_on") or ""),
                           format_=str(body.get("format") or "support at peak hours"))
    elif action == "debrief":
        debrief_id = body.get("debrief_id")
        link_pilot_debrief(session, actor, pilot_id,
                           _whole(str(debrief_id), "debrief_id") if debrief_id else None)
    elif action == "experiments":
        link_pilot_experiment(session, actor, pilot_id,
                              _whole(str(body.get("experiment_id", "")), "experiment_id"))
    else:
        raise NotFound(f"no pilot action {action!r}")


@router.post("/api/programs/pilots/{pilot_id}/{action}", tags=["programs"])
def pilot_edit_api(
    actor: CurrentActor,
    session: DbSession,
    pilot_id: int,
    action: str,
    body: dict[str, Any] = Body(default_factory=dict),
) -> dict[str, Any]:
    """sessions {leader_ids, scheduled_on, format?}: immersion sessions in the pilot;
    debrief {debrief_id?}: save a debrief of the pilot's observations (or link a saved one);
    experiments {experiment_id}: link an experiment as one of its changes.
    Answers the pilot as it now stands."""
    edit_pilot(session, actor, pilot_id, action, body)
    session.flush()
    return next(p for p in pilots_data(session, actor)["pilots"] if p["id"] == pilot_id)


@router.post("/programs/pilots/{pilot_id}/{action}", include_in_schema=False)
async def pilot_edit_submit(
    actor: CurrentActor,
    session: DbSession,
    pilot_id: int,
    action: str,
    request: Request,
) -> RedirectResponse:
    form = await request.form()
    body: dict[str, Any] = {k: form.get(k) for k in ("scheduled_on", "format", "debrief_id",
                                                     "experiment_id")}
    body["leader_ids"] = form.getlist("leader_ids")
    edit_pilot(session, actor, pilot_id, action, body)
    return RedirectResponse(f"/programs/pilots#pilot-{pilot_id}", status_code=303)
