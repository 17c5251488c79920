"""The web shell: an OpenAPI description, local assets only, a home page per role."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from heard.accounts.policy import Role
from heard.app import Heard

WEB = Path(__file__).parents[2] / "src" / "heard" / "web"
REMOTE = re.compile(r"""(src|href)\s*=\s*["'](https?:)?//""", re.IGNORECASE)


def test_openapi_schema_describes_the_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "heard"
    for path in ("/api/people", "/api/users", "/api/tokens", "/api/audit", "/api/me"):
        assert path in schema["paths"], path
    assert not any(p.startswith("/admin") or p == "/" for p in schema["paths"])


def test_no_template_or_stylesheet_loads_anything_from_another_host() -> None:
    offenders = [
        str(path.relative_to(WEB))
        for path in [*WEB.rglob("*.html"), *WEB.rglob("*.css")]
        if REMOTE.search(path.read_text()) or "@import url(http" in path.read_text()
    ]
    assert offenders == []


def test_vendored_htmx_is_served_locally(client: TestClient) -> None:
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200 and "htmx" in response.text[:2000]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_has_its_own_home_page(role: Role,
                                         api_as: Callable[[Role], TestClient]) -> None:
    home = api_as(role).get("/api/home").json()
    assert home["user"]["role"] == role.value
    assert home["intro"]
    page = api_as(role).get("/")
    assert page.status_code == 200
    assert role.label in page.text


def test_every_route_shares_one_request_transaction_committed_before_responding(
    heard_app: Heard,
) -> None:
    """Depends(db_session) without scope="function" is a *second* session in the same
    request (deadlocking SQLite) whose commit happens after the response has left."""
    from fastapi.routing import APIRoute

    from heard.web.app import create_app
    from heard.web.auth import db_session

    def scopes(dependant: object) -> list[str | None]:
        found = []
        for sub in dependant.dependencies:  # type: ignore[attr-defined]
            if sub.call is db_session:
                found.append(sub.scope)
            found += scopes(sub)
        return found

    app = create_app(heard_app)
    wrong = [route.path for route in app.routes if isinstance(route, APIRoute)
             if any(scope != "function" for scope in scopes(route.dependant))]
    assert wrong == []


def test_every_route_runs_reads_on_the_event_loop_and_writes_in_the_pool(
    heard_app: Heard,
) -> None:
    """Routers come from heard.web.routing.new_router: GET handlers run on the event loop
    (no thread-pool hops), everything else keeps the pool so slow writes block no reads."""
    import asyncio

    from fastapi.routing import APIRoute

    from heard.web.app import create_app
    from heard.web.routing import HeardRoute

    app = create_app(heard_app)
    routes = [r for r in app.routes if isinstance(r, APIRoute)]
    assert [r.path for r in routes if not isinstance(r, HeardRoute)] == []
    for route in routes:
        handler = route.endpoint
        own = getattr(handler, "__wrapped__", handler)
        if route.methods <= {"GET", "HEAD"}:
            assert asyncio.iscoroutinefunction(handler), route.path
        elif not asyncio.iscoroutinefunction(own):
            assert not asyncio.iscoroutinefunction(handler), route.path


def test_a_get_handler_on_the_event_loop_still_sees_its_own_parameters(
    client: TestClient,
) -> None:
    """The wrapper must keep the handler's signature: query parameters still validate."""
    assert client.get("/api/health").status_code == 200
    response = client.get("/org/people", params={"page": "0"}, follow_redirects=False)
    assert response.status_code in (303, 422)  # signed out: redirected; never a 500


def test_only_the_most_specific_nav_entry_is_current() -> None:
    from heard.web.nav import NavItem, current_item

    items = [NavItem("Home", "/"), NavItem("Pulse", "/pulse"), NavItem("Gap", "/pulse/gap")]
    assert current_item(items, "/pulse/gap") == "/pulse/gap"
    assert current_item(items, "/pulse/round/3") == "/pulse"
    assert current_item(items, "/") == "/"
    assert current_item(items, "/pulsex") is None


def test_reads_commit_on_the_event_loop_and_writes_on_a_worker_thread(heard_app: Heard) -> None:
    """A write's commit must not need the event loop: a read running there may be waiting
    for the write lock that this very commit releases (SQLite), which would deadlock."""
    import threading

    from fastapi import Depends, FastAPI
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from heard.web.auth import db_session
    from heard.web.routing import new_router

    commits: dict[str, int] = {}
    router = new_router()

    def record(session: Session, method: str) -> None:
        event.listen(session, "after_commit",
                     lambda s: commits.setdefault(method, threading.get_ident()))

    @router.get("/probe")
    def read(session: Session = Depends(db_session, scope="function")) -> dict[str, int]:
        record(session, "GET")
        return {"loop": threading.get_ident()}

    @router.post("/probe")
    def write(session: Session = Depends(db_session, scope="function")) -> dict[str, int]:
        record(session, "POST")
        return {"handler": threading.get_ident()}

    app = FastAPI()
    app.state.heard = heard_app
    app.include_router(router)
    with TestClient(app) as client:
        loop_thread = client.get("/probe").json()["loop"]
        client.post("/probe")
    assert commits["GET"] == loop_thread
    assert commits["POST"] != loop_thread
