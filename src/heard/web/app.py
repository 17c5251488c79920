"""Build the FastAPI application around one :class:`~heard.app.Heard`."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from heard.app import Heard
from heard.errors import (
    Conflict,
    Forbidden,
    HeardError,
    NotAuthenticated,
    NotFound,
    RateLimited,
    ValidationError,
)
from heard.web.render import WEB, page
from heard.web.routes import ROUTERS

STATUS: dict[type[HeardError], int] = {
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    RateLimited: 429,
    ValidationError: 400,
}


def status_for(exc: HeardError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_body(exc: HeardError) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, ValidationError):
        body["problems"] = [p.to_dict() for p in exc.problems]
    return {"error": body}


async def handle_heard_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HeardError)
    status = status_for(exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if _wants_json(request):
        return JSONResponse(_error_body(exc), status_code=status, headers=headers)
    if isinstance(exc, NotAuthenticated):
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)
    return page(
        request,
        "error.html",
        {"status": status, "message": str(exc)},
        actor=getattr(request.state, "actor", None),
        status=status,
        title="Error",
    )


async def handle_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "line": None,
            "field": ".".join(str(x) for x in err["loc"][1:]) or None,
            "reason": err["msg"],
        }
        for err in exc.errors()
    ]
    body = {
        "error": {
            "type": "ValidationError",
            "message": "the request is not valid",
            "problems": problems,
        }
    }
    return JSONResponse(body, status_code=422)


def create_app(heard: Heard | None = None) -> FastAPI:
    heard = heard or Heard()
    app = FastAPI(
        title="heard",
        version="0.1.0",
        description="Leadership empathy as a measured, practised discipline.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the stock docs pages load scripts from a CDN; heard loads nothing remote
        redoc_url=None,
    )
    app.state.heard = heard
    app.add_exception_handler(HeardError, handle_heard_error)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app
