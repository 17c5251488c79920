from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVarTuple

from sqlalchemy import CursorResult, Engine, Select, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

Columns = TypeVarTuple("Columns")


def utcnow() -> datetime:
    """Naive UTC timestamp: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def read_rows(
    session: Session, statement: Select[*Columns], params: Mapping[str, Any] | None = None
) -> CursorResult[*Columns]:
    """Run a select of plain columns on the session's Core connection, in its transaction.

    For reads on the request path: the ORM's execute path (compile state, entity
    bookkeeping) costs about 60 µs a query more than this, more than the query itself on
    an organisation of heard's size. Selects of entities still go through the session."""
    return session.connection().execute(statement, params)


def read_dicts(
    session: Session, statement: Select[*Columns], params: Mapping[str, Any] | None = None
) -> list[dict[str, Any]]:
    """:func:`read_rows` as one dict per row, keyed by column label."""
    return [row._asdict() for row in read_rows(session, statement, params)]


def _normalise_url(url: str) -> str:
    # People paste libpq-style URLs; psycopg 3 is the driver we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers proceed while the single writer commits; foreign keys are off by
    # default in SQLite and we rely on them.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


class Database:
    """One engine and session factory for one database URL."""

    def __init__(self, url: str) -> None:
        self.url = _normalise_url(url)
        self.engine: Engine = self._make_engine()
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _make_engine(self) -> Engine:
        if self.url.startswith("sqlite"):
            path = self.url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            # A request holds its connection until it commits (reads on the event loop, writes
            # on a worker thread). With a capped pool, a read waiting on the loop for a
            # connection would block the very loop other requests need to give theirs back (a
            # stall until pool_timeout). SQLite connections are cheap: no cap.
            engine = create_engine(
                self.url, connect_args={"check_same_thread": False}, pool_size=20, max_overflow=-1
            )
            event.listen(engine, "connect", _sqlite_pragmas)
            return engine
        # PostgreSQL connections cost server memory, so the pool stays bounded, sized above
        # what one worker can hold at once: one read on the event loop plus the thread
        # pool's 40 writes (see the note on SQLite above).
        return create_engine(self.url, pool_size=20, max_overflow=80, pool_pre_ping=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def session(self) -> Session:
        return self._sessions()

    def dispose(self) -> None:
        self.engine.dispose()
