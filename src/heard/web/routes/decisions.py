"""Decisions and experiments pages and their `/api/pulse` twins. Handlers read input, call
:mod:`heard.pulse.decisions` / :mod:`heard.pulse.experiments` and render; access rules live
in those modules."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor
from heard.errors import Conflict, ValidationError
from heard.pulse import charts, decisions, experiments
from heard.web.auth import CurrentActor, DbSession, get_heard
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()
TAG = "pulse decisions"


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _ints(values: list[Any]) -> list[int]:
    return [int(v) for v in values if isinstance(v, str) and v.strip().isdigit()]


# --- the leader's list --------------------------------------------------------------------


def decisions_overview(session: Session, actor: Actor) -> dict[str, Any]:
    """Decisions (with their five answers) and experiments (with their estimates) the
    signed-in person may see: their own teams for leaders, all for people partners."""
    return {
        "decisions": decisions.list_decisions(session, actor),
        "experiments": experiments.list_experiments(session, actor),
    }


page_and_api(
    router,
    page_path="/pulse/decisions",
    api_path="/api/pulse/decisions",
    template="pulse/decisions.html",
    title="Decisions and experiments",
    tag=TAG,
    build=decisions_overview,
)


def new_decision_form(session: Session, actor: Actor) -> dict[str, Any]:
    """What the 'record a decision' form offers: teams, rounds, questions."""
    return decisions.decision_form(session, actor)


page_and_api(
    router,
    page_path="/pulse/decisions/new",
    api_path="/api/pulse/decisions/new",
    template="pulse/decision_new.html",
    title="Record a decision",
    tag=TAG,
    build=new_decision_form,
)


# --- recording a decision -------------------------------------------------------------------


class DecisionBody(BaseModel):
    """Every field is optional here so that a missing one is named by the domain's
    ValidationError (400), not by a generic 422."""

    team_id: int | None = None
    round: str | None = None
    item_ids: list[int] = Field(default_factory=list)
    summary: str = ""
    who_is_affected: str = ""
    evidence: str = ""
    assumptions: str = ""
    reversible_test: str = ""
    feedback_plan: str = ""


def _record(session: Session, actor: Actor, body: DecisionBody) -> dict[str, Any]:
    return decisions.record_decision(
        session,
        actor,
        team_id=body.team_id,
        round_ref=body.round,
        item_ids=body.item_ids,
        summary=body.summary,
        answers={f: getattr(body, f) for f in decisions.QUESTION_FIELDS},
    )


@router.post("/pulse/decisions", include_in_schema=False)
async def decision_submit(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> Response:
    form = await request.form()
    team = _text(form, "team_id")
    body = DecisionBody(
        team_id=int(team) if team.isdigit() else None,
        round=_text(form, "round") or None,
        item_ids=_ints(form.getlist("item_ids")),
        **{f: _text(form, f) for f in ("summary", *decisions.QUESTION_FIELDS)},
    )
    try:
        made = _record(session, actor, body)
    except ValidationError as exc:
        session.rollback()
        data = decisions.decision_form(session, actor) | {
            "problems": {p.field: p.reason for p in exc.problems},
            "given": body.model_dump(),
        }
        return page(
            request,
            "pulse/decision_new.html",
            data,
            actor=actor,
            status=400,
            title="Record a decision",
        )
    return RedirectResponse(f"/pulse/decisions/{made['id']}?saved=1", status_code=303)


@router.post("/api/pulse/decisions", tags=[TAG], status_code=201)
def decision_api(
    actor: CurrentActor,
    session: DbSession,
    body: DecisionBody,
) -> dict[str, Any]:
    """Record a decision with the five before-you-react answers (all required)."""
    return _record(session, actor, body)


# --- one decision, and starting an experiment -------------------------------------------


@router.get("/pulse/decisions/{decision_id}", response_class=HTMLResponse, include_in_schema=False)
def decision_page(
    actor: CurrentActor,
    session: DbSession,
    decision_id: int,
    request: Request,
    start_round: str | None = None,
) -> HTMLResponse:
    data = experiments.start_form(session, actor, decision_id, start_round)
    data["saved"] = request.query_params.get("saved") == "1"
    return page(request, "pulse/decision.html", data, actor=actor, title="Decision")


@router.get("/api/pulse/decisions/{decision_id}", tags=[TAG])
def decision_get_api(
    actor: CurrentActor,
    session: DbSession,
    decision_id: int,
    start_round: str | None = None,
) -> dict[str, Any]:
    """A decision, and the comparison teams an experiment starting at ``start_round`` would
    get automatically (``suggested``), with every eligible team (``candidates``)."""
    return experiments.start_form(session, actor, decision_id, start_round)


class ExperimentBody(BaseModel):
    start_round: str | None = None
    item_ids: list[int] = Field(default_factory=list)
    comparison_team_ids: list[int] = Field(default_factory=list)
    change: str = ""


def _start(session: Session, actor: Actor, decision_id: int, body: ExperimentBody) -> Any:
    return experiments.start_experiment(
        session,
        actor,
        decision_id,
        start_round=body.start_round,
        item_ids=body.item_ids or None,
        comparison_team_ids=body.comparison_team_ids or None,
        change=body.change,
    )


@router.post("/pulse/decisions/{decision_id}/experiment", include_in_schema=False)
async def experiment_submit(
    actor: CurrentActor,
    session: DbSession,
    decision_id: int,
    request: Request,
) -> Response:
    form = await request.form()
    start_round = _text(form, "start_round")
    automatic = _text(form, "comparison") != "by_hand"
    body = ExperimentBody(
        start_round=start_round or None,
        comparison_team_ids=[] if automatic else _ints(form.getlist("comparison_team_ids")),
        change=_text(form, "change"),
    )
    if not automatic and not body.comparison_team_ids:
        body.comparison_team_ids = [-1]  # 'by hand' with nothing ticked: say so, never guess
    try:
        made = _start(session, actor, decision_id, body)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = experiments.start_form(session, actor, decision_id, start_round) | {
            "error": str(exc)
        }
        return page(request, "pulse/decision.html", data, actor=actor, status=400, title="Decision")
    return RedirectResponse(f"/pulse/experiments/{made['id']}", status_code=303)


@router.post("/api/pulse/decisions/{decision_id}/experiment", tags=[TAG], status_code=201)
def experiment_start_api(
    actor: CurrentActor,
    session: DbSession,
    decision_id: int,
    body: ExperimentBody,
) -> dict[str, Any]:
    """Start an experiment on the decision's team. Leave ``comparison_team_ids`` empty for
    the automatic choice."""
    made: dict[str, Any] = _start(session, actor, decision_id, body)
    return made


# --- experiments -----------------------------------------------------------------------


@router.get("/api/pulse/experiments", tags=[TAG])
def experiments_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """Experiments with their difference-in-differences estimates."""
    return {"experiments": experiments.list_experiments(session, actor)}


def my_team_experiments(session: Session, actor: Actor) -> dict[str, Any]:
    """Changes being tried on the signed-in person's team, to say how they land."""
    return {"experiments": experiments.member_experiments(session, actor)}


page_and_api(
    router,
    page_path="/pulse/experiments/mine",
    api_path="/api/pulse/experiments/mine",
    template="pulse/experiments_mine.html",
    title="Changes on your team",
    tag=TAG,
    build=my_team_experiments,
)


def _experiment_data(request: Request, session: Session, actor: Actor, eid: int) -> Any:
    return experiments.experiment_view(session, actor, eid, get_heard(request).settings)


@router.get(
    "/pulse/experiments/{experiment_id}", response_class=HTMLResponse, include_in_schema=False
)
def experiment_page(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> HTMLResponse:
    data = _experiment_data(request, session, actor, experiment_id)
    return _experiment_render(request, actor, data)


def _experiment_render(
    request: Request, actor: Actor, data: dict[str, Any], status: int = 200
) -> HTMLResponse:
    result = data["experiment"]["result"]
    if result["series"]:
        data["chart_svg"] = Markup(charts.experiment_chart(result["series"]))
    return page(
        request, "pulse/experiment.html", data, actor=actor, status=status, title="Experiment"
    )


@router.get("/api/pulse/experiments/{experiment_id}", tags=[TAG])
def experiment_api(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> dict[str, Any]:
    """One experiment: the DiD estimate with its 95% CI and plain reading, the per-round
    series, comparison teams, history and the team's released feedback."""
    data: dict[str, Any] = _experiment_data(request, session, actor, experiment_id)
    return data


class StatusBody(BaseModel):
    status: str = ""
    outcome: str = ""


@router.post("/pulse/experiments/{experiment_id}/status", include_in_schema=False)
async def status_submit(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> Response:
    form = await request.form()
    try:
        experiments.set_status(
            session, actor, experiment_id, _text(form, "status"), _text(form, "outcome")
        )
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = _experiment_data(request, session, actor, experiment_id) | {"error": str(exc)}
        return _experiment_render(request, actor, data, status=400)
    return RedirectResponse(f"/pulse/experiments/{experiment_id}", status_code=303)


@router.post("/api/pulse/experiments/{experiment_id}/status", tags=[TAG])
def status_api(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    body: StatusBody,
) -> dict[str, Any]:
    """Conclude (``outcome``: what came of it) or abandon (``outcome``: why) an experiment."""
    return experiments.set_status(session, actor, experiment_id, body.status, body.outcome)


class ComparisonBody(BaseModel):
    team_ids: list[int] = Field(default_factory=list)


@router.post("/pulse/experiments/{experiment_id}/comparison", include_in_schema=False)
async def comparison_submit(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> Response:
    form = await request.form()
    chosen = [] if _text(form, "comparison") == "automatic" else _ints(form.getlist("team_ids"))
    try:
        experiments.set_comparison(session, actor, experiment_id, chosen)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = _experiment_data(request, session, actor, experiment_id) | {"error": str(exc)}
        return _experiment_render(request, actor, data, status=400)
    return RedirectResponse(f"/pulse/experiments/{experiment_id}", status_code=303)


@router.put("/api/pulse/experiments/{experiment_id}/comparison", tags=[TAG])
def comparison_api(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    body: ComparisonBody,
) -> dict[str, Any]:
    """Choose the comparison teams by hand (an empty list: back to the automatic choice)."""
    return experiments.set_comparison(session, actor, experiment_id, body.team_ids)


# --- members: the team's own words -----------------------------------------------------------


@router.get(
    "/pulse/experiments/{experiment_id}/feedback",
    response_class=HTMLResponse,
    include_in_schema=False,
)
def feedback_page(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> HTMLResponse:
    data = experiments.feedback_form(session, actor, experiment_id)
    data["thanks"] = request.query_params.get("thanks") == "1"
    return page(request, "pulse/feedback.html", data, actor=actor, title="How is it going?")


@router.get("/api/pulse/experiments/{experiment_id}/feedback", tags=[TAG])
def feedback_form_api(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
) -> dict[str, Any]:
    """For members of the experiment's team: the change, and whether they have commented."""
    return experiments.feedback_form(session, actor, experiment_id)


class FeedbackBody(BaseModel):
    text: str = ""


@router.post("/pulse/experiments/{experiment_id}/feedback", include_in_schema=False)
async def feedback_submit(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    request: Request,
) -> Response:
    form = await request.form()
    settings = get_heard(request).settings
    try:
        experiments.give_feedback(session, actor, experiment_id, _text(form, "text"), settings)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = experiments.feedback_form(session, actor, experiment_id) | {
            "error": str(exc),
            "text": _text(form, "text"),
        }
        return page(
            request, "pulse/feedback.html", data, actor=actor, status=400, title="How is it going?"
        )
    return RedirectResponse(f"/pulse/experiments/{experiment_id}/feedback?thanks=1", 303)


@router.post("/api/pulse/experiments/{experiment_id}/feedback", tags=[TAG], status_code=201)
def feedback_api(
    actor: CurrentActor,
    session: DbSession,
    experiment_id: int,
    body: FeedbackBody,
    request: Request,
) -> dict[str, Any]:
    """Say, anonymously, how the change is landing (members of the team, once each)."""
    return experiments.give_feedback(
        session, actor, experiment_id, body.text, get_heard(request).settings
    )
