"""Routers, one module per area. :data:`ROUTERS` is the explicit list the app mounts."""

from fastapi import APIRouter

from heard.web.routes import (
    admin,
    checkins,
    decisions,
    home,
    org,
    programs,
    pulse,
    signals,
    signin,
)

ROUTERS: list[APIRouter] = [
    signin.router,
    home.router,
    org.router,
    admin.router,
    signals.router,
    pulse.router,
    decisions.router,
    checkins.router,
    programs.router,
]
