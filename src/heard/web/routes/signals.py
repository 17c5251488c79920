"""Customer signals pages and API: inbox, ingest, scoring, review, routing and the SLA board.

Each page and its ``/api`` twin share the function that builds the data (one handler, two
formats); access is enforced in the domain functions they call.
"""

from __future__ import annotations

import shutil
import uuid
from typing import Any

from fastapi import Body, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import Problem, ValidationError
from heard.signals import inbox, pipeline, review, routing, sla
from heard.signals.agreement import agreement
from heard.signals.formats import FORMATS
from heard.signals.ingest import ingest_mappings, recent_runs, run_status, start_run
from heard.signals.jobs import spool_dir, start_job
from heard.web.auth import CurrentActor, DbSession, get_heard
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()
PAGE_SIZE = 50
EMOTIONS_HELP = "GoEmotions labels, e.g. anger, annoyance, sadness, gratitude, neutral"


def _filter(
    group: str = "",
    distress: str = "",
    min_effort: str = "",
    sentiment: str = "",
    channel: str = "",
) -> inbox.InboxFilter:
    """Query parameters -> filter; an empty field (as forms send it) means "any"."""
    effort = None
    if min_effort.strip():
        try:
            effort = float(min_effort)
        except ValueError:
            problem = Problem("must be a number between 0 and 1", "min_effort")
            raise ValidationError([problem]) from None
    return inbox.InboxFilter(group, distress, effort, sentiment, channel).check()


# --- inbox -----------------------------------------------------------------------------


@router.get("/signals", response_class=HTMLResponse, include_in_schema=False)
def inbox_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    f: inbox.InboxFilter = Depends(_filter),
    page_number: int = Query(1, alias="page", ge=1),
) -> HTMLResponse:
    data = inbox.inbox(session, actor, f, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
    data["page"] = page_number
    data["query"] = request.url.query
    return page(request, "signals/inbox.html", data, actor=actor, title="Customer signals")


@router.get("/api/signals/interactions", tags=["signals"])
def inbox_api(
    actor: CurrentActor,
    session: DbSession,
    f: inbox.InboxFilter = Depends(_filter),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    return inbox.inbox(session, actor, f, limit=limit, offset=offset)


@router.post("/api/signals/interactions", tags=["signals"])
def ingest_api(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    items: list[Any] = Body(..., description="Messages in the JSONL shape (see docs)."),
    source: str = Query("api", max_length=64),
    score: bool = Query(True, description="Score new customer messages as they land."),
) -> dict[str, Any]:
    """Ingest messages (valid ones land; bad ones are listed with position and reason)."""
    require(actor, Permission.SIGNALS_INGEST)
    after = _scorer_hook(request) if score else None
    return ingest_mappings(session, actor, items, source=source, after_batch=after).to_dict()


def _profile(request: Request) -> str:
    profile: str = get_heard(request).settings.signals_profile
    return profile


def _scorer_hook(request: Request) -> Any:
    """Score new messages after each batch; the scorer loads on first use, not per request."""
    profile = _profile(request)

    def score_new(session: Session, ids: list[int]) -> None:
        pipeline.score_stored(session, pipeline.scorer_for(profile), ids)

    return score_new


# --- scoring ---------------------------------------------------------------------------


class ScoreRequest(BaseModel):
    items: list[dict[str, Any]] = Field(..., max_length=2000)
    profile: str = "default"


@router.post("/api/score", tags=["signals"])
def score_api(body: ScoreRequest, actor: CurrentActor) -> dict[str, Any]:
    """Redact and score ``[{"id", "text"}]``; the same output as ``heard score``."""
    require(actor, Permission.SIGNALS_SCORE)
    return {"profile": body.profile, "items": pipeline.score_items(actor, body.profile, body.items)}


# --- ingest (upload + progress) --------------------------------------------------------


def ingest_data(session: Session, actor: Actor) -> dict[str, Any]:
    return {
        "runs": recent_runs(session, actor),
        "formats": sorted(FORMATS),
        "profiles": list(pipeline.PROFILES),
    }


@router.get("/signals/ingest", response_class=HTMLResponse, include_in_schema=False)
def ingest_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    return page(
        request,
        "signals/ingest.html",
        ingest_data(session, actor),
        actor=actor,
        title="Ingest conversations",
    )


@router.post("/signals/ingest", include_in_schema=False)
async def ingest_upload(
    actor: CurrentActor,
    request: Request,
    file: UploadFile = File(...),
    fmt: str = Form(..., alias="format"),
    source: str = Form(""),
    score: str = Form(""),
    profile: str = Form(""),
) -> Response:
    """Spool the upload to disk, start the job, and send the browser to its progress page."""
    require(actor, Permission.SIGNALS_INGEST)
    profile = profile or _profile(request)
    if profile not in pipeline.PROFILES:
        raise ValidationError(f"unknown profile {profile!r}")
    heard = get_heard(request)
    path = spool_dir() / f"{uuid.uuid4().hex}.upload"
    with path.open("wb") as out:
        shutil.copyfileobj(file.file, out, 1 << 20)
    source = source.strip() or fmt
    with heard.transaction() as session:
        run_id = start_run(
            session,
            actor,
            filename=file.filename or "upload",
            fmt=fmt,
            source=source,
            bytes_total=path.stat().st_size,
        )
    start_job(
        heard,
        actor,
        path,
        fmt=fmt,
        source=source,
        run_id=run_id,
        profile=profile if score else None,
    )
    return RedirectResponse(f"/signals/ingest/runs/{run_id}", status_code=303)


@router.get("/signals/ingest/runs/{run_id}", response_class=HTMLResponse, include_in_schema=False)
def run_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    run_id: int,
) -> HTMLResponse:
    data = {"run": run_status(session, actor, run_id)}
    if request.headers.get("hx-request"):
        return page(request, "signals/_run_status.html", data, actor=actor)
    return page(request, "signals/run.html", data, actor=actor, title="Ingest progress")


@router.get("/api/signals/ingest/runs/{run_id}", tags=["signals"])
def run_api(
    actor: CurrentActor,
    session: DbSession,
    run_id: int,
) -> dict[str, Any]:
    return run_status(session, actor, run_id)


# --- review ----------------------------------------------------------------------------


class Verdict(BaseModel):
    emotion_labels: list[str]
    sentiment: str
    distress: bool


@router.get("/signals/review", response_class=HTMLResponse, include_in_schema=False)
def review_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    status: str = "pending",
    done: int | None = None,
) -> HTMLResponse:
    from heard.signals.models.labels import EMOTIONS

    data = review.review_queue(session, actor, status=status, limit=20)
    data["emotions"] = list(EMOTIONS)
    data["done"] = done
    return page(request, "signals/review.html", data, actor=actor, title="Review queue")


@router.get("/api/signals/reviews", tags=["signals"])
def review_api(
    actor: CurrentActor,
    session: DbSession,
    status: str = "pending",
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    return review.review_queue(session, actor, status=status, limit=limit)


@router.post("/signals/review/{review_id}", include_in_schema=False)
async def review_form(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    review_id: int,
) -> Response:
    form = await request.form()
    labels = [str(v) for v in form.getlist("emotion_labels")]
    result = review.submit_review(
        session,
        actor,
        review_id,
        emotion_labels=labels,
        sentiment=str(form.get("sentiment", "")),
        distress=form.get("distress") == "yes",
    )
    return RedirectResponse(f"/signals/review?done={result['interaction_id']}", status_code=303)


@router.post("/api/signals/reviews/{review_id}", tags=["signals"])
def review_submit_api(
    actor: CurrentActor,
    session: DbSession,
    review_id: int,
    body: Verdict,
) -> dict[str, Any]:
    return review.submit_review(
        session,
        actor,
        review_id,
        emotion_labels=body.emotion_labels,
        sentiment=body.sentiment,
        distress=body.distress,
    )


@router.get("/api/signals/agreement", tags=["signals"])
def agreement_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    return agreement(session, actor)


# --- routing ---------------------------------------------------------------------------


class NewRule(BaseModel):
    name: str
    queue_id: int
    conditions: dict[str, Any]
    position: int = 100


page_and_api(
    router,
    page_path="/signals/routing",
    api_path="/api/signals/routing",
    template="signals/routing.html",
    title="Routing rules",
    tag="signals",
    build=routing.routing_data,
)


@router.post("/api/signals/rules", tags=["signals"], status_code=201)
def rule_create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewRule,
) -> dict[str, Any]:
    rule = routing.create_rule(
        session,
        actor,
        name=body.name,
        queue_id=body.queue_id,
        conditions=body.conditions,
        position=body.position,
    )
    return {"id": rule.id, "name": rule.name, "conditions": rule.conditions}


@router.post("/signals/routing/rules", include_in_schema=False)
def rule_create_form(
    actor: CurrentActor,
    session: DbSession,
    name: str = Form(...),
    queue_id: int = Form(...),
    position: int = Form(100),
    group: str = Form(""),
    distress: str = Form(""),
    sentiment: str = Form(""),
    min_intensity: str = Form(""),
    min_effort: str = Form(""),
    channel: str = Form(""),
    customer_tier: str = Form(""),
) -> Response:
    conditions: dict[str, Any] = {}
    for key, value in (
        ("emotion_group", group),
        ("sentiment", sentiment),
        ("channel", channel),
        ("customer_tier", customer_tier),
    ):
        if value.strip():
            conditions[key] = value
    if distress:
        conditions["distress"] = distress == "yes"
    for key, raw in (("min_intensity", min_intensity), ("min_effort", min_effort)):
        if raw.strip():
            try:
                conditions[key] = float(raw)
            except ValueError:
                raise ValidationError(f"{key} must be a number between 0 and 1") from None
    routing.create_rule(
        session, actor, name=name, queue_id=queue_id, conditions=conditions, position=position
    )
    return RedirectResponse("/signals/routing", status_code=303)


@router.post("/signals/routing/rules/{rule_id}/delete", include_in_schema=False)
def rule_delete_form(
    actor: CurrentActor,
    session: DbSession,
    rule_id: int,
) -> Response:
    routing.delete_rule(session, actor, rule_id)
    return RedirectResponse("/signals/routing", status_code=303)


@router.post("/signals/routing/queues", include_in_schema=False)
def queue_create_form(
    actor: CurrentActor,
    session: DbSession,
    name: str = Form(...),
    alert_depth: int = Form(50),
    specialist: str = Form(""),
) -> Response:
    routing.create_queue(
        session, actor, name=name, alert_depth=alert_depth, specialist=specialist == "yes"
    )
    return RedirectResponse("/signals/routing", status_code=303)


@router.post("/signals/routing/handlers", include_in_schema=False)
def handler_form(
    actor: CurrentActor,
    session: DbSession,
    queue_id: int = Form(...),
    email: str = Form(...),
    capacity: int = Form(10),
) -> Response:
    routing.add_handler(session, actor, queue_id=queue_id, email=email, capacity=capacity)
    return RedirectResponse("/signals/routing", status_code=303)


# --- SLA board and cases ---------------------------------------------------------------


page_and_api(
    router,
    page_path="/signals/sla",
    api_path="/api/signals/sla",
    template="signals/sla.html",
    title="SLA board",
    tag="signals",
    build=sla.board,
)
page_and_api(
    router,
    page_path="/signals/cases",
    api_path="/api/signals/cases",
    template="signals/cases.html",
    title="My cases",
    tag="signals",
    build=inbox.my_cases,
)


@router.post("/signals/cases/{case_id}/{action}", include_in_schema=False)
def case_action_form(
    actor: CurrentActor,
    session: DbSession,
    case_id: int,
    action: str,
) -> Response:
    _case_action(session, actor, case_id, action)
    return RedirectResponse("/signals/cases", status_code=303)


@router.post("/api/signals/cases/{case_id}/{action}", tags=["signals"])
def case_action_api(
    actor: CurrentActor,
    session: DbSession,
    case_id: int,
    action: str,
) -> dict[str, Any]:
    _case_action(session, actor, case_id, action)
    return {"id": case_id, "action": action}


def _case_action(session: Session, actor: Actor, case_id: int, action: str) -> None:
    if action == "respond":
        routing.respond(session, actor, case_id)
    elif action == "resolve":
        routing.resolve(session, actor, case_id)
    else:
        raise ValidationError("the action must be respond or resolve")
