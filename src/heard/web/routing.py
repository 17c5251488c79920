"""How heard's routes run.

FastAPI sends every plain ``def`` handler (and every sync dependency) through a thread
pool: one hop to the pool and back per call. heard's reads are short, CPU-bound SQLAlchemy
work, and Python runs one thread at a time anyway, so for them the hops are pure cost: on
the demo data they were about a third of a page's time under load. :class:`HeardRoute`
therefore runs read-only (GET/HEAD) handlers on the event loop, like a classic one-request-
at-a-time worker; throughput comes from worker processes (``heard serve --workers``).

Handlers that change data, upload files or solve problems (POST and friends) keep the pool,
so a slow write or a long solve never holds up the reads of that worker.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from fastapi.routing import APIRoute

READ_METHODS = frozenset({"GET", "HEAD"})


def _on_event_loop(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps __wrapped__, so FastAPI reads the handler's own signature
    # and annotations (it unwraps before resolving them).
    @functools.wraps(endpoint)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return endpoint(*args, **kwargs)

    return run


class HeardRoute(APIRoute):
    """An APIRoute whose synchronous read-only handler runs on the event loop."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        methods = {m.upper() for m in (kwargs.get("methods") or ["GET"])}
        if methods <= READ_METHODS and not inspect.iscoroutinefunction(endpoint):
            endpoint = _on_event_loop(endpoint)
        super().__init__(path, endpoint, **kwargs)


def new_router() -> APIRouter:
    """The router every area uses (``router = new_router()``)."""
    return APIRouter(route_class=HeardRoute)
