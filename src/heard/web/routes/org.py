from __future__ import annotations

from typing import Any

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from heard.accounts.policy import Actor, Permission, require
from heard.errors import ImportRejected
from heard.org.importer import import_people
from heard.org.queries import list_people, list_teams, org_summary
from heard.web.auth import CurrentActor, DbSession, get_heard
from heard.web.render import page, page_and_api
from heard.web.routing import new_router

router = new_router()
PAGE_SIZE = 50


def teams_data(session: Session, actor: Actor) -> dict[str, Any]:
    return {"summary": org_summary(session, actor), "teams": list_teams(session, actor)}


page_and_api(
    router,
    page_path="/org/teams",
    api_path="/api/org/teams",
    template="org/teams.html",
    title="Organisation",
    tag="organisation",
    build=teams_data,
)


@router.get("/org/people", response_class=HTMLResponse, include_in_schema=False)
def people_page(
    actor: CurrentActor,
    session: DbSession,
    request: Request,
    q: str = "",
    page_number: int = Query(1, alias="page", ge=1),
) -> HTMLResponse:
    data = list_people(
        session, actor, query=q, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE
    )
    data["page"], data["page_size"] = page_number, PAGE_SIZE
    return page(request, "org/people.html", data, actor=actor, title="People")


@router.get("/api/people", tags=["organisation"])
def people_api(
    actor: CurrentActor,
    session: DbSession,
    q: str = "",
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    return list_people(session, actor, query=q, limit=limit, offset=offset)


def _run_import(request: Request, actor: Actor, text: str) -> dict[str, Any]:
    """Import in a transaction of its own so a rejected file leaves nothing behind."""
    with get_heard(request).transaction() as session:
        return import_people(session, actor, text).to_dict()


@router.get("/org/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, actor: CurrentActor) -> HTMLResponse:
    require(actor, Permission.IMPORT_PEOPLE)
    return page(request, "org/import.html", {}, actor=actor, title="Import people")


@router.post("/org/import", response_class=HTMLResponse, include_in_schema=False)
async def import_submit(
    actor: CurrentActor,
    request: Request,
    file: UploadFile = File(...),
    csrf_token: str = Form(""),
) -> HTMLResponse:
    require(actor, Permission.IMPORT_PEOPLE)
    text = (await file.read()).decode("utf-8-sig", errors="replace")
    try:
        result = _run_import(request, actor, text)
    except ImportRejected as exc:
        return page(
            request,
            "org/import.html",
            {"problems": [p.to_dict() for p in exc.problems], "filename": file.filename},
            actor=actor,
            status=400,
            title="Import people",
        )
    return page(
        request,
        "org/import.html",
        {"result": result, "filename": file.filename},
        actor=actor,
        title="Import people",
    )


@router.post("/api/people/import", tags=["organisation"])
async def import_api(
    request: Request, actor: CurrentActor, file: UploadFile = File(...)
) -> dict[str, Any]:
    """Import an HRIS CSV (multipart field `file`). All-or-nothing; 400 lists every problem."""
    require(actor, Permission.IMPORT_PEOPLE)
    text = (await file.read()).decode("utf-8-sig", errors="replace")
    return _run_import(request, actor, text)
