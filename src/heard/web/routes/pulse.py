"""Pulse pages and their `/api/pulse` twins. Handlers validate input, call
:mod:`heard.pulse`, and render; the data dicts come from :mod:`heard.pulse.views`."""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission
from heard.errors import Conflict, ValidationError
from heard.pulse import charts, config, items, links, predictions, rounds, views
from heard.pulse.report import to_csv
from heard.web.auth import CurrentActor, DbSession, get_heard
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()


def _int_fields(form: Any, prefix: str) -> dict[int, str]:
    out = {}
    for name, value in form.multi_items():
        if name.startswith(prefix) and name[len(prefix) :].isdigit() and isinstance(value, str):
            out[int(name[len(prefix) :])] = value
    return out


def _numbers(raw: dict[int, str], cast: type[int] | type[float]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for key, value in raw.items():
        try:
            out[key] = cast(value) if value.strip() else None
        except ValueError:
            out[key] = None
    return {k: v for k, v in out.items() if v is not None}


# --- member: answer a round -------------------------------------------------------------


@router.get("/pulse", response_class=HTMLResponse, include_in_schema=False)
def pulse_home(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    data = views.member_view(session, actor)
    data["can_lead"] = actor.can(Permission.PULSE_LEAD)
    data["can_run"] = actor.can(Permission.PULSE_RUN)
    data["can_view_org"] = actor.can(Permission.PULSE_VIEW_ORG)
    data["answered"] = request.query_params.get("answered") == "1"
    return page(request, "pulse/home.html", data, actor=actor, title="Pulse")


@router.get("/api/pulse", tags=["pulse"])
def pulse_home_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    """Open rounds the signed-in person is invited to."""
    return views.member_view(session, actor)


@router.get("/pulse/rounds/{ref}/answer", response_class=HTMLResponse, include_in_schema=False)
def answer_page(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    request: Request,
) -> HTMLResponse:
    data = views.answer_form(session, actor, ref)
    return page(request, "pulse/answer.html", data, actor=actor, title="Pulse")


@router.post("/pulse/rounds/{ref}/answer", include_in_schema=False)
async def answer_submit(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    request: Request,
) -> Response:
    form = await request.form()
    ratings = _numbers(_int_fields(form, "item_"), int)
    comments = _int_fields(form, "open_")
    try:
        rounds.submit_answers(session, actor, ref, ratings, comments)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = views.answer_form(session, actor, ref) | {"error": str(exc), "given": ratings}
        return page(request, "pulse/answer.html", data, actor=actor, status=400, title="Pulse")
    return RedirectResponse("/pulse?answered=1", status_code=303)


class Answers(BaseModel):
    ratings: dict[int, int]
    comments: dict[int, str] = Field(default_factory=dict)


@router.get("/api/pulse/rounds/{ref}/form", tags=["pulse"])
def answer_form_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
) -> dict[str, Any]:
    return views.answer_form(session, actor, ref)


@router.post("/api/pulse/rounds/{ref}/answers", tags=["pulse"], status_code=201)
def answer_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    body: Answers,
) -> dict[str, Any]:
    """Answer a round once. Every rating item is required; comments are optional."""
    rounds.submit_answers(session, actor, ref, body.ratings, body.comments)
    return {"answered": True}


# --- leader: predict, then see the gap --------------------------------------------------


@router.get(
    "/pulse/rounds/{ref}/predict/{team_id}", response_class=HTMLResponse, include_in_schema=False
)
def predict_page(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    team_id: int,
    request: Request,
) -> HTMLResponse:
    data = predictions.prediction_form(session, actor, ref, team_id)
    data["saved"] = request.query_params.get("saved") == "1"
    return page(request, "pulse/predict.html", data, actor=actor, title="Predict")


@router.post("/pulse/rounds/{ref}/predict/{team_id}", include_in_schema=False)
async def predict_submit(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    team_id: int,
    request: Request,
) -> Response:
    form = await request.form()
    values = _numbers(_int_fields(form, "item_"), float)
    barriers = [int(v) for v in form.getlist("barrier") if isinstance(v, str) and v.isdigit()]
    try:
        predictions.submit_prediction(session, actor, ref, team_id, values, barriers)
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = predictions.prediction_form(session, actor, ref, team_id) | {"error": str(exc)}
        return page(request, "pulse/predict.html", data, actor=actor, status=400, title="Predict")
    return RedirectResponse(f"/pulse/rounds/{ref}/predict/{team_id}?saved=1", status_code=303)


class PredictionBody(BaseModel):
    values: dict[int, float]
    barriers: list[int]


@router.get("/api/pulse/rounds/{ref}/predictions/{team_id}", tags=["pulse"])
def prediction_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    team_id: int,
) -> dict[str, Any]:
    return predictions.prediction_form(session, actor, ref, team_id)


@router.put("/api/pulse/rounds/{ref}/predictions/{team_id}", tags=["pulse"])
def prediction_put_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    team_id: int,
    body: PredictionBody,
) -> dict[str, Any]:
    """Predict the team's average per rating item and name three expected top barriers."""
    predictions.submit_prediction(session, actor, ref, team_id, body.values, body.barriers)
    return predictions.prediction_form(session, actor, ref, team_id)


@router.get("/pulse/gap", response_class=HTMLResponse, include_in_schema=False)
def gap_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    team: int | None = None,
    round: str | None = None,
) -> HTMLResponse:
    data = views.leader_gap_view(session, actor, team, round)
    gap = data["gap"]
    if gap and not gap["suppressed"]:
        data["gap_svg"] = Markup(charts.gap_chart(gap))
    if len(data["trend"]) > 1:
        data["trend_svg"] = Markup(charts.trend_chart(data["trend"]))
    return page(request, "pulse/gap.html", data, actor=actor, title="Your empathy gap")


@router.get("/api/pulse/gap", tags=["pulse"])
def gap_api(
    actor: CurrentActor,
    session: DbSession,
    team: int | None = None,
    round: str | None = None,
) -> dict[str, Any]:
    """A leader's gap for one of their teams: per item actual mean with 95% CI, predicted
    mean, gap, rWG; calibration; knows-what-hurts-most; trend. Suppressed teams get a
    notice and no figures."""
    return views.leader_gap_view(session, actor, team, round)


# --- people partners: organisation view, rounds, reports ------------------------------


@router.get("/pulse/org", response_class=HTMLResponse, include_in_schema=False)
def org_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    round: str | None = None,
) -> HTMLResponse:
    data = views.org_view(session, actor, round)
    if data.get("gaps") and data["gaps"]["distribution"].get("histogram"):
        data["histogram_svg"] = Markup(charts.histogram_chart(data["gaps"]["distribution"]))
    if len(data.get("trend", [])) > 1:
        data["trend_svg"] = Markup(charts.trend_chart(data["trend"]))
    return page(request, "pulse/org.html", data, actor=actor, title="Pulse: organisation")


@router.get("/api/pulse/org", tags=["pulse"])
def org_api(
    actor: CurrentActor,
    session: DbSession,
    round: str | None = None,
) -> dict[str, Any]:
    """Organisation-wide aggregates: groups, gap distribution, blind spots, ICC(1), trend."""
    return views.org_view(session, actor, round)


@router.get("/api/pulse/report", tags=["pulse"])
def report_api(
    actor: CurrentActor,
    session: DbSession,
    round: str | None = None,
    format: str = Query("json", pattern="^(json|csv)$"),
) -> Any:
    """One record per (team, item), as `heard pulse report`. Leaders get their own teams."""
    data = views.report_view(session, actor, round)
    if format == "csv":
        return PlainTextResponse(to_csv(data["records"]), media_type="text/csv")
    return data


@router.get("/pulse/export.csv", include_in_schema=False)
def export_csv(
    actor: CurrentActor,
    session: DbSession,
    round: str | None = None,
) -> Response:
    data = views.report_view(session, actor, round)
    name = f"pulse-{data['round']['name']}.csv".replace(" ", "-")
    return Response(
        to_csv(data["records"]),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


page_and_api(
    router,
    page_path="/pulse/rounds",
    api_path="/api/pulse/rounds",
    template="pulse/rounds.html",
    title="Pulse rounds",
    tag="pulse",
    build=views.rounds_view,
)


@router.post("/pulse/rounds", include_in_schema=False)
async def rounds_create_form(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> Response:
    form = await request.form()
    name = form.get("name")
    rounds.create_round(session, actor, name=name if isinstance(name, str) else "")
    return RedirectResponse("/pulse/rounds", status_code=303)


# --- one-time answer links ------------------------------------------------------------
# Registered before the generic /pulse/rounds/{ref}/{action} routes below, which would
# otherwise take "links" for an action.

LINK_NONCE_COOKIE = "heard_link_nonce"
_LINK_IN_PATH = re.compile(r"(/pulse/a/)[^\s/?\"]+")


class _HideLinkSecrets(logging.Filter):
    """`heard serve` logs at warning level, so no access log line is written; if someone
    turns access logs on, the line must still not carry a link's secret next to a time."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple):
            record.args = tuple(
                _LINK_IN_PATH.sub(r"\1…", a) if isinstance(a, str) else a for a in record.args
            )
        return True


logging.getLogger("uvicorn.access").addFilter(_HideLinkSecrets())


def _base_url(request: Request, given: object) -> str:
    return given if isinstance(given, str) and given.strip() else str(request.base_url)


def _links_download(round_name: str, found: list[links.AnswerLink]) -> Response:
    name = f"answer-links-{round_name}.csv".replace(" ", "-")
    return Response(
        links.links_csv(found),
        media_type="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/pulse/rounds/{ref}/links", include_in_schema=False)
async def links_export_form(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    request: Request,
) -> Response:
    """Issue (rotate) the round's one-time answer links and download them as CSV."""
    form = await request.form()
    found = links.issue_links(session, actor, ref, _base_url(request, form.get("base_url")))
    return _links_download(rounds.get_round(session, ref).name, found)


class LinksBody(BaseModel):
    base_url: str | None = None
    format: str = Field("json", pattern="^(json|csv)$")


@router.post("/api/pulse/rounds/{ref}/links", tags=["pulse"])
def links_export_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    body: LinksBody,
    request: Request,
) -> Any:
    """Issue one-time answer links for an open round's unanswered invitations: name, email,
    link. Issuing again replaces every earlier link. heard sends no email."""
    found = links.issue_links(session, actor, ref, _base_url(request, body.base_url))
    if body.format == "csv":
        return _links_download(rounds.get_round(session, ref).name, found)
    return {"links": [{"name": x.name, "email": x.email, "link": x.url} for x in found]}


def _link_page(
    request: Request, secret: str, data: dict[str, Any], status: int = 200
) -> Response:
    # CSRF: no cookie authenticates this form, the unguessable secret in the path does, so
    # a forged cross-site post would need the secret already. On top of that the form
    # carries a nonce that must match a SameSite=Strict cookie set with the page (double
    # submit), so a post only counts from a page heard itself served to this browser.
    nonce = secrets.token_urlsafe(24)
    context = data | {"form_nonce": nonce, "link_path": f"{links.LINK_PATH}{secret}"}
    response = page(request, "pulse/answer_link.html", context, actor=None, status=status,
                    title="Pulse")
    response.set_cookie(
        LINK_NONCE_COOKIE, nonce, httponly=True, samesite="strict", path=links.LINK_PATH
    )
    # The secret is in the address: keep it out of Referer headers and caches.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/pulse/a/{secret}", response_class=HTMLResponse, include_in_schema=False)
def link_answer_page(
    secret: str, request: Request, session: DbSession
) -> Response:
    return _link_page(request, secret, links.link_form(session, secret))


@router.post("/pulse/a/{secret}", include_in_schema=False)
async def link_answer_submit(
    secret: str, request: Request, session: DbSession
) -> Response:
    form = await request.form()
    nonce = form.get("csrf_token")
    cookie = request.cookies.get(LINK_NONCE_COOKIE, "")
    if not (cookie and isinstance(nonce, str) and secrets.compare_digest(cookie, nonce)):
        data = links.link_form(session, secret)
        data["error"] = "The form expired or did not come from heard. Please answer again."
        return _link_page(request, secret, data, status=400)
    ratings = _numbers(_int_fields(form, "item_"), int)
    try:
        links.answer_by_link(session, secret, ratings, _int_fields(form, "open_"))
    except (ValidationError, Conflict) as exc:
        session.rollback()
        data = links.link_form(session, secret) | {"error": str(exc), "given": ratings}
        return _link_page(request, secret, data, status=400)
    response = RedirectResponse("/pulse/thanks", status_code=303)
    response.delete_cookie(LINK_NONCE_COOKIE, path=links.LINK_PATH)
    return response


@router.get("/pulse/thanks", response_class=HTMLResponse, include_in_schema=False)
def link_thanks(request: Request) -> HTMLResponse:
    return page(request, "pulse/link_thanks.html", {}, actor=None, title="Thank you")


@router.post("/pulse/rounds/{ref}/{action}", include_in_schema=False)
def rounds_action_form(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    action: str,
    request: Request,
) -> Response:
    _round_action(request, session, actor, ref, action)
    return RedirectResponse("/pulse/rounds", status_code=303)


def _round_action(request: Request, session: Session, actor: Actor, ref: str, action: str) -> Any:
    if action == "open":
        return rounds.open_round(session, actor, ref)
    if action == "close":
        return rounds.close_round(session, actor, ref, get_heard(request).settings)
    if action == "publish":
        return rounds.publish_results(session, actor, ref)
    if action == "remind":
        return rounds.remind(session, actor, ref)
    raise ValidationError(f"unknown action {action!r}; use open, close, publish or remind")


class NewRound(BaseModel):
    name: str
    item_ids: list[int] | None = None


@router.post("/api/pulse/rounds", tags=["pulse"], status_code=201)
def rounds_create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewRound,
) -> dict[str, Any]:
    rnd = rounds.create_round(session, actor, name=body.name, item_ids=body.item_ids)
    return rounds.round_to_dict(rnd)


@router.post("/api/pulse/rounds/{ref}/{action}", tags=["pulse"])
def rounds_action_api(
    actor: CurrentActor,
    session: DbSession,
    ref: str,
    action: str,
    request: Request,
) -> dict[str, Any]:
    """open | close | publish | remind."""
    result = _round_action(request, session, actor, ref, action)
    if isinstance(result, int):
        return {"reminded": result}
    return rounds.round_to_dict(result)


# --- admins: item bank and k -----------------------------------------------------------


class NewItem(BaseModel):
    text: str
    dimension: str
    kind: str = items.RATING
    scale_max: int = 5


class KBody(BaseModel):
    min_group_size: int


def _settings_data(request: Request, session: Session, actor: Actor) -> dict[str, Any]:
    data = config.settings_data(session, actor, get_heard(request).settings)
    return data | {"items": items.list_items(session, actor)}


@router.get("/pulse/settings", response_class=HTMLResponse, include_in_schema=False)
def settings_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> HTMLResponse:
    data = _settings_data(request, session, actor)
    return page(request, "pulse/settings.html", data, actor=actor, title="Pulse settings")


@router.post("/pulse/settings", include_in_schema=False)
async def settings_form(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> Response:
    form = await request.form()
    raw = form.get("min_group_size")
    try:
        if isinstance(raw, str) and raw:
            config.set_min_group_size(session, actor, int(raw))
        text, dimension = form.get("text"), form.get("dimension")
        if isinstance(text, str) and text and isinstance(dimension, str):
            scale = form.get("scale_max")
            items.add_item(
                session,
                actor,
                text=text,
                dimension=dimension,
                scale_max=int(scale) if isinstance(scale, str) and scale.isdigit() else 5,
            )
    except (ValidationError, Conflict, ValueError) as exc:
        session.rollback()
        data = _settings_data(request, session, actor) | {"error": str(exc)}
        return page(
            request, "pulse/settings.html", data, actor=actor, status=400, title="Pulse settings"
        )
    return RedirectResponse("/pulse/settings", status_code=303)


@router.get("/api/pulse/items", tags=["pulse"])
def items_api(
    actor: CurrentActor, session: DbSession
) -> dict[str, Any]:
    return {"items": items.list_items(session, actor)}


@router.post("/api/pulse/items", tags=["pulse"], status_code=201)
def items_create_api(
    actor: CurrentActor,
    session: DbSession,
    body: NewItem,
) -> dict[str, Any]:
    item = items.add_item(
        session,
        actor,
        text=body.text,
        dimension=body.dimension,
        kind=body.kind,
        scale_max=body.scale_max,
    )
    return item.to_dict()


@router.get("/api/pulse/settings", tags=["pulse"])
def settings_api(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
) -> dict[str, Any]:
    return config.settings_data(session, actor, get_heard(request).settings)


@router.put("/api/pulse/settings", tags=["pulse"])
def settings_put_api(
    actor: CurrentActor,
    session: DbSession,
    body: KBody,
    request: Request,
) -> dict[str, Any]:
    """Set k (3-10); it applies to rounds closed from now on."""
    config.set_min_group_size(session, actor, body.min_group_size)
    return config.settings_data(session, actor, get_heard(request).settings)
