"""The one application object. The CLI, the web server and the tests all build it this way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from heard.errors import ConfigError
from heard.settings import Settings
from heard.store import migrate
from heard.store.engine import Database


class Heard:
    """Wires settings to storage. Domain functions take the session it hands out."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.db = Database(self.settings.database_url)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self.db.transaction() as session:
            yield session

    def upgrade(self) -> None:
        migrate.upgrade(self.db)

    def check_schema(self) -> None:
        if not migrate.is_current(self.db):
            raise ConfigError(
                f"the database at {self.db.engine.url!r} is not up to date; run `heard db upgrade`"
            )

    def close(self) -> None:
        self.db.dispose()
