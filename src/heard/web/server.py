"""Entry point for uvicorn: `heard.web.server:application` builds the app from the
environment in each worker process."""

from fastapi import FastAPI

from heard.web.app import create_app


def application() -> FastAPI:
    return create_app()
